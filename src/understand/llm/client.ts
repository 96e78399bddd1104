/**
 * The one place an OpenAI client is built; extraction and question answering
 * share it. Everything comes from `Config.llm` — never from the environment,
 * which the SDK would otherwise read on its own (OPENAI_BASE_URL, OPENAI_ORG_ID,
 * OPENAI_LOG…) — and the SDK's own logging stays off: it could print request
 * details, and pipebot logs each call's outcome itself.
 */
import OpenAI from 'openai';
import type { Config } from '../../config.ts';
import {
  createTransport,
  DEFAULT_TRANSPORT,
  type TransportOptions,
  type Usage,
} from './transport.ts';

export type LlmSettings = NonNullable<Config['llm']>;

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface LlmClient {
  openai: OpenAI;
  model: string;
  /** The longest one call may take, retries included. */
  timeoutMs: number;
  /** Waits a server asks for beyond this are not retried (see transport.ts). */
  maxRetryDelayMs: number;
  /** Token usage of a call tagged with CALL_ID_HEADER (and forget it). */
  takeUsage(callId: string): Usage | null;
}

export function createLlmClient(
  settings: LlmSettings,
  transport: Partial<TransportOptions> = {},
): LlmClient {
  const options = { ...DEFAULT_TRANSPORT, ...transport };
  const t = createTransport(options);
  const openai = new OpenAI({
    // Local servers (Ollama, llama.cpp, vLLM) take no key, but the SDK insists on one.
    apiKey: settings.apiKey ?? 'no-key',
    baseURL: settings.baseUrl ?? OPENAI_BASE_URL,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    logLevel: 'off',
    fetch: t.fetch,
  });
  return {
    openai,
    model: settings.model,
    timeoutMs: settings.timeoutMs,
    maxRetryDelayMs: options.maxRetryDelayMs,
    takeUsage: t.takeUsage,
  };
}

/**
 * The one place an OpenAI client is built, from `config.llm` (any
 * OpenAI-compatible server: OpenAI, Azure, Ollama, vLLM, llama.cpp). Every
 * option the SDK would otherwise read from the environment is passed
 * explicitly: configuration comes from src/config.ts only. The SDK's own
 * logging is off, so prompts and keys never reach a log.
 */
import OpenAI from 'openai';
import type { Config } from '../config.ts';

export type LlmConfig = NonNullable<Config['llm']>;

export interface LlmClient {
  client: OpenAI;
  model: string;
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function createLlmClient(llm: LlmConfig): LlmClient {
  const client = new OpenAI({
    // Local servers (Ollama, llama.cpp) take any key; the SDK insists on one.
    apiKey: llm.apiKey ?? 'unused',
    adminAPIKey: null,
    baseURL: llm.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: llm.timeoutMs,
    maxRetries: llm.maxRetries,
    logLevel: 'off',
  });
  return { client, model: llm.model };
}

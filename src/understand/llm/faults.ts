/**
 * What went wrong with a model call, as one of the `llm_calls.outcome` values,
 * with a short description that never holds prompt or message text.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  ContentFilterFinishReasonError,
  LengthFinishReasonError,
} from 'openai/error';
import { ZodError } from 'zod';
import type { DegradedReason } from '../extraction.ts';
import { retryAfterMs } from './transport.ts';

export type CallOutcome = 'ok' | DegradedReason;

export interface Fault {
  outcome: Exclude<CallOutcome, 'ok' | 'circuit_open' | 'capped'>;
  /** For the log and `llm_calls.error`: status and kind, never content. */
  detail: string;
  /** How long the server asked us to wait, when it did. */
  retryAfterMs?: number;
}

/** The model answered, but not with a usable extraction. */
export class OutputError extends Error {
  readonly outcome: 'refused' | 'invalid';
  constructor(outcome: 'refused' | 'invalid', message: string) {
    super(message);
    this.name = 'OutputError';
    this.outcome = outcome;
  }
}

/** Our own deadline for one message passed (the SDK's per-attempt timeout is separate). */
export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

function schemaDetail(err: ZodError): string {
  const first = err.issues[0];
  return `schema violation at ${first?.path.join('.') || '(root)'}: ${first?.code ?? 'invalid'}`;
}

export function classifyFault(err: unknown): Fault {
  if (err instanceof DeadlineError || err instanceof APIConnectionTimeoutError)
    return { outcome: 'timeout', detail: 'timed out' };
  if (err instanceof APIUserAbortError) return { outcome: 'timeout', detail: 'aborted' };
  if (err instanceof APIConnectionError)
    return { outcome: 'connection', detail: 'connection failed' };
  if (err instanceof APIError) {
    const status = err.status ?? 0;
    const wait = err.headers ? retryAfterMs(err.headers) : null;
    const extra = wait === null ? {} : { retryAfterMs: wait };
    const code = typeof err.code === 'string' ? err.code : undefined;
    if (code === 'insufficient_quota' || err.type === 'insufficient_quota')
      return { outcome: 'quota', detail: `${status} insufficient_quota`, ...extra };
    if (status === 429) return { outcome: 'rate_limited', detail: '429 rate limited', ...extra };
    if (status === 408) return { outcome: 'timeout', detail: '408 request timeout' };
    if (status >= 500)
      return { outcome: 'server_error', detail: `${status} server error`, ...extra };
    return { outcome: 'error', detail: `${status} ${code ?? err.type ?? 'client error'}` };
  }
  if (err instanceof LengthFinishReasonError)
    return { outcome: 'truncated', detail: 'finish_reason length' };
  if (err instanceof ContentFilterFinishReasonError)
    return { outcome: 'refused', detail: 'finish_reason content_filter' };
  if (err instanceof OutputError) return { outcome: err.outcome, detail: err.message };
  if (err instanceof ZodError) return { outcome: 'invalid', detail: schemaDetail(err) };
  if (err instanceof SyntaxError) return { outcome: 'invalid', detail: 'not valid JSON' };
  return { outcome: 'error', detail: err instanceof Error ? err.name : 'unknown error' };
}

/** Faults that say the model is unwell (the breaker counts them); a refusal or truncation is about one message. */
export function isModelFailure(outcome: Fault['outcome']): boolean {
  return outcome !== 'refused' && outcome !== 'truncated';
}

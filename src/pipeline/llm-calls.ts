/** One row per LLM request in `llm_calls`, for cost and reliability reporting. Never the prompt. */
import type { Executor } from '../db/connect.ts';
import { llmCalls } from '../db/schema.ts';

export type LlmOutcome =
  | 'ok'
  | 'timeout'
  | 'rate_limited'
  | 'quota'
  | 'server_error'
  | 'connection'
  | 'refused'
  | 'truncated'
  | 'invalid';

export interface LlmCallRecord {
  workspaceId: string | null;
  inboxId?: string | null;
  purpose: string;
  model: string;
  promptTokens?: number | null;
  completionTokens?: number | null;
  cachedTokens?: number | null;
  latencyMs: number;
  outcome: LlmOutcome;
  /** A short reason (error class or refusal), never prompt or answer text. */
  error?: string | null;
}

export async function recordLlmCall(db: Executor, r: LlmCallRecord): Promise<void> {
  await db.insert(llmCalls).values({
    workspaceId: r.workspaceId,
    inboxId: r.inboxId ?? null,
    purpose: r.purpose,
    model: r.model,
    promptTokens: r.promptTokens ?? null,
    completionTokens: r.completionTokens ?? null,
    cachedTokens: r.cachedTokens ?? null,
    latencyMs: Math.max(0, Math.round(r.latencyMs)),
    outcome: r.outcome,
    error: r.error ? r.error.slice(0, 500) : null,
  });
}

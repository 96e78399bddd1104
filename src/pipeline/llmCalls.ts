/**
 * The `llm_calls` ledger: one row per model call (or per call a guard kept
 * from being made), for cost reporting and for the per-workspace caps.
 */
import { and, eq, gt, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { llmCalls } from '../db/schema.ts';

export interface LlmCallRecord {
  workspaceId: string | null;
  inboxId: string | null;
  /** What the call was for: `extract`, `ask`… */
  purpose: string;
  model: string;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  latencyMs: number;
  outcome: string;
  /** Status and kind of a failure; never prompt or message text. */
  error: string | null;
  at: Date;
}

/** Outcomes of calls that never reached the model: they cost nothing and count toward no cap. */
export const NOT_CALLED = ['circuit_open', 'capped'];

export async function recordLlmCall(db: Executor, r: LlmCallRecord): Promise<void> {
  await db.insert(llmCalls).values({
    workspaceId: r.workspaceId,
    inboxId: r.inboxId,
    purpose: r.purpose,
    model: r.model,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    cachedTokens: r.cachedTokens,
    latencyMs: Math.max(0, Math.round(r.latencyMs)),
    outcome: r.outcome,
    error: r.error?.slice(0, 300) ?? null,
    createdAt: r.at,
  });
}

export interface LlmUsage {
  /** Calls that reached the model since `callsSince`. */
  calls: number;
  /** Prompt plus completion tokens since `tokensSince`. */
  tokens: number;
}

/** One workspace's model use over two windows, in one query (every purpose counts). */
export async function llmUsage(
  db: Executor,
  workspaceId: string,
  callsSince: Date,
  tokensSince: Date,
): Promise<LlmUsage> {
  const since = callsSince < tokensSince ? callsSince : tokensSince;
  const [row] = await db
    .select({
      calls: sql<number>`count(*) filter (where ${llmCalls.createdAt} > ${callsSince.toISOString()}::timestamptz)::int`,
      tokens: sql<number>`coalesce(sum(coalesce(${llmCalls.promptTokens}, 0) + coalesce(${llmCalls.completionTokens}, 0)) filter (where ${llmCalls.createdAt} > ${tokensSince.toISOString()}::timestamptz), 0)::bigint`,
    })
    .from(llmCalls)
    .where(
      and(
        eq(llmCalls.workspaceId, workspaceId),
        gt(llmCalls.createdAt, since),
        notInArray(llmCalls.outcome, NOT_CALLED),
      ),
    );
  return { calls: Number(row?.calls ?? 0), tokens: Number(row?.tokens ?? 0) };
}

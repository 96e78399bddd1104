/**
 * Per-workspace caps on model use, so one tenant cannot spend everyone's
 * budget: calls in the last minute and tokens in the last 24 hours, counted
 * from `llm_calls` (so every replica and every purpose counts). Two messages
 * racing past the check may both go through; a cap is a budget, not a lock.
 */
import type { Db } from '../../db/connect.ts';
import { llmUsage } from '../../pipeline/llmCalls.ts';

export interface LlmCaps {
  /** 0: no cap. */
  callsPerMinute: number;
  /** Prompt plus completion tokens in any 24 hours; 0: no cap. */
  tokensPerDay: number;
}

export type CapHit = 'calls_per_minute' | 'tokens_per_day';

export async function capReached(
  db: Db,
  workspaceId: string,
  caps: LlmCaps,
  at: Date,
): Promise<CapHit | null> {
  if (caps.callsPerMinute <= 0 && caps.tokensPerDay <= 0) return null;
  const usage = await llmUsage(
    db,
    workspaceId,
    new Date(at.getTime() - 60_000),
    new Date(at.getTime() - 86_400_000),
  );
  if (caps.callsPerMinute > 0 && usage.calls >= caps.callsPerMinute) return 'calls_per_minute';
  if (caps.tokensPerDay > 0 && usage.tokens >= caps.tokensPerDay) return 'tokens_per_day';
  return null;
}

/**
 * The LLM extractor: one structured-output call per message, reviewed in
 * code, with the offline extractor's answer whenever the model cannot be
 * used — a fault, a refusal, garbage, an open circuit breaker, a workspace
 * over its cap — marked `degraded` so the reply can say so. Every call (and
 * every call a guard refused) is recorded in `llm_calls`; nothing of the
 * prompt or the message is logged.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/connect.ts';
import type { Logger } from '../../log.ts';
import { recordLlmCall } from '../../pipeline/llmCalls.ts';
import type {
  DegradedReason,
  ExtractContext,
  Extraction,
  Extractor,
  ExtractResult,
} from '../extraction.ts';
import type { CircuitBreaker } from './breaker.ts';
import { callExtraction } from './call.ts';
import { capReached, type LlmCaps } from './caps.ts';
import type { LlmClient } from './client.ts';
import { type CallOutcome, classifyFault, type Fault, isModelFailure } from './faults.ts';
import { reviewExtraction } from './review.ts';

/** How long the breaker stays open after the provider says the quota is used up. */
export const QUOTA_WAIT_MS = 5 * 60_000;

export interface QuotaNotice {
  workspaceId: string;
  model: string;
  at: Date;
}

export interface LlmExtractorDeps {
  client: LlmClient;
  /** Answers when the model cannot (the offline extractor). */
  fallback: Extractor;
  breaker: CircuitBreaker;
  logger: Logger;
  /** Where calls are recorded and caps counted; absent: neither (`pipebot extract`). */
  db?: Db;
  caps?: LlmCaps;
  /** Timestamps of `llm_calls` rows and cap windows. */
  now?: () => Date;
  /**
   * The provider's quota is used up: tell this workspace's admins. Called at
   * most once per workspace until a call succeeds again; the app decides how
   * (an admin DM through the outbound, keyed per day so replicas send it once).
   */
  onQuotaExhausted?: (notice: QuotaNotice) => void | Promise<void>;
}

export function createLlmExtractor(deps: LlmExtractorDeps): Extractor {
  const { client, breaker, logger: log } = deps;
  const now = deps.now ?? (() => new Date());
  let quotaExhausted = false;
  const quotaTold = new Set<string>();

  async function record(
    ctx: ExtractContext,
    at: Date,
    outcome: CallOutcome,
    latencyMs: number,
    callId: string | null,
    detail: string | null,
  ) {
    const usage = callId ? client.takeUsage(callId) : null;
    const fields = {
      purpose: 'extract',
      model: client.model,
      outcome,
      latencyMs: Math.round(latencyMs),
      promptTokens: usage?.promptTokens ?? null,
      completionTokens: usage?.completionTokens ?? null,
      cachedTokens: usage?.cachedTokens ?? null,
      workspaceId: ctx.workspaceId ?? null,
      inboxId: ctx.inboxId ?? null,
    };
    if (outcome === 'ok') log.info(fields, 'llm call');
    else log.warn({ ...fields, error: detail }, 'llm call not used');
    if (!deps.db) return;
    try {
      await recordLlmCall(deps.db, { ...fields, error: detail, at });
    } catch (err) {
      log.error({ err, workspaceId: fields.workspaceId }, 'could not record an llm call');
    }
  }

  async function tellQuota(ctx: ExtractContext, at: Date) {
    const ws = ctx.workspaceId;
    if (!ws || quotaTold.has(ws)) return;
    quotaTold.add(ws);
    try {
      await deps.onQuotaExhausted?.({ workspaceId: ws, model: client.model, at });
    } catch (err) {
      log.error({ err, workspaceId: ws }, 'could not tell admins about the LLM quota');
    }
  }

  async function offline(
    text: string,
    ctx: ExtractContext,
    reason: DegradedReason,
  ): Promise<ExtractResult> {
    const r = await deps.fallback.extract(text, ctx);
    return { extraction: r.extraction, source: 'offline', degraded: { reason } };
  }

  /** The breaker's lesson from a fault: open at once when the server said how long to wait. */
  function learn(fault: Fault) {
    if (!isModelFailure(fault.outcome)) return breaker.success();
    if (fault.outcome === 'quota') return breaker.failure(QUOTA_WAIT_MS);
    const wait = fault.retryAfterMs;
    breaker.failure(wait !== undefined && wait > client.maxRetryDelayMs ? wait : undefined);
  }

  return {
    name: `llm:${client.model}`,
    async extract(text, ctx) {
      const at = now();
      if (deps.db && deps.caps && ctx.workspaceId) {
        const hit = await capReached(deps.db, ctx.workspaceId, deps.caps, at);
        if (hit) {
          await record(ctx, at, 'capped', 0, null, `${hit} cap reached`);
          return offline(text, ctx, 'capped');
        }
      }
      if (!breaker.allow()) {
        await record(ctx, at, 'circuit_open', 0, null, 'circuit breaker open');
        if (quotaExhausted) {
          await tellQuota(ctx, at);
          return offline(text, ctx, 'quota');
        }
        return offline(text, ctx, 'circuit_open');
      }

      const callId = randomUUID();
      const started = performance.now();
      let extraction: Extraction | undefined;
      let fault: Fault | undefined;
      try {
        const parsed = await callExtraction(client, text, ctx, callId);
        extraction = reviewExtraction(parsed, text, ctx);
      } catch (err) {
        fault = classifyFault(err);
      }
      const latency = performance.now() - started;
      if (extraction) {
        breaker.success();
        quotaExhausted = false;
        quotaTold.clear();
        await record(ctx, at, 'ok', latency, callId, null);
        return { extraction, source: 'llm' };
      }
      const f = fault ?? { outcome: 'error' as const, detail: 'no answer' };
      learn(f);
      await record(ctx, at, f.outcome, latency, callId, f.detail);
      if (f.outcome === 'quota') {
        quotaExhausted = true;
        await tellQuota(ctx, at);
      }
      return offline(text, ctx, f.outcome);
    },
  };
}

/**
 * Running claimed slots: decide what to send (or reuse what an earlier,
 * crashed attempt decided), keep that decision with the slot, send it through
 * the platform's idempotent Outbound under the slot's key, then record the
 * outcome. A re-run after a crash therefore never posts twice: the outbound
 * record says the key was sent, and only the bookkeeping is redone.
 */

import { pickLocale } from '../assistant/i18n/index.ts';
import { nudgeReply } from '../assistant/nudgeReply.ts';
import type { Outbound, OutboundRegistry } from '../assistant/outbound.ts';
import type { Db } from '../db/connect.ts';
import type { JobRun, Member, Workspace } from '../db/schema.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { markNudged } from '../pipeline/nudgeState.ts';
import {
  capItems,
  collectNudgeItems,
  type NudgeItem,
  type NudgePlan,
  nudgeCapOf,
} from '../pipeline/nudges.ts';
import { templateOf } from '../pipeline/workspaces.ts';
import { failRun, finishRun, saveRunResult } from './claims.ts';
import { buildDigest, type DigestPlan, digestStart } from './digest.ts';
import type { Slot } from './slots.ts';

export interface RunContext {
  db: Db;
  outbounds: OutboundRegistry;
  logger: Logger;
  /** Who holds the claims (this scheduler instance). */
  owner: string;
  /** How long a failed run waits before any replica retries it. */
  retryMs: number;
}

export type SlotOutcome = 'sent' | 'duplicate' | 'empty' | 'failed' | 'retry';

export interface SlotReport {
  key: string;
  outcome: SlotOutcome;
}

interface Claimed {
  run: JobRun;
  slot: Slot;
}

function storedPlan<T>(run: JobRun): T | undefined {
  const r = run.result as { plan?: T } | null;
  return r?.plan;
}

function outboundFor(ctx: RunContext, ws: Workspace): Outbound {
  const o = ctx.outbounds[ws.platform];
  if (!o) throw new Error(`no outbound for ${ws.platform}`);
  return o;
}

async function guarded(
  ctx: RunContext,
  c: Claimed,
  now: Date,
  work: () => Promise<SlotOutcome>,
): Promise<SlotReport> {
  try {
    return { key: c.slot.key, outcome: await work() };
  } catch (err) {
    const outcome = await failRun(ctx.db, c.run, ctx.owner, errorMessage(err), now, ctx.retryMs);
    ctx.logger.error(
      { err, slot: c.slot.key, workspaceId: c.slot.workspaceId, attempt: c.run.attempts, outcome },
      'scheduled job failed',
    );
    return { key: c.slot.key, outcome: outcome === 'failed' ? 'failed' : 'retry' };
  }
}

export async function runDigestSlot(
  ctx: RunContext,
  ws: Workspace,
  c: Claimed,
  now: Date,
): Promise<SlotReport> {
  return guarded(ctx, c, now, async () => {
    let plan = storedPlan<DigestPlan>(c.run);
    if (!plan) {
      const from = await digestStart(ctx.db, ws, c.slot.date, now);
      plan = { from: from.toISOString(), until: now.toISOString() };
      await saveRunResult(ctx.db, c.run, ctx.owner, { plan });
    }
    const { reply } = await buildDigest(ctx.db, ws, {
      from: new Date(plan.from),
      until: new Date(plan.until),
    });
    const channel = ws.digestChannel ?? 'console';
    const sent = await outboundFor(ctx, ws).send(
      ws,
      { kind: 'channel', channel },
      [reply],
      c.slot.key,
    );
    await finishRun(ctx.db, c.run, ctx.owner, { plan, ...sent }, now);
    ctx.logger.info({ slot: c.slot.key, status: sent.status }, 'digest posted');
    return sent.status;
  });
}

/** A member's nudge for the day from their collected items, capped. */
export function nudgePlan(
  ws: Workspace,
  member: Member,
  date: string,
  items: readonly NudgeItem[],
): NudgePlan {
  const capped = capItems(items, nudgeCapOf(ws));
  return {
    memberId: member.id,
    locale: pickLocale(member.locale, null, ws.locale),
    date,
    items: capped.items,
    more: capped.more,
  };
}

export function renderNudge(ws: Workspace, member: Member, plan: NudgePlan) {
  return nudgeReply(
    { locale: plan.locale, template: templateOf(ws), name: member.displayName },
    plan,
  );
}

/**
 * Run one workspace's claimed nudge slots. The items of every member whose
 * plan is not decided yet are collected together (two queries).
 */
export async function runNudgeSlots(
  ctx: RunContext,
  ws: Workspace,
  claimed: readonly Claimed[],
  membersById: ReadonlyMap<string, Member>,
  now: Date,
): Promise<SlotReport[]> {
  const undecided = claimed
    .filter((c) => !storedPlan<NudgePlan>(c.run))
    .flatMap((c) => {
      const m = c.slot.memberId ? membersById.get(c.slot.memberId) : undefined;
      return m ? [m] : [];
    });
  const items = undecided.length
    ? await collectNudgeItems(ctx.db, ws, undecided, now)
    : new Map<string, NudgeItem[]>();
  const reports: SlotReport[] = [];
  for (const c of claimed) {
    const member = c.slot.memberId ? membersById.get(c.slot.memberId) : undefined;
    reports.push(
      await guarded(ctx, c, now, async () => {
        if (!member) throw new Error(`member ${c.slot.memberId} not found`);
        let plan = storedPlan<NudgePlan>(c.run);
        if (!plan) {
          plan = nudgePlan(ws, member, c.slot.date, items.get(member.id) ?? []);
          await saveRunResult(ctx.db, c.run, ctx.owner, { plan });
        }
        if (plan.items.length === 0) {
          await finishRun(ctx.db, c.run, ctx.owner, { plan, status: 'empty' }, now);
          return 'empty';
        }
        const sent = await outboundFor(ctx, ws).send(
          ws,
          { kind: 'dm', user: member.externalId },
          [renderNudge(ws, member, plan)],
          c.slot.key,
        );
        await markNudged(ctx.db, ws.id, plan.items, now);
        await finishRun(ctx.db, c.run, ctx.owner, { plan, ...sent }, now);
        return sent.status;
      }),
    );
  }
  return reports;
}

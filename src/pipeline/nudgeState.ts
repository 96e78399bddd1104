/**
 * What is remembered about nudge items after they are sent: when each was
 * last nudged, deal-level snoozes, and the state of a sent nudge's items so
 * that the message can be redrawn after a button was pressed.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import {
  dealNudges,
  deals,
  followups,
  jobRuns,
  type Member,
  outbound,
  type Platform,
} from '../db/schema.ts';
import { addDays } from '../lib/time.ts';
import type { NudgeItem, NudgePlan } from './nudges.ts';
import { canEditDeal } from './permissions.ts';

/** Remember that these items were in a nudge sent at `now`, so they are not repeated today. */
export async function markNudged(
  db: Executor,
  workspaceId: string,
  items: readonly NudgeItem[],
  now: Date,
): Promise<void> {
  const fids = items.flatMap((i) => (i.followupId ? [i.followupId] : []));
  const dids = [...new Set(items.filter((i) => !i.followupId).map((i) => i.dealId))];
  if (fids.length) {
    await db
      .update(followups)
      .set({ lastNudgedAt: now })
      .where(and(eq(followups.workspaceId, workspaceId), inArray(followups.id, fids)));
  }
  if (dids.length) {
    await db
      .insert(dealNudges)
      .values(dids.map((dealId) => ({ dealId, workspaceId, lastNudgedAt: now })))
      .onConflictDoUpdate({
        target: dealNudges.dealId,
        set: { lastNudgedAt: sql`excluded.last_nudged_at` },
      });
  }
}

/** How an item stands now, for redrawing a nudge after a button was pressed. */
export type ItemState =
  | { kind: 'open' }
  | { kind: 'done' }
  | { kind: 'snoozed'; until: string }
  | { kind: 'rescheduled'; closeDate: string }
  | { kind: 'closed'; status: 'won' | 'lost' }
  | { kind: 'gone' };

export const itemKey = (i: Pick<NudgeItem, 'dealId' | 'followupId'>) =>
  i.followupId ? `f:${i.followupId}` : `d:${i.dealId}`;

/** The current state of a nudge's items (two queries whatever their number). */
export async function nudgeItemStates(
  db: Executor,
  workspaceId: string,
  items: readonly NudgeItem[],
  today: string,
): Promise<Map<string, ItemState>> {
  const states = new Map<string, ItemState>();
  const fids = items.flatMap((i) => (i.followupId ? [i.followupId] : []));
  const dids = [...new Set(items.filter((i) => !i.followupId).map((i) => i.dealId))];
  const [fs, ds] = await Promise.all([
    fids.length
      ? db
          .select()
          .from(followups)
          .where(and(eq(followups.workspaceId, workspaceId), inArray(followups.id, fids)))
      : [],
    dids.length
      ? db
          .select({
            id: deals.id,
            status: deals.status,
            closeDate: deals.closeDate,
            snoozedUntil: dealNudges.snoozedUntil,
          })
          .from(deals)
          .leftJoin(dealNudges, eq(dealNudges.dealId, deals.id))
          .where(and(eq(deals.workspaceId, workspaceId), inArray(deals.id, dids)))
      : [],
  ]);
  for (const f of fs) {
    const s: ItemState =
      f.status === 'done'
        ? { kind: 'done' }
        : f.status === 'cancelled'
          ? { kind: 'gone' }
          : f.status === 'snoozed' && f.snoozedUntil && f.snoozedUntil > today
            ? { kind: 'snoozed', until: f.snoozedUntil }
            : { kind: 'open' };
    states.set(`f:${f.id}`, s);
  }
  const byDeal = new Map(ds.map((d) => [d.id, d]));
  for (const i of items) {
    if (i.followupId) continue;
    const d = byDeal.get(i.dealId);
    let s: ItemState = { kind: 'open' };
    if (!d || d.status === 'void') s = { kind: 'gone' };
    else if (d.status === 'won' || d.status === 'lost') s = { kind: 'closed', status: d.status };
    else if (d.snoozedUntil && d.snoozedUntil > today)
      s = { kind: 'snoozed', until: d.snoozedUntil };
    else if (i.reason === 'close_passed' && d.closeDate && d.closeDate >= today)
      s = { kind: 'rescheduled', closeDate: d.closeDate };
    states.set(itemKey(i), s);
  }
  return states;
}

export type DealSnoozeOutcome =
  | { status: 'ok'; until: string; dealId: string }
  | { status: 'not_found' }
  | { status: 'forbidden' };

/**
 * Snooze the deal-level reminders (gone quiet, past close) about a deal for
 * `days`. Who snoozed and when is kept on the row; the deal itself does not
 * change, so it is not a deal event and its last activity is untouched.
 */
export async function snoozeDealNudge(
  db: Executor,
  ctx: { workspace: { id: string }; member: Member; now: Date; today: string },
  dealId: string,
  days: number,
): Promise<DealSnoozeOutcome> {
  if (!/^[0-9a-f-]{36}$/i.test(dealId)) return { status: 'not_found' };
  const [deal] = await db
    .select({
      id: deals.id,
      ownerId: deals.ownerId,
      workspaceId: deals.workspaceId,
      status: deals.status,
    })
    .from(deals)
    .where(and(eq(deals.workspaceId, ctx.workspace.id), eq(deals.id, dealId)))
    .limit(1);
  if (!deal || deal.status === 'void') return { status: 'not_found' };
  const { member } = ctx;
  if (!canEditDeal(member, deal)) return { status: 'forbidden' };
  const until = addDays(ctx.today, days);
  await db
    .insert(dealNudges)
    .values({
      dealId,
      workspaceId: ctx.workspace.id,
      snoozedUntil: until,
      snoozedBy: member.id,
      snoozedAt: ctx.now,
    })
    .onConflictDoUpdate({
      target: dealNudges.dealId,
      set: { snoozedUntil: until, snoozedBy: member.id, snoozedAt: ctx.now },
    });
  return { status: 'ok', until, dealId };
}

/**
 * The plan of the nudge the bot posted as this message, found through the
 * outbound record (its key is the job slot) and the slot's job_runs row.
 */
export async function nudgePlanForMessage(
  db: Executor,
  workspaceId: string,
  platform: Platform,
  channel: string,
  messageId: string,
): Promise<NudgePlan | null> {
  const [row] = await db
    .select({ result: jobRuns.result })
    .from(outbound)
    .innerJoin(jobRuns, and(eq(jobRuns.job, 'nudge'), eq(jobRuns.slot, outbound.key)))
    .where(
      and(
        eq(outbound.workspaceId, workspaceId),
        eq(outbound.platform, platform),
        eq(outbound.channel, channel),
        eq(outbound.messageId, messageId),
      ),
    )
    .limit(1);
  const plan = (row?.result as { plan?: NudgePlan } | null)?.plan;
  return plan && Array.isArray(plan.items) && typeof plan.memberId === 'string' ? plan : null;
}

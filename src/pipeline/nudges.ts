/**
 * What each member should be nudged about today: follow-ups due or overdue,
 * open deals gone quiet past their stage's threshold, open deals past their
 * expected close, and after-sales check-ins. Collected for a whole workspace
 * in two queries, then split per member in their own timezone.
 */
import { and, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import {
  accounts,
  dealNudges,
  deals,
  followups,
  jobRuns,
  type Member,
  outbound,
  type Platform,
  type Workspace,
} from '../db/schema.ts';
import { addDays, toLocalDate } from '../lib/time.ts';
import { canEditDeal } from './permissions.ts';
import { findStage, type Locale, openStages } from './stages.ts';
import { memberTimezone, templateOf } from './workspaces.ts';

export type NudgeReason = 'overdue' | 'due_today' | 'close_passed' | 'stale' | 'after_sales';

/** Most urgent first: the order of a nudge's sections, and what the daily cap keeps. */
export const NUDGE_ORDER: readonly NudgeReason[] = [
  'overdue',
  'due_today',
  'close_passed',
  'stale',
  'after_sales',
];

export interface NudgeItem {
  reason: NudgeReason;
  dealId: string;
  /** Set for follow-up items (overdue, due today, after-sales). */
  followupId?: string;
  account: string;
  /** The follow-up's text. */
  text?: string;
  /** Follow-ups: the day it fell due (or its snooze ended). Past close: the expected close date. */
  date?: string;
  stage: string;
  amount: number | null;
  currency: string | null;
  /** Whole days since the deal's last activity. */
  idleDays: number;
}

/** One member's nudge for one day, as decided before sending (kept in job_runs.result). */
export interface NudgePlan {
  memberId: string;
  locale: Locale;
  date: string;
  items: NudgeItem[];
  /** Items over the daily cap, left for another day. */
  more: number;
}

export const DEFAULT_NUDGE_CAP = 10;

export function nudgeCapOf(ws: Pick<Workspace, 'settings'>): number {
  const n = Number(ws.settings.nudgeCap);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_NUDGE_CAP;
}

const DAY_MS = 86_400_000;

/**
 * Every nudge-worthy item per member (uncapped, most urgent first), as of
 * `now` in each member's zone. Items the member snoozed, or was already
 * nudged about on their local today, are left out.
 */
export async function collectNudgeItems(
  db: Executor,
  ws: Workspace,
  forMembers: readonly Member[],
  now: Date,
): Promise<Map<string, NudgeItem[]>> {
  const out = new Map<string, NudgeItem[]>(forMembers.map((m) => [m.id, []]));
  if (forMembers.length === 0) return out;
  const ids = forMembers.map((m) => m.id);
  const todayOf = new Map(
    forMembers.map((m) => [m.id, toLocalDate(now, memberTimezone(m, ws))] as const),
  );
  const zoneOf = new Map(forMembers.map((m) => [m.id, memberTimezone(m, ws)] as const));
  // Members may be a day apart; fetch up to the latest "today" and filter per member.
  const latest = [...todayOf.values()].sort().at(-1) as string;
  const template = templateOf(ws);
  const stale = openStages(template)
    .map((s) => s.staleDays)
    .filter((d) => d > 0);
  const minStale = stale.length ? Math.min(...stale) : 0;

  const [fus, dealRows] = await Promise.all([
    db
      .select({
        id: followups.id,
        ownerId: followups.ownerId,
        kind: followups.kind,
        text: followups.text,
        status: followups.status,
        dueDate: followups.dueDate,
        snoozedUntil: followups.snoozedUntil,
        lastNudgedAt: followups.lastNudgedAt,
        dealId: followups.dealId,
        dealStatus: deals.status,
        stage: deals.stage,
        amount: deals.amount,
        currency: deals.currency,
        lastActivityAt: deals.lastActivityAt,
        account: accounts.name,
      })
      .from(followups)
      .innerJoin(deals, eq(deals.id, followups.dealId))
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .where(
        and(
          eq(followups.workspaceId, ws.id),
          inArray(followups.ownerId, ids),
          or(
            and(eq(followups.status, 'open'), lte(followups.dueDate, latest)),
            and(eq(followups.status, 'snoozed'), lte(followups.snoozedUntil, latest)),
          ),
        ),
      ),
    db
      .select({
        id: deals.id,
        ownerId: deals.ownerId,
        stage: deals.stage,
        amount: deals.amount,
        currency: deals.currency,
        closeDate: deals.closeDate,
        lastActivityAt: deals.lastActivityAt,
        account: accounts.name,
        lastNudgedAt: dealNudges.lastNudgedAt,
        snoozedUntil: dealNudges.snoozedUntil,
      })
      .from(deals)
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .leftJoin(dealNudges, eq(dealNudges.dealId, deals.id))
      .where(
        and(
          eq(deals.workspaceId, ws.id),
          eq(deals.status, 'open'),
          inArray(deals.ownerId, ids),
          or(
            lt(deals.closeDate, latest),
            minStale > 0
              ? lt(deals.lastActivityAt, new Date(now.getTime() - minStale * DAY_MS))
              : sql`false`,
          ),
        ),
      ),
  ]);

  const seenToday = (memberId: string, at: Date | null) =>
    at !== null && toLocalDate(at, zoneOf.get(memberId) as string) === todayOf.get(memberId);
  const idle = (at: Date) => Math.max(0, Math.floor((now.getTime() - at.getTime()) / DAY_MS));
  const withFollowup = new Set<string>();

  for (const f of fus) {
    const today = todayOf.get(f.ownerId);
    const list = out.get(f.ownerId);
    if (!today || !list) continue;
    const due = f.status === 'snoozed' ? f.snoozedUntil : f.dueDate;
    if (!due || due > today) continue;
    if (f.kind === 'next_step' && f.dealStatus !== 'open') continue;
    if (f.dealStatus === 'void') continue;
    // The deal is represented by its follow-up, even when that was already nudged today.
    withFollowup.add(f.dealId);
    if (seenToday(f.ownerId, f.lastNudgedAt)) continue;
    list.push({
      reason: f.kind === 'after_sales' ? 'after_sales' : due < today ? 'overdue' : 'due_today',
      dealId: f.dealId,
      followupId: f.id,
      account: f.account,
      text: f.text,
      date: due,
      stage: f.stage,
      amount: f.amount,
      currency: f.currency,
      idleDays: idle(f.lastActivityAt),
    });
  }

  for (const d of dealRows) {
    const today = todayOf.get(d.ownerId);
    const list = out.get(d.ownerId);
    if (!today || !list || withFollowup.has(d.id)) continue;
    if (d.snoozedUntil && d.snoozedUntil > today) continue;
    if (seenToday(d.ownerId, d.lastNudgedAt)) continue;
    const staleDays = findStage(template, d.stage)?.staleDays ?? 0;
    const idleDays = idle(d.lastActivityAt);
    const base = {
      dealId: d.id,
      account: d.account,
      stage: d.stage,
      amount: d.amount,
      currency: d.currency,
      idleDays,
    };
    if (d.closeDate && d.closeDate < today) {
      list.push({ ...base, reason: 'close_passed', date: d.closeDate });
    } else if (staleDays > 0 && now.getTime() - d.lastActivityAt.getTime() > staleDays * DAY_MS) {
      list.push({ ...base, reason: 'stale' });
    }
  }

  for (const list of out.values()) list.sort(byUrgency);
  return out;
}

function byUrgency(a: NudgeItem, b: NudgeItem): number {
  const r = NUDGE_ORDER.indexOf(a.reason) - NUDGE_ORDER.indexOf(b.reason);
  if (r !== 0) return r;
  if (a.reason === 'stale') return b.idleDays - a.idleDays || (b.amount ?? 0) - (a.amount ?? 0);
  const d = (a.date ?? '').localeCompare(b.date ?? '');
  return d !== 0 ? d : (b.amount ?? 0) - (a.amount ?? 0) || a.account.localeCompare(b.account);
}

/** Keep the most urgent `cap` items; the rest wait for another day. */
export function capItems(
  items: readonly NudgeItem[],
  cap: number,
): { items: NudgeItem[]; more: number } {
  return { items: items.slice(0, cap), more: Math.max(0, items.length - cap) };
}

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

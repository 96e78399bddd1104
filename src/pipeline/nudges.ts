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
  type Member,
  type Workspace,
} from '../db/schema.ts';
import { toLocalDate } from '../lib/time.ts';
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

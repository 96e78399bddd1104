/**
 * The rows a daily digest is computed from, in three queries per workspace
 * whatever the number of deals: the audit events of the period (changes,
 * activity, the weekly summary), the open pipeline grouped by stage and
 * currency, and the open deals that close soon or are at risk.
 */
import { and, asc, eq, gte, lt, lte, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/connect.ts';
import {
  accounts,
  type DealDiff,
  type DealStatus,
  dealEvents,
  deals,
  followups,
  members,
  type Workspace,
} from '../../db/schema.ts';
import { addDays } from '../../lib/time.ts';
import { openStages } from '../stages.ts';
import { templateOf } from '../workspaces.ts';

export interface EventRow {
  id: string;
  dealId: string;
  actorId: string | null;
  actorName: string | null;
  kind: string;
  diff: DealDiff;
  fromStage: string | null;
  toStage: string | null;
  revertsEventId: string | null;
  createdAt: Date;
  deal: DealRow;
}

export interface DealRow {
  id: string;
  account: string;
  owner: string;
  ownerId: string;
  stage: string;
  status: DealStatus;
  amount: number | null;
  currency: string | null;
  lostReason: string | null;
}

export interface StageCurrencyRow {
  stage: string;
  currency: string | null;
  count: number;
  total: number;
}

export interface WatchRow extends DealRow {
  closeDate: string | null;
  lastActivityAt: Date;
  /** The earliest due date of an overdue next step, if any. */
  overdueSince: string | null;
}

export interface DigestRows {
  events: EventRow[];
  pipeline: StageCurrencyRow[];
  watch: WatchRow[];
}

/** Deals close "soon" within this many days. */
export const CLOSING_DAYS = 14;
const DAY_MS = 86_400_000;

const actor = alias(members, 'actor');

export async function loadDigestRows(
  db: Executor,
  ws: Workspace,
  range: { from: Date; until: Date; today: string; now: Date },
): Promise<DigestRows> {
  const stale = openStages(templateOf(ws))
    .map((s) => s.staleDays)
    .filter((d) => d > 0);
  const staleCutoff = new Date(
    range.now.getTime() - (stale.length ? Math.min(...stale) : 0) * DAY_MS,
  );
  const overdueSince = sql<string | null>`(
    select to_char(min(case when ${followups.status} = 'open' then ${followups.dueDate} else ${followups.snoozedUntil} end), 'YYYY-MM-DD')
    from ${followups}
    where ${followups.dealId} = ${deals.id} and ${followups.workspaceId} = ${ws.id}
      and ${followups.kind} = 'next_step'
      and ((${followups.status} = 'open' and ${followups.dueDate} < ${range.today})
        or (${followups.status} = 'snoozed' and ${followups.snoozedUntil} < ${range.today})))`;
  const dealColumns = {
    id: deals.id,
    account: accounts.name,
    owner: members.displayName,
    ownerId: deals.ownerId,
    stage: deals.stage,
    status: deals.status,
    amount: deals.amount,
    currency: deals.currency,
    lostReason: deals.lostReason,
  };

  const [events, pipeline, watch] = await Promise.all([
    db
      .select({
        id: dealEvents.id,
        dealId: dealEvents.dealId,
        actorId: dealEvents.actorId,
        actorName: actor.displayName,
        kind: dealEvents.kind,
        diff: dealEvents.diff,
        fromStage: dealEvents.fromStage,
        toStage: dealEvents.toStage,
        revertsEventId: dealEvents.revertsEventId,
        createdAt: dealEvents.createdAt,
        deal: dealColumns,
      })
      .from(dealEvents)
      .innerJoin(deals, eq(deals.id, dealEvents.dealId))
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .innerJoin(members, eq(members.id, deals.ownerId))
      .leftJoin(actor, eq(actor.id, dealEvents.actorId))
      .where(
        and(
          eq(dealEvents.workspaceId, ws.id),
          gte(dealEvents.createdAt, range.from),
          lt(dealEvents.createdAt, range.until),
        ),
      )
      .orderBy(asc(dealEvents.createdAt), asc(dealEvents.version)),
    db
      .select({
        stage: deals.stage,
        currency: deals.currency,
        count: sql<number>`count(*)::int`,
        total: sql<string>`coalesce(sum(${deals.amount}), 0)::text`,
      })
      .from(deals)
      .where(and(eq(deals.workspaceId, ws.id), eq(deals.status, 'open')))
      .groupBy(deals.stage, deals.currency),
    db
      .select({
        ...dealColumns,
        closeDate: deals.closeDate,
        lastActivityAt: deals.lastActivityAt,
        overdueSince,
      })
      .from(deals)
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .innerJoin(members, eq(members.id, deals.ownerId))
      .where(
        and(
          eq(deals.workspaceId, ws.id),
          eq(deals.status, 'open'),
          or(
            lte(deals.closeDate, addDays(range.today, CLOSING_DAYS)),
            lt(deals.lastActivityAt, staleCutoff),
            sql`${overdueSince} is not null`,
          ),
        ),
      ),
  ]);
  return {
    events,
    pipeline: pipeline.map((r) => ({
      stage: r.stage,
      currency: r.currency,
      count: Number(r.count),
      total: Number(r.total),
    })),
    watch,
  };
}

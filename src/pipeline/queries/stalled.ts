/**
 * Stalled deals: open deals with no activity for longer than their stage's
 * "stale after N days" threshold (deals in stages the template no longer has
 * have no threshold and are not listed).
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { openStages } from '../stages.ts';
import { type DealItem, selectDealItems } from './deal-items.ts';
import { clampLimit, ownerClause, ownerFilter, type QueryScope, stageValues } from './scope.ts';

export interface StalledDeal extends DealItem {
  /** Whole days since the last activity. */
  idleDays: number;
  staleDays: number;
}

export interface StalledDeals {
  items: StalledDeal[];
  count: number;
}

const DAY_MS = 86_400_000;

export async function listStalledDeals(
  db: Executor,
  scope: QueryScope,
  filter: { ownerId?: string; stage?: string; limit?: number } = {},
): Promise<StalledDeals> {
  const owner = ownerFilter(scope, filter.ownerId);
  const keys = openStages(scope.template)
    .filter((s) => s.staleDays > 0 && (!filter.stage || s.key === filter.stage))
    .map((s) => s.key);
  if (keys.length === 0) return { items: [], count: 0 };
  const now = scope.now.toISOString();
  const where = sql`d.workspace_id = ${scope.workspaceId} and d.status = 'open'
    ${ownerClause(sql`d.owner_id`, owner)}
    and exists (select 1 from (values ${stageValues(scope, keys)}) as s(stage, ord, probability, stale_days)
      where s.stage = d.stage
        and d.last_activity_at < ${now}::timestamptz - make_interval(days => s.stale_days))`;
  const [items, [counted]] = await Promise.all([
    selectDealItems(db, where, sql`d.last_activity_at asc, d.id`, clampLimit(filter.limit, 20)),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from deals d where ${where}`),
  ]);
  const staleOf = new Map(scope.template.stages.map((s) => [s.key, s.staleDays]));
  return {
    items: items.map((i) => ({
      ...i,
      idleDays: Math.floor((scope.now.getTime() - Date.parse(i.lastActivityAt)) / DAY_MS),
      staleDays: staleOf.get(i.stage) ?? 0,
    })),
    count: Number(counted?.n ?? 0),
  };
}

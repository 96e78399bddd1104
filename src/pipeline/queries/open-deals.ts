/** Open deals as a list: in a stage, of an owner, biggest or most recently active first. */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { convertedAmount, type DealItem, selectDealItems, sumDealRows } from './deal-items.ts';
import { addMoney, type MoneyTotal, moneyTotal } from './money.ts';
import { clampLimit, ownerClause, ownerFilter, type QueryScope } from './scope.ts';

export type DealSort = 'amount' | 'close_date' | 'recent';

export interface DealList {
  items: DealItem[];
  /** All matching deals, not just the ones listed. */
  count: number;
  unpriced: number;
  total: MoneyTotal;
  weighted: MoneyTotal;
}

/** Totals of a summed set as money totals. */
export function listTotals(
  scope: QueryScope,
  sums: { currency: string; total: number; weighted: number }[],
): { total: MoneyTotal; weighted: MoneyTotal } {
  const total = new Map<string, number>();
  const weighted = new Map<string, number>();
  for (const s of sums) {
    addMoney(total, s.currency, s.total);
    addMoney(weighted, s.currency, s.weighted);
  }
  return { total: moneyTotal(scope, total), weighted: moneyTotal(scope, weighted) };
}

export async function listOpenDeals(
  db: Executor,
  scope: QueryScope,
  filter: { ownerId?: string; stage?: string; sort?: DealSort; limit?: number } = {},
): Promise<DealList> {
  const owner = ownerFilter(scope, filter.ownerId);
  const where = sql`d.workspace_id = ${scope.workspaceId} and d.status = 'open'
    ${ownerClause(sql`d.owner_id`, owner)}
    ${filter.stage ? sql`and d.stage = ${filter.stage}` : sql``}`;
  const order =
    filter.sort === 'close_date'
      ? sql`d.close_date asc nulls last, d.id`
      : filter.sort === 'recent'
        ? sql`d.last_activity_at desc, d.id`
        : sql`${convertedAmount(scope, sql`d.amount`, sql`d.currency`)} desc nulls last, d.last_activity_at desc, d.id`;
  const [items, sums] = await Promise.all([
    selectDealItems(db, where, order, clampLimit(filter.limit)),
    sumDealRows(db, scope, where, true),
  ]);
  return { items, count: sums.count, unpriced: sums.unpriced, ...listTotals(scope, sums.sums) };
}

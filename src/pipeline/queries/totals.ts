/**
 * Totals for a period and a filter: open deals expected to close in it, deals
 * won or lost in it (by the day they closed), or deals created in it.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { sumDealRows } from './deal-items.ts';
import type { MoneyTotal } from './money.ts';
import { listTotals } from './open-deals.ts';
import { type DateRange, ownerClause, ownerFilter, type QueryScope, timeClause } from './scope.ts';

export type TotalStatus = 'open' | 'won' | 'lost' | 'new';

export interface DealTotals {
  count: number;
  unpriced: number;
  total: MoneyTotal;
  /** Weighted by stage probability (meaningful for open deals). */
  weighted: MoneyTotal;
}

export async function sumDeals(
  db: Executor,
  scope: QueryScope,
  filter: { status: TotalStatus; range?: DateRange; ownerId?: string; stage?: string },
): Promise<DealTotals> {
  const owner = ownerFilter(scope, filter.ownerId);
  const r = filter.range;
  const period =
    filter.status === 'open'
      ? r
        ? sql` and d.close_date >= ${r.from}::date and d.close_date <= ${r.to}::date`
        : sql``
      : filter.status === 'new'
        ? timeClause(scope, sql`d.created_at`, r)
        : timeClause(scope, sql`d.closed_at`, r);
  const status =
    filter.status === 'new' ? sql`d.status <> 'void'` : sql`d.status = ${filter.status}`;
  const where = sql`d.workspace_id = ${scope.workspaceId} and ${status}
    ${period}
    ${ownerClause(sql`d.owner_id`, owner)}
    ${filter.stage ? sql`and d.stage = ${filter.stage}` : sql``}`;
  const sums = await sumDealRows(db, scope, where, filter.status === 'open');
  return { count: sums.count, unpriced: sums.unpriced, ...listTotals(scope, sums.sums) };
}

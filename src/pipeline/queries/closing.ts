/** Open deals expected to close in a period (by their expected close date). */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { selectDealItems, sumDealRows } from './deal-items.ts';
import { type DealList, listTotals } from './open-deals.ts';
import { clampLimit, type DateRange, ownerClause, ownerFilter, type QueryScope } from './scope.ts';

export async function listDealsClosing(
  db: Executor,
  scope: QueryScope,
  filter: { range: DateRange; ownerId?: string; stage?: string; limit?: number },
): Promise<DealList> {
  const owner = ownerFilter(scope, filter.ownerId);
  const where = sql`d.workspace_id = ${scope.workspaceId} and d.status = 'open'
    and d.close_date >= ${filter.range.from}::date and d.close_date <= ${filter.range.to}::date
    ${ownerClause(sql`d.owner_id`, owner)}
    ${filter.stage ? sql`and d.stage = ${filter.stage}` : sql``}`;
  const [items, sums] = await Promise.all([
    selectDealItems(
      db,
      where,
      sql`d.close_date asc, d.amount desc nulls last, d.id`,
      clampLimit(filter.limit, 20),
    ),
    sumDealRows(db, scope, where, true),
  ]);
  return { items, count: sums.count, unpriced: sums.unpriced, ...listTotals(scope, sums.sums) };
}

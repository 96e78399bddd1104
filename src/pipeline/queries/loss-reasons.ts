/** Why deals are lost: reasons ranked by how many deals they cost (same wording, ignoring case). */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { addMoney, type MoneyTotal, moneyTotal } from './money.ts';
import {
  clampLimit,
  type DateRange,
  ownerClause,
  ownerFilter,
  type QueryScope,
  timeClause,
} from './scope.ts';

export interface LossReason {
  /** The reason as written (null: none given). */
  reason: string | null;
  count: number;
  /** count / all lost deals, 0..1. */
  share: number;
  amount: MoneyTotal;
}

export interface LossReasons {
  reasons: LossReason[];
  /** All lost deals in the period. */
  lost: number;
}

/** Lost deals closed in `range` (all of them when absent), reasons most frequent first. */
export async function rankLossReasons(
  db: Executor,
  scope: QueryScope,
  filter: { range?: DateRange; ownerId?: string; limit?: number } = {},
): Promise<LossReasons> {
  const owner = ownerFilter(scope, filter.ownerId);
  const rows = await queryRows<{
    reason_key: string;
    reason: string | null;
    currency: string | null;
    count: number;
    total: string | number | null;
  }>(
    db,
    sql`select coalesce(lower(nullif(btrim(d.lost_reason), '')), '') as reason_key,
          min(nullif(btrim(d.lost_reason), '')) as reason,
          case when d.amount is null then null else coalesce(d.currency, ${scope.currency}) end as currency,
          count(*)::int as count, sum(d.amount) as total
        from deals d
        where d.workspace_id = ${scope.workspaceId} and d.status = 'lost'
          ${timeClause(scope, sql`d.closed_at`, filter.range)}
          ${ownerClause(sql`d.owner_id`, owner)}
        group by 1, 3`,
  );
  const byKey = new Map<
    string,
    { reason: string | null; count: number; amount: Map<string, number> }
  >();
  let lost = 0;
  for (const r of rows) {
    const e = byKey.get(r.reason_key) ?? { reason: r.reason, count: 0, amount: new Map() };
    e.count += Number(r.count);
    if (r.currency && r.total !== null) addMoney(e.amount, r.currency, Number(r.total));
    byKey.set(r.reason_key, e);
    lost += Number(r.count);
  }
  const reasons = [...byKey.values()]
    .sort(
      (a, b) =>
        b.count - a.count ||
        (a.reason === null ? 1 : 0) - (b.reason === null ? 1 : 0) ||
        (a.reason ?? '').localeCompare(b.reason ?? ''),
    )
    .slice(0, clampLimit(filter.limit, 10))
    .map((e) => ({
      reason: e.reason,
      count: e.count,
      share: lost > 0 ? e.count / lost : 0,
      amount: moneyTotal(scope, e.amount),
    }));
  return { reasons, lost };
}

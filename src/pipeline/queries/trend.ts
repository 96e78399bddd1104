/**
 * The weekly trend: for each of the last N weeks (Monday to Sunday in the
 * asker's timezone, the current week last), deals created, won and lost, and
 * the amount won per currency.
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { addDays, weekdayOf } from '../../lib/time.ts';
import { addMoney, type MoneyTotal, moneyTotal } from './money.ts';
import { ownerClause, ownerFilter, type QueryScope, rangeInstants } from './scope.ts';

export interface TrendWeek {
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  created: number;
  won: number;
  lost: number;
  wonAmount: MoneyTotal;
}

export async function summarizeWeeklyTrend(
  db: Executor,
  scope: QueryScope,
  filter: { weeks?: number; ownerId?: string } = {},
): Promise<{ weeks: TrendWeek[] }> {
  const owner = ownerFilter(scope, filter.ownerId);
  const n = Math.max(1, Math.min(26, Math.floor(filter.weeks ?? 8)));
  const thisMonday = addDays(scope.today, -((weekdayOf(scope.today) + 6) % 7));
  const first = addDays(thisMonday, -7 * (n - 1));
  const { start, end } = rangeInstants(scope, { from: first, to: addDays(thisMonday, 6) });
  const tz = scope.timezone;
  const week = (col: string) =>
    sql`to_char(date_trunc('week', ${sql.raw(col)} at time zone ${tz}), 'YYYY-MM-DD')`;
  const inRange = (col: string) =>
    sql`${sql.raw(col)} >= ${start.toISOString()}::timestamptz and ${sql.raw(col)} < ${end.toISOString()}::timestamptz`;
  const rows = await queryRows<{
    week: string;
    metric: 'created' | 'won' | 'lost';
    currency: string | null;
    count: number;
    total: string | number | null;
  }>(
    db,
    sql`select ${week('d.created_at')} as week, 'created' as metric, null::text as currency,
          count(*)::int as count, null::numeric as total
        from deals d
        where d.workspace_id = ${scope.workspaceId} and d.status <> 'void' and ${inRange('d.created_at')}
          ${ownerClause(sql`d.owner_id`, owner)}
        group by 1
        union all
        select ${week('d.closed_at')}, d.status,
          case when d.amount is null then null else coalesce(d.currency, ${scope.currency}) end,
          count(*)::int, sum(d.amount)
        from deals d
        where d.workspace_id = ${scope.workspaceId} and d.status in ('won', 'lost')
          and ${inRange('d.closed_at')}
          ${ownerClause(sql`d.owner_id`, owner)}
        group by 1, 2, 3`,
  );
  const weeks = Array.from({ length: n }, (_, i) => ({
    weekStart: addDays(first, 7 * i),
    created: 0,
    won: 0,
    lost: 0,
    amounts: new Map<string, number>(),
  }));
  const byWeek = new Map(weeks.map((w) => [w.weekStart, w]));
  for (const r of rows) {
    const w = byWeek.get(r.week);
    if (!w) continue;
    w[r.metric] += Number(r.count);
    if (r.metric === 'won' && r.currency && r.total !== null)
      addMoney(w.amounts, r.currency, Number(r.total));
  }
  return {
    weeks: weeks.map(({ amounts, ...w }) => ({ ...w, wonAmount: moneyTotal(scope, amounts) })),
  };
}

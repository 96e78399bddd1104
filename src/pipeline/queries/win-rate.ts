/**
 * Outcomes over a period (by the day deals closed): won and lost counts, win
 * rate, average won deal size (per currency), and the sales cycle — days
 * from a won deal's creation to its close.
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { addMoney, type MoneyTotal, moneyTotal, rateOf, round2 } from './money.ts';
import { type DateRange, ownerClause, ownerFilter, type QueryScope, timeClause } from './scope.ts';

export interface WinRate {
  won: number;
  lost: number;
  /** won / (won + lost), 0..1; null when nothing closed. */
  winRate: number | null;
  wonTotal: MoneyTotal;
  /** Average amount of won deals with an amount, per currency (and converted when possible). */
  averageWon: MoneyTotal;
  /** Days from creation to close of won deals. */
  cycleDays: { median: number | null; average: number | null };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function measureWinRate(
  db: Executor,
  scope: QueryScope,
  filter: { range?: DateRange; ownerId?: string } = {},
): Promise<WinRate> {
  const owner = ownerFilter(scope, filter.ownerId);
  const where = sql`d.workspace_id = ${scope.workspaceId} and d.status in ('won', 'lost')
    ${timeClause(scope, sql`d.closed_at`, filter.range)}
    ${ownerClause(sql`d.owner_id`, owner)}`;
  const [groups, [cycle]] = await Promise.all([
    queryRows<{
      status: 'won' | 'lost';
      currency: string | null;
      count: number;
      priced: number;
      total: string | number | null;
    }>(
      db,
      sql`select d.status,
            case when d.amount is null then null else coalesce(d.currency, ${scope.currency}) end as currency,
            count(*)::int as count, count(d.amount)::int as priced, sum(d.amount) as total
          from deals d where ${where}
          group by 1, 2`,
    ),
    queryRows<{ median: number | string | null; average: number | string | null }>(
      db,
      sql`select percentile_cont(0.5) within group (order by days) as median, avg(days) as average
          from (select extract(epoch from d.closed_at - d.created_at) / 86400.0 as days
                from deals d where ${where} and d.status = 'won' and d.closed_at is not null) c`,
    ),
  ]);
  let won = 0;
  let lost = 0;
  const wonTotal = new Map<string, number>();
  const averages = new Map<string, number>();
  let pricedWon = 0;
  let convertible = true;
  let convertedSum = 0;
  for (const g of groups) {
    if (g.status === 'won') won += Number(g.count);
    else lost += Number(g.count);
    if (g.status !== 'won' || !g.currency || Number(g.priced) === 0) continue;
    addMoney(wonTotal, g.currency, Number(g.total));
    averages.set(g.currency, Number(g.total) / Number(g.priced));
    pricedWon += Number(g.priced);
    const rate = rateOf(scope, g.currency);
    if (rate === null) convertible = false;
    else convertedSum += Number(g.total) * rate;
  }
  const averageWon = moneyTotal(scope, averages);
  // The converted average is the converted won total over all priced won deals, not a sum of averages.
  if (averageWon.converted && convertible && pricedWon > 0)
    averageWon.converted.amount = round2(convertedSum / pricedWon);
  return {
    won,
    lost,
    winRate: won + lost > 0 ? won / (won + lost) : null,
    wonTotal: moneyTotal(scope, wonTotal),
    averageWon,
    cycleDays: {
      median: cycle?.median != null ? round1(Number(cycle.median)) : null,
      average: cycle?.average != null ? round1(Number(cycle.average)) : null,
    },
  };
}

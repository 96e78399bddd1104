/**
 * The stage funnel: how many deals reached each stage (entered it, or a later
 * one — a deal that skipped a stage still passed it), and the conversion rate
 * between consecutive stages. Open stages in template order, then the won
 * stage; lost deals count for the stages they reached before they were lost.
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { openStages } from '../stages.ts';
import { type DateRange, ownerClause, ownerFilter, type QueryScope, timeClause } from './scope.ts';

export interface FunnelStage {
  stage: string;
  /** Deals that reached this stage or a later one. */
  reached: number;
  /** reached / reached of the previous stage, 0..1; null for the first stage or after a zero. */
  conversion: number | null;
}

export interface StageFunnel {
  stages: FunnelStage[];
  /** Deals in the funnel (those that reached its first stage). */
  deals: number;
  /** Won / first stage, 0..1, or null with no deals. */
  overall: number | null;
}

/** The funnel of deals created in `range` (all deals when it is absent). */
export async function computeStageFunnel(
  db: Executor,
  scope: QueryScope,
  filter: { range?: DateRange; ownerId?: string } = {},
): Promise<StageFunnel> {
  const owner = ownerFilter(scope, filter.ownerId);
  const order = [
    ...openStages(scope.template),
    ...scope.template.stages.filter((s) => s.phase === 'won'),
  ];
  if (order.length === 0) return { stages: [], deals: 0, overall: null };
  // The stages each deal reached are kept on the deal by a trigger on
  // deal_events (migration 0004). Deals share few distinct sets of reached
  // stages, so the database counts deals per set in one pass over the
  // workspace's deals, and each set's furthest stage is found here.
  const sets = await queryRows<{ reached: string[]; deals: number }>(
    db,
    sql`select d.reached_stages as reached, count(*)::int as deals
        from deals d
        where d.workspace_id = ${scope.workspaceId} and d.status <> 'void'
          and d.reached_stages <> '{}'::text[]
          ${ownerClause(sql`d.owner_id`, owner)}
          ${timeClause(scope, sql`d.created_at`, filter.range)}
        group by d.reached_stages`,
  );
  const rank = new Map(order.map((s, i) => [s.key, i]));
  // atLeast[k] = deals whose furthest stage is k or later.
  const atLeast = new Array<number>(order.length + 1).fill(0);
  for (const set of sets) {
    let furthest = -1;
    for (const key of set.reached) furthest = Math.max(furthest, rank.get(key) ?? -1);
    if (furthest >= 0) atLeast[furthest]! += Number(set.deals);
  }
  for (let i = order.length - 1; i >= 0; i--) atLeast[i]! += atLeast[i + 1]!;
  const rows = order.map((s, i) => ({ stage: s.key, reached: atLeast[i]! }));
  const stages: FunnelStage[] = rows.map((r, i) => {
    const prev = i > 0 ? Number(rows[i - 1]!.reached) : 0;
    return {
      stage: r.stage,
      reached: Number(r.reached),
      conversion: i > 0 && prev > 0 ? Number(r.reached) / prev : null,
    };
  });
  const first = stages[0]?.reached ?? 0;
  const last = stages[stages.length - 1]?.reached ?? 0;
  return { stages, deals: first, overall: first > 0 ? last / first : null };
}

/**
 * The stage funnel: how many deals reached each stage (entered it, or a later
 * one — a deal that skipped a stage still passed it), and the conversion rate
 * between consecutive stages. Open stages in template order, then the won
 * stage; lost deals count for the stages they reached before they were lost.
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { openStages } from '../stages.ts';
import { type DateRange, ownerFilter, type QueryScope, timeClause } from './scope.ts';
import { stageMoves } from './stage-history.ts';

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
  const values = sql.join(
    order.map((s, i) => sql`(${s.key}::text, ${i + 1}::int)`),
    sql`, `,
  );
  const rows = await queryRows<{ stage: string; reached: number }>(
    db,
    sql`with ord(stage, n) as (values ${values}),
        reached as (
          select m.deal_id, max(o.n) as n
          from (select e.deal_id, e.to_stage
                ${stageMoves(scope, owner, timeClause(scope, sql`d.created_at`, filter.range))}) m
          join ord o on o.stage = m.to_stage
          group by m.deal_id
        )
        select o.stage, o.n, count(r.deal_id)::int as reached
        from ord o left join reached r on r.n >= o.n
        group by o.stage, o.n
        order by o.n`,
  );
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

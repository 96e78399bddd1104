/**
 * Time in stage: for each open stage, the median and 90th-percentile days a
 * deal spent there (completed stays only — the deal has left the stage; a
 * deal that came back to a stage counts once, with its stays added up), and
 * the bottleneck: the stage with the longest median.
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { openStages } from '../stages.ts';
import { type DateRange, ownerFilter, type QueryScope, timeClause } from './scope.ts';
import { stageMoves } from './stage-history.ts';

export interface StageDuration {
  stage: string;
  /** Deals with a completed stay in the stage. */
  deals: number;
  medianDays: number | null;
  p90Days: number | null;
}

export interface StageDurations {
  stages: StageDuration[];
  /** The stage with the longest median (ties: the longer 90th percentile), or null with no data. */
  bottleneck: string | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Stays that ended in `range` (all of them when it is absent). */
export async function measureStageDurations(
  db: Executor,
  scope: QueryScope,
  filter: { range?: DateRange; ownerId?: string } = {},
): Promise<StageDurations> {
  const owner = ownerFilter(scope, filter.ownerId);
  const rows = await queryRows<{
    stage: string;
    deals: number;
    median: number | string | null;
    p90: number | string | null;
  }>(
    db,
    sql`with moves as (
          select e.deal_id, e.to_stage as stage, e.created_at as entered,
            lead(e.created_at) over (partition by e.deal_id order by e.created_at, e.version) as left_at
          ${stageMoves(scope, owner)}
        ),
        stays as (
          select deal_id, stage, sum(extract(epoch from left_at - entered)) / 86400.0 as days
          from moves
          where left_at is not null ${timeClause(scope, sql`left_at`, filter.range)}
          group by deal_id, stage
        )
        select stage, count(*)::int as deals,
          percentile_cont(0.5) within group (order by days) as median,
          percentile_cont(0.9) within group (order by days) as p90
        from stays
        group by stage`,
  );
  const byStage = new Map(rows.map((r) => [r.stage, r]));
  const stages = openStages(scope.template).map((s): StageDuration => {
    const r = byStage.get(s.key);
    return {
      stage: s.key,
      deals: r ? Number(r.deals) : 0,
      medianDays: r?.median != null ? round1(Number(r.median)) : null,
      p90Days: r?.p90 != null ? round1(Number(r.p90)) : null,
    };
  });
  let bottleneck: StageDuration | null = null;
  for (const s of stages) {
    if (s.medianDays === null) continue;
    if (
      !bottleneck ||
      s.medianDays > (bottleneck.medianDays ?? 0) ||
      (s.medianDays === bottleneck.medianDays && (s.p90Days ?? 0) > (bottleneck.p90Days ?? 0))
    )
      bottleneck = s;
  }
  return { stages, bottleneck: bottleneck?.stage ?? null };
}

/** The open pipeline: by stage (count, total, weighted by the stage's probability) and by owner. */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { findStage, openStages } from '../stages.ts';
import { addMoney, type MoneyTotal, moneyTotal } from './money.ts';
import { ownerClause, ownerFilter, type QueryScope } from './scope.ts';

export interface StageLine {
  stage: string;
  /** The template's win probability for the stage, 0..1 (0 for stages it no longer has). */
  probability: number;
  count: number;
  /** Deals without an amount (counted, but in no total). */
  unpriced: number;
  total: MoneyTotal;
  weighted: MoneyTotal;
}

export interface PipelineByStage {
  /** Every open stage of the template in order (zeros included), then unknown stages. */
  stages: StageLine[];
  count: number;
  total: MoneyTotal;
  weighted: MoneyTotal;
}

interface GroupRow {
  stage: string;
  currency: string | null;
  count: number;
  priced: number;
  total: string | number | null;
}

interface Acc {
  count: number;
  unpriced: number;
  total: Map<string, number>;
  weighted: Map<string, number>;
}

const emptyAcc = (): Acc => ({ count: 0, unpriced: 0, total: new Map(), weighted: new Map() });

function fold(scope: QueryScope, acc: Acc, r: GroupRow): void {
  const p = findStage(scope.template, r.stage)?.probability ?? 0;
  acc.count += Number(r.count);
  acc.unpriced += Number(r.count) - Number(r.priced);
  if (r.currency && Number(r.priced) > 0) {
    addMoney(acc.total, r.currency, Number(r.total));
    addMoney(acc.weighted, r.currency, Number(r.total) * p);
  }
}

/** Open deals grouped by stage; totals per currency, weighted by the template's probabilities. */
export async function summarizePipelineByStage(
  db: Executor,
  scope: QueryScope,
  filter: { ownerId?: string; stage?: string } = {},
): Promise<PipelineByStage> {
  const owner = ownerFilter(scope, filter.ownerId);
  const rows = await queryRows<GroupRow>(
    db,
    sql`select stage, case when amount is null then null else coalesce(currency, ${scope.currency}) end as currency,
          count(*)::int as count, count(amount)::int as priced, sum(amount) as total
        from deals
        where workspace_id = ${scope.workspaceId} and status = 'open'
          ${ownerClause(sql`owner_id`, owner)}
          ${filter.stage ? sql`and stage = ${filter.stage}` : sql``}
        group by 1, 2`,
  );
  const byStage = new Map<string, Acc>();
  const all = emptyAcc();
  for (const r of rows) {
    const acc = byStage.get(r.stage) ?? emptyAcc();
    fold(scope, acc, r);
    fold(scope, all, r);
    byStage.set(r.stage, acc);
  }
  const line = (stage: string, acc: Acc): StageLine => ({
    stage,
    probability: findStage(scope.template, stage)?.probability ?? 0,
    count: acc.count,
    unpriced: acc.unpriced,
    total: moneyTotal(scope, acc.total),
    weighted: moneyTotal(scope, acc.weighted),
  });
  const known = openStages(scope.template)
    .filter((s) => !filter.stage || s.key === filter.stage)
    .map((s) => s.key);
  const stages = known.map((key) => line(key, byStage.get(key) ?? emptyAcc()));
  for (const [key, acc] of byStage) if (!known.includes(key)) stages.push(line(key, acc));
  return {
    stages,
    count: all.count,
    total: moneyTotal(scope, all.total),
    weighted: moneyTotal(scope, all.weighted),
  };
}

export interface OwnerLine {
  ownerId: string;
  owner: string;
  count: number;
  unpriced: number;
  total: MoneyTotal;
  weighted: MoneyTotal;
}

export interface PipelineByOwner {
  owners: OwnerLine[];
  count: number;
  total: MoneyTotal;
  weighted: MoneyTotal;
}

/** Open deals grouped by owner (most deals first); totals per currency and weighted. */
export async function summarizePipelineByOwner(
  db: Executor,
  scope: QueryScope,
  filter: { stage?: string } = {},
): Promise<PipelineByOwner> {
  const owner = ownerFilter(scope, undefined);
  const rows = await queryRows<GroupRow & { owner_id: string; owner: string }>(
    db,
    sql`select d.owner_id, m.display_name as owner, d.stage,
          case when d.amount is null then null else coalesce(d.currency, ${scope.currency}) end as currency,
          count(*)::int as count, count(d.amount)::int as priced, sum(d.amount) as total
        from deals d
        join members m on m.id = d.owner_id and m.workspace_id = d.workspace_id
        where d.workspace_id = ${scope.workspaceId} and d.status = 'open'
          ${ownerClause(sql`d.owner_id`, owner)}
          ${filter.stage ? sql`and d.stage = ${filter.stage}` : sql``}
        group by 1, 2, 3, 4`,
  );
  const byOwner = new Map<string, { name: string; acc: Acc }>();
  const all = emptyAcc();
  for (const r of rows) {
    const entry = byOwner.get(r.owner_id) ?? { name: r.owner, acc: emptyAcc() };
    fold(scope, entry.acc, r);
    fold(scope, all, r);
    byOwner.set(r.owner_id, entry);
  }
  const owners = [...byOwner.entries()]
    .map(([ownerId, { name, acc }]) => ({
      ownerId,
      owner: name,
      count: acc.count,
      unpriced: acc.unpriced,
      total: moneyTotal(scope, acc.total),
      weighted: moneyTotal(scope, acc.weighted),
    }))
    .sort((a, b) => b.count - a.count || a.owner.localeCompare(b.owner));
  return {
    owners,
    count: all.count,
    total: moneyTotal(scope, all.total),
    weighted: moneyTotal(scope, all.weighted),
  };
}

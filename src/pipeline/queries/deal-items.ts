/** The deal row every list answer shows, and the SQL that selects it. */
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { rateOf } from './money.ts';
import type { QueryScope } from './scope.ts';

export interface DealItem {
  dealId: string;
  account: string;
  title: string;
  ownerId: string;
  owner: string;
  stage: string;
  amount: number | null;
  currency: string | null;
  closeDate: string | null;
  nextStep: string | null;
  nextStepDue: string | null;
  /** ISO instant. */
  lastActivityAt: string;
  /** ISO instant. */
  stageEnteredAt: string;
}

interface ItemRow {
  deal_id: string;
  account: string;
  title: string;
  owner_id: string;
  owner: string;
  stage: string;
  amount: string | number | null;
  currency: string | null;
  close_date: string | null;
  next_step: string | null;
  next_step_due: string | null;
  last_activity_at: string | Date;
  stage_entered_at: string | Date;
}

const iso = (v: string | Date) => (v instanceof Date ? v : new Date(v)).toISOString();
const day = (v: string | Date | null) =>
  v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

export function toDealItem(r: ItemRow): DealItem {
  return {
    dealId: r.deal_id,
    account: r.account,
    title: r.title,
    ownerId: r.owner_id,
    owner: r.owner,
    stage: r.stage,
    amount: r.amount === null ? null : Number(r.amount),
    currency: r.amount === null ? null : r.currency,
    closeDate: day(r.close_date),
    nextStep: r.next_step,
    nextStepDue: day(r.next_step_due),
    lastActivityAt: iso(r.last_activity_at),
    stageEnteredAt: iso(r.stage_entered_at),
  };
}

/**
 * An expression ranking amounts across currencies by the workspace's rates
 * (amounts in currencies without a rate rank as if in the workspace currency).
 */
export function convertedAmount(scope: QueryScope, amount: SQL, currency: SQL): SQL {
  const codes = Object.keys(scope.fxRates);
  if (codes.length === 0) return amount;
  const cases = sql.join(
    codes.map((c) => sql`when ${c} then ${rateOf(scope, c)}::numeric`),
    sql` `,
  );
  return sql`(${amount} * case ${currency} ${cases} else 1 end)`;
}

/** Select deal items (joined with account and owner) matching `where`, in `order`, at most `limit`. */
export async function selectDealItems(
  db: Executor,
  where: SQL,
  order: SQL,
  limit: number,
): Promise<DealItem[]> {
  const rows = await queryRows<ItemRow>(
    db,
    sql`select d.id as deal_id, a.name as account, d.title, d.owner_id, m.display_name as owner,
          d.stage, d.amount, d.currency, d.close_date, d.next_step, d.next_step_due,
          d.last_activity_at, d.stage_entered_at
        from deals d
        join accounts a on a.id = d.account_id and a.workspace_id = d.workspace_id
        join members m on m.id = d.owner_id and m.workspace_id = d.workspace_id
        where ${where}
        order by ${order}
        limit ${limit}`,
  );
  return rows.map(toDealItem);
}

/** Count and per-currency sums of the deals matching `where` (the whole set, not one page). */
export async function sumDealRows(
  db: Executor,
  scope: QueryScope,
  where: SQL,
  weighted = false,
): Promise<{
  count: number;
  unpriced: number;
  sums: { currency: string; total: number; weighted: number }[];
}> {
  const probability = weighted
    ? sql`case d.stage ${sql.join(
        scope.template.stages.map((s) => sql`when ${s.key} then ${s.probability}::numeric`),
        sql` `,
      )} else 0 end`
    : sql`0`;
  const rows = await queryRows<{
    currency: string | null;
    count: number;
    priced: number;
    total: string | number | null;
    weighted: string | number | null;
  }>(
    db,
    sql`select case when d.amount is null then null else coalesce(d.currency, ${scope.currency}) end as currency,
          count(*)::int as count, count(d.amount)::int as priced, sum(d.amount) as total,
          sum(d.amount * ${probability}) as weighted
        from deals d
        where ${where}
        group by 1`,
  );
  let count = 0;
  let unpriced = 0;
  const sums: { currency: string; total: number; weighted: number }[] = [];
  for (const r of rows) {
    count += Number(r.count);
    unpriced += Number(r.count) - Number(r.priced);
    if (r.currency && Number(r.priced) > 0)
      sums.push({
        currency: r.currency,
        total: Number(r.total),
        weighted: Number(r.weighted ?? 0),
      });
  }
  return { count, unpriced, sums };
}

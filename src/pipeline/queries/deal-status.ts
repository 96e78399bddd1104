/** One deal's status and its history (events newest first), found by account name. */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import type { DealDiff } from '../../db/schema.ts';
import { resolveAccount } from '../accounts.ts';
import { ownerClause, ownerFilter, type QueryScope } from './scope.ts';

export interface DealHistoryEvent {
  /** ISO instant. */
  at: string;
  actor: string | null;
  kind: string;
  fromStage: string | null;
  toStage: string | null;
  changes: DealDiff;
}

export interface DealStatus {
  dealId: string;
  account: string;
  title: string;
  ownerId: string;
  owner: string;
  stage: string;
  status: 'open' | 'won' | 'lost';
  amount: number | null;
  currency: string | null;
  closeDate: string | null;
  nextStep: string | null;
  nextStepDue: string | null;
  needs: string[];
  competitors: string[];
  lostReason: string | null;
  createdAt: string;
  lastActivityAt: string;
  stageEnteredAt: string;
  closedAt: string | null;
  /** Whole days since the deal entered its current stage. */
  daysInStage: number;
  events: DealHistoryEvent[];
}

export type DealStatusResult =
  | { found: 'deals'; account: string; deals: DealStatus[] }
  | { found: 'ambiguous'; candidates: string[] }
  | { found: 'none' };

const DAY_MS = 86_400_000;
const iso = (v: string | Date | null) =>
  v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString();
const day = (v: string | Date | null) =>
  v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

interface DealRow {
  id: string;
  title: string;
  owner_id: string;
  owner: string;
  stage: string;
  status: 'open' | 'won' | 'lost';
  amount: string | number | null;
  currency: string | null;
  close_date: string | null;
  next_step: string | null;
  next_step_due: string | null;
  needs: string[];
  competitors: string[];
  lost_reason: string | null;
  created_at: string | Date;
  last_activity_at: string | Date;
  stage_entered_at: string | Date;
  closed_at: string | Date | null;
}

/**
 * The deals at the account a name resolves to (open ones first, then the
 * most recently active; at most `limit`), each with its latest events.
 * Deals the asker may not see do not exist for this query.
 */
export async function getDealStatus(
  db: Executor,
  scope: QueryScope,
  filter: { account: string; limit?: number; eventLimit?: number },
): Promise<DealStatusResult> {
  const owner = ownerFilter(scope, undefined);
  const r = await resolveAccount(db, scope.workspaceId, filter.account);
  if (r.kind === 'ambiguous') {
    const ids = r.candidates.map((c) => c.id);
    // Only accounts where the asker can see a deal are worth offering.
    const visible = await queryRows<{ account_id: string }>(
      db,
      sql`select distinct account_id from deals
          where workspace_id = ${scope.workspaceId} and status <> 'void'
            and account_id in (${sql.join(
              ids.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})
            ${ownerClause(sql`owner_id`, owner)}`,
    );
    const seen = new Set(visible.map((v) => v.account_id));
    const candidates = r.candidates.filter((c) => seen.has(c.id)).map((c) => c.name);
    return candidates.length ? { found: 'ambiguous', candidates } : { found: 'none' };
  }
  if (r.kind !== 'match') return { found: 'none' };
  const rows = await queryRows<DealRow>(
    db,
    sql`select d.id, d.title, d.owner_id, m.display_name as owner, d.stage, d.status, d.amount,
          d.currency, d.close_date, d.next_step, d.next_step_due, d.needs, d.competitors,
          d.lost_reason, d.created_at, d.last_activity_at, d.stage_entered_at, d.closed_at
        from deals d
        join members m on m.id = d.owner_id and m.workspace_id = d.workspace_id
        where d.workspace_id = ${scope.workspaceId} and d.account_id = ${r.account.id}
          and d.status in ('open', 'won', 'lost')
          ${ownerClause(sql`d.owner_id`, owner)}
        order by case when d.status = 'open' then 0 else 1 end, d.last_activity_at desc, d.id
        limit ${Math.max(1, Math.min(5, filter.limit ?? 3))}`,
  );
  if (rows.length === 0) return { found: 'none' };
  const events = await queryRows<{
    deal_id: string;
    created_at: string | Date;
    actor: string | null;
    kind: string;
    from_stage: string | null;
    to_stage: string | null;
    diff: DealDiff;
    n: number;
  }>(
    db,
    sql`select * from (
          select e.deal_id, e.created_at, m.display_name as actor, e.kind, e.from_stage, e.to_stage,
            e.diff, row_number() over (partition by e.deal_id order by e.created_at desc, e.version desc) as n
          from deal_events e
          left join members m on m.id = e.actor_id and m.workspace_id = e.workspace_id
          where e.workspace_id = ${scope.workspaceId}
            and e.deal_id in (${sql.join(
              rows.map((d) => sql`${d.id}::uuid`),
              sql`, `,
            )})
        ) x
        where n <= ${Math.max(1, Math.min(50, filter.eventLimit ?? 10))}
        order by deal_id, n`,
  );
  const deals = rows.map((d): DealStatus => {
    const entered = iso(d.stage_entered_at)!;
    return {
      dealId: d.id,
      account: r.account.name,
      title: d.title,
      ownerId: d.owner_id,
      owner: d.owner,
      stage: d.stage,
      status: d.status,
      amount: d.amount === null ? null : Number(d.amount),
      currency: d.amount === null ? null : d.currency,
      closeDate: day(d.close_date),
      nextStep: d.next_step,
      nextStepDue: day(d.next_step_due),
      needs: d.needs,
      competitors: d.competitors,
      lostReason: d.lost_reason,
      createdAt: iso(d.created_at)!,
      lastActivityAt: iso(d.last_activity_at)!,
      stageEnteredAt: entered,
      closedAt: iso(d.closed_at),
      daysInStage: Math.floor((scope.now.getTime() - Date.parse(entered)) / DAY_MS),
      events: events
        .filter((e) => e.deal_id === d.id)
        .map((e) => ({
          at: iso(e.created_at)!,
          actor: e.actor,
          kind: e.kind,
          fromStage: e.from_stage,
          toStage: e.to_stage,
          changes: e.diff,
        })),
    };
  });
  return { found: 'deals', account: r.account.name, deals };
}

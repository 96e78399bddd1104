/** Follow-ups that are overdue: open ones due before today, snoozed ones whose snooze ended before today. */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { daysBetween } from '../../lib/time.ts';
import { clampLimit, ownerClause, ownerFilter, type QueryScope } from './scope.ts';

export interface OverdueFollowup {
  followupId: string;
  dealId: string;
  account: string;
  ownerId: string;
  owner: string;
  kind: string;
  text: string;
  /** The date it is due (the snooze end for snoozed ones), YYYY-MM-DD. */
  dueDate: string;
  daysOverdue: number;
}

export interface OverdueFollowups {
  items: OverdueFollowup[];
  count: number;
}

export async function listOverdueFollowups(
  db: Executor,
  scope: QueryScope,
  filter: { ownerId?: string; limit?: number } = {},
): Promise<OverdueFollowups> {
  const owner = ownerFilter(scope, filter.ownerId);
  const due = sql`case when f.status = 'snoozed' then f.snoozed_until else f.due_date end`;
  const where = sql`f.workspace_id = ${scope.workspaceId}
    and f.status in ('open', 'snoozed') and ${due} < ${scope.today}::date
    and d.status <> 'void'
    ${ownerClause(sql`f.owner_id`, owner)}`;
  const [rows, [counted]] = await Promise.all([
    queryRows<{
      id: string;
      deal_id: string;
      account: string;
      owner_id: string;
      owner: string;
      kind: string;
      text: string;
      due: string | Date;
    }>(
      db,
      sql`select f.id, f.deal_id, a.name as account, f.owner_id, m.display_name as owner,
            f.kind, f.text, ${due} as due
          from followups f
          join deals d on d.id = f.deal_id and d.workspace_id = f.workspace_id
          join accounts a on a.id = d.account_id and a.workspace_id = f.workspace_id
          join members m on m.id = f.owner_id and m.workspace_id = f.workspace_id
          where ${where}
          order by ${due} asc, a.name, f.id
          limit ${clampLimit(filter.limit, 20)}`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from followups f
          join deals d on d.id = f.deal_id and d.workspace_id = f.workspace_id
          where ${where}`,
    ),
  ]);
  return {
    items: rows.map((r) => {
      const dueDate = r.due instanceof Date ? r.due.toISOString().slice(0, 10) : String(r.due);
      return {
        followupId: r.id,
        dealId: r.deal_id,
        account: r.account,
        ownerId: r.owner_id,
        owner: r.owner,
        kind: r.kind,
        text: r.text,
        dueDate,
        daysOverdue: daysBetween(dueDate, scope.today),
      };
    }),
    count: Number(counted?.n ?? 0),
  };
}

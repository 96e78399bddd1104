/**
 * Per-rep activity over a period: updates logged (every audit event they
 * made except undos and what was undone), deals touched, deals created, stage
 * moves, deals won, and follow-ups completed. Lists members who did something
 * or own an open deal.
 */
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/connect.ts';
import { type DateRange, ownerClause, ownerFilter, type QueryScope, timeClause } from './scope.ts';

export interface RepActivity {
  memberId: string;
  member: string;
  updates: number;
  dealsTouched: number;
  dealsCreated: number;
  stageMoves: number;
  won: number;
  followupsDone: number;
}

export async function summarizeRepActivity(
  db: Executor,
  scope: QueryScope,
  filter: { range: DateRange; ownerId?: string },
): Promise<{ reps: RepActivity[] }> {
  const owner = ownerFilter(scope, filter.ownerId);
  const ws = scope.workspaceId;
  const rows = await queryRows<{
    id: string;
    name: string;
    updates: number | null;
    touched: number | null;
    created: number | null;
    moves: number | null;
    won: number | null;
    done: number | null;
    open_deals: number | null;
  }>(
    db,
    sql`with ev as (
          select e.actor_id, count(*)::int as updates, count(distinct e.deal_id)::int as touched,
            count(*) filter (where e.kind = 'create')::int as created,
            count(*) filter (where e.from_stage is not null and e.to_stage is not null)::int as moves
          from deal_events e
          join deals d on d.id = e.deal_id and d.workspace_id = e.workspace_id
          where e.workspace_id = ${ws} and e.kind <> 'undo' and d.status <> 'void'
            and not exists (select 1 from deal_events u
                            where u.reverts_event_id = e.id and u.workspace_id = e.workspace_id)
            ${timeClause(scope, sql`e.created_at`, filter.range)}
            ${ownerClause(sql`e.actor_id`, owner)}
          group by e.actor_id
        ),
        wins as (
          select d.owner_id, count(*)::int as won from deals d
          where d.workspace_id = ${ws} and d.status = 'won'
            ${timeClause(scope, sql`d.closed_at`, filter.range)}
            ${ownerClause(sql`d.owner_id`, owner)}
          group by d.owner_id
        ),
        done as (
          select f.owner_id, count(*)::int as done from followups f
          where f.workspace_id = ${ws} and f.status = 'done'
            ${timeClause(scope, sql`f.done_at`, filter.range)}
            ${ownerClause(sql`f.owner_id`, owner)}
          group by f.owner_id
        ),
        open as (
          select d.owner_id, count(*)::int as open_deals from deals d
          where d.workspace_id = ${ws} and d.status = 'open' ${ownerClause(sql`d.owner_id`, owner)}
          group by d.owner_id
        )
        select m.id, m.display_name as name, ev.updates, ev.touched, ev.created, ev.moves,
          wins.won, done.done, open.open_deals
        from members m
        left join ev on ev.actor_id = m.id
        left join wins on wins.owner_id = m.id
        left join done on done.owner_id = m.id
        left join open on open.owner_id = m.id
        where m.workspace_id = ${ws} ${ownerClause(sql`m.id`, owner)}
          and (ev.updates is not null or wins.won is not null or done.done is not null
               or open.open_deals is not null)`,
  );
  const reps = rows
    .map((r) => ({
      memberId: r.id,
      member: r.name,
      updates: Number(r.updates ?? 0),
      dealsTouched: Number(r.touched ?? 0),
      dealsCreated: Number(r.created ?? 0),
      stageMoves: Number(r.moves ?? 0),
      won: Number(r.won ?? 0),
      followupsDone: Number(r.done ?? 0),
    }))
    .sort((a, b) => b.updates - a.updates || a.member.localeCompare(b.member));
  return { reps };
}

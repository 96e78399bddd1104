/**
 * The effective stage history of deals, from `deal_events` from/to stages:
 * every event that moved a stage, minus undo events and the events they
 * reverted (a move that was taken back never happened), on deals that still
 * exist (not void).
 *
 * The same rule, minus the void check, is written in SQL in the trigger that
 * keeps `deals.reached_stages` (drizzle/0004_deal_reached_stages.sql), which
 * the funnel reads: a change to what counts as a move must change both.
 */
import { type SQL, sql } from 'drizzle-orm';
import { ownerClause, type QueryScope } from './scope.ts';

/** FROM/WHERE over `deal_events e` joined to `deals d`, for stage moves only. */
export function stageMoves(scope: QueryScope, owner: string | null, extra: SQL = sql``): SQL {
  return sql`from deal_events e
    join deals d on d.id = e.deal_id and d.workspace_id = e.workspace_id
    where e.workspace_id = ${scope.workspaceId} and e.to_stage is not null
      and e.kind <> 'undo' and d.status <> 'void'
      and not exists (select 1 from deal_events u
                      where u.reverts_event_id = e.id and u.workspace_id = e.workspace_id)
      ${ownerClause(sql`d.owner_id`, owner)}
      ${extra}`;
}

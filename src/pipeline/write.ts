/**
 * One planned change as ONE SQL statement: the deal row (insert, or update
 * guarded by its version), the audit event, follow-ups, contacts and — when
 * given — the inbox row's progress, all committed together. If the version
 * guard fails, nothing at all is written and the caller re-plans.
 *
 * Data-modifying CTEs share one snapshot, so each part is made conditional
 * on the deal row having been written (`from d`, `exists (select 1 from d)`).
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connect.ts';
import type { ChangePlan, DealPatch } from './change.ts';

export interface InboxProgress {
  id: string;
  status: 'processing' | 'processed' | 'needs_input';
  pending: unknown;
  replies: unknown;
}

const json = (v: unknown) => sql`${JSON.stringify(v ?? null)}::jsonb`;
const ts = (d: Date | null) => (d ? sql`${d.toISOString()}::timestamptz` : sql`null::timestamptz`);
const date = (s: string | null) => (s ? sql`${s}::date` : sql`null::date`);
const num = (n: number | null) => (n === null ? sql`null::numeric` : sql`${String(n)}::numeric`);

/** Column assignments for a patch, in SQL. */
function assignments(patch: DealPatch): SQL[] {
  const out: SQL[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof DealPatch, unknown][]) {
    switch (key) {
      case 'stage':
        out.push(sql`stage = ${value as string}`);
        break;
      case 'status':
        out.push(sql`status = ${value as string}`);
        break;
      case 'amount':
        out.push(sql`amount = ${num(value as number | null)}`);
        break;
      case 'currency':
        out.push(sql`currency = ${(value as string | null) ?? null}`);
        break;
      case 'closeDate':
        out.push(sql`close_date = ${date(value as string | null)}`);
        break;
      case 'nextStepDue':
        out.push(sql`next_step_due = ${date(value as string | null)}`);
        break;
      case 'nextStep':
        out.push(sql`next_step = ${(value as string | null) ?? null}`);
        break;
      case 'lostReason':
        out.push(sql`lost_reason = ${(value as string | null) ?? null}`);
        break;
      case 'needs':
        out.push(sql`needs = ${json(value)}`);
        break;
      case 'competitors':
        out.push(sql`competitors = ${json(value)}`);
        break;
      case 'stageEnteredAt':
        out.push(sql`stage_entered_at = ${ts(value as Date)}`);
        break;
      case 'closedAt':
        out.push(sql`closed_at = ${ts(value as Date | null)}`);
        break;
    }
  }
  return out;
}

/** Write a plan. Returns false when the deal moved past the planned version (nothing written). */
export async function writeChange(
  db: Executor,
  plan: ChangePlan,
  inbox?: InboxProgress,
): Promise<boolean> {
  const { after: a, deal } = plan;
  const dealCte =
    plan.mode === 'create'
      ? sql`insert into deals (id, workspace_id, account_id, owner_id, title, stage, status, amount, currency,
              close_date, needs, competitors, next_step, next_step_due, lost_reason, stage_entered_at,
              last_activity_at, closed_at, version, created_at)
            values (${a.id}::uuid, ${a.workspaceId}::uuid, ${a.accountId}::uuid, ${a.ownerId}::uuid, ${a.title},
              ${a.stage}, ${a.status}, ${num(a.amount)}, ${a.currency}, ${date(a.closeDate)}, ${json(a.needs)},
              ${json(a.competitors)}, ${a.nextStep}, ${date(a.nextStepDue)}, ${a.lostReason}, ${ts(plan.now)},
              ${ts(plan.now)}, ${ts(a.closedAt)}, 1, ${ts(plan.now)})
            returning id, version`
      : sql`update deals set ${sql.join(
          [
            ...assignments(plan.patch),
            sql`last_activity_at = ${ts(plan.now)}`,
            sql`version = version + 1`,
          ],
          sql`, `,
        )}
            where id = ${deal.id}::uuid and workspace_id = ${plan.workspaceId}::uuid and version = ${deal.version}
            returning id, version`;

  const parts: SQL[] = [sql`d as (${dealCte})`];
  if (plan.cancelKinds.length) {
    parts.push(sql`fc as (
      update followups set status = 'cancelled'
      where workspace_id = ${plan.workspaceId}::uuid and deal_id = ${deal.id}::uuid
        and status in ('open', 'snoozed')
        and kind in (${sql.join(
          plan.cancelKinds.map((k) => sql`${k}`),
          sql`, `,
        )})
        and exists (select 1 from d)
      returning id)`);
  }
  if (plan.createFollowups.length) {
    const rows = plan.createFollowups.map(
      (f) => sql`(${f.id}::uuid, ${f.kind}, ${f.text}, ${date(f.dueDate)})`,
    );
    parts.push(sql`fi as (
      insert into followups (id, workspace_id, deal_id, owner_id, kind, text, due_date, created_at)
      select v.id, ${plan.workspaceId}::uuid, d.id, ${a.ownerId}::uuid, v.kind, v.text, v.due, ${ts(plan.now)}
      from d, (values ${sql.join(rows, sql`, `)}) as v(id, kind, text, due)
      returning id)`);
  }
  if (plan.addContacts.length) {
    const rows = plan.addContacts.map(
      (c) => sql`(${c.id}::uuid, ${c.name}, ${c.nameKey}, ${c.title})`,
    );
    parts.push(sql`ct as (
      insert into contacts (id, workspace_id, account_id, name, name_key, title, created_at)
      select v.id, ${plan.workspaceId}::uuid, ${plan.accountId}::uuid, v.name, v.key, v.title, ${ts(plan.now)}
      from d, (values ${sql.join(rows, sql`, `)}) as v(id, name, key, title)
      on conflict (account_id, name_key) do nothing
      returning id)`);
  }
  const effects = sql`jsonb_strip_nulls(jsonb_build_object(
      'followupsCancelled', ${plan.cancelKinds.length ? sql`(select jsonb_agg(id) from fc)` : sql`null::jsonb`},
      'followupsCreated', ${plan.createFollowups.length ? json(plan.createFollowups.map((f) => f.id)) : sql`null::jsonb`},
      'contactsAdded', ${plan.addContacts.length ? sql`(select jsonb_agg(id) from ct)` : sql`null::jsonb`}))`;
  parts.push(sql`ev as (
    insert into deal_events (id, workspace_id, deal_id, actor_id, kind, diff, from_stage, to_stage, inbox_id,
      effects, version, created_at)
    select ${plan.eventId}::uuid, ${plan.workspaceId}::uuid, d.id, ${plan.actorId}::uuid, ${plan.kind},
      ${json(plan.diff)}, ${plan.diff.stage ? (plan.mode === 'create' ? null : deal.stage) : null},
      ${plan.diff.stage ? a.stage : null}, ${plan.inboxId}::uuid, ${effects}, d.version, ${ts(plan.now)}
    from d
    returning id)`);
  if (inbox) {
    parts.push(sql`ib as (
      update inbox set status = ${inbox.status}, pending = ${json(inbox.pending)}, replies = ${json(inbox.replies)},
        processed_at = ${ts(plan.now)}, lease_until = case when ${inbox.status} = 'processing' then lease_until else null end,
        error = null
      where id = ${inbox.id}::uuid and exists (select 1 from ev)
      returning id)`);
  }
  const rows = await queryRows<{ version: number | null }>(
    db,
    sql`with ${sql.join(parts, sql`, `)} select (select version from d) as version`,
  );
  return rows[0]?.version !== null && rows[0]?.version !== undefined;
}

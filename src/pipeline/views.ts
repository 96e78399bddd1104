/**
 * Read models for the conversation: what a member sees in `deal`, `pipeline`
 * and `followups`, and the context an extractor gets. Every query is scoped
 * by workspace and by what the asker may see.
 */
import { and, asc, desc, eq, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connect.ts';
import {
  accounts,
  contacts,
  type Deal,
  type DealEvent,
  dealEvents,
  deals,
  type Followup,
  followups,
  type Member,
  members,
  type Workspace,
} from '../db/schema.ts';
import { resolveAccount } from './accounts.ts';
import { visibleOwnerFilter } from './permissions.ts';

export interface DealView {
  deal: Deal;
  accountName: string;
  ownerName: string;
  contacts: { name: string; title: string | null }[];
  events: (DealEvent & { actorName: string | null })[];
}

/** Open deals first, then the most recently closed, at the account a name resolves to. */
export async function dealsForAccountName(
  db: Executor,
  workspace: Workspace,
  viewer: Member,
  name: string,
  limit = 3,
): Promise<{ views: DealView[]; candidates: string[] }> {
  const r = await resolveAccount(db, workspace.id, name);
  if (r.kind === 'ambiguous') return { views: [], candidates: r.candidates.map((c) => c.name) };
  if (r.kind !== 'match') return { views: [], candidates: [] };
  const owner = visibleOwnerFilter(viewer, workspace);
  const rows = await db
    .select()
    .from(deals)
    .where(
      and(
        eq(deals.workspaceId, workspace.id),
        eq(deals.accountId, r.account.id),
        inArray(deals.status, ['open', 'won', 'lost']),
        owner ? eq(deals.ownerId, owner) : sql`true`,
      ),
    )
    .orderBy(sql`case when ${deals.status} = 'open' then 0 else 1 end`, desc(deals.lastActivityAt))
    .limit(limit);
  const views: DealView[] = [];
  for (const deal of rows) views.push(await dealView(db, workspace.id, deal, r.account.name));
  return { views, candidates: [] };
}

export async function dealView(
  db: Executor,
  workspaceId: string,
  deal: Deal,
  accountName?: string,
  eventLimit = 5,
): Promise<DealView> {
  const [ownerRow] = await db
    .select({ name: members.displayName })
    .from(members)
    .where(and(eq(members.workspaceId, workspaceId), eq(members.id, deal.ownerId)));
  const name =
    accountName ??
    (
      await db
        .select({ name: accounts.name })
        .from(accounts)
        .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, deal.accountId)))
    )[0]?.name ??
    deal.title;
  const cs = await db
    .select({ name: contacts.name, title: contacts.title })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.accountId, deal.accountId)))
    .orderBy(asc(contacts.createdAt))
    .limit(10);
  const events = await db
    .select({ event: dealEvents, actorName: members.displayName })
    .from(dealEvents)
    .leftJoin(members, eq(members.id, dealEvents.actorId))
    .where(and(eq(dealEvents.workspaceId, workspaceId), eq(dealEvents.dealId, deal.id)))
    .orderBy(desc(dealEvents.createdAt), desc(dealEvents.version))
    .limit(eventLimit);
  return {
    deal,
    accountName: name,
    ownerName: ownerRow?.name ?? '',
    contacts: cs,
    events: events.map((e) => ({ ...e.event, actorName: e.actorName })),
  };
}

export interface StageTotal {
  stage: string;
  currency: string | null;
  count: number;
  total: number;
}

/** Open deals grouped by stage and currency (currencies are never summed together). */
export async function openPipelineByStage(
  db: Executor,
  workspace: Workspace,
  viewer: Member,
  filter: { ownerId?: string; stage?: string } = {},
): Promise<StageTotal[]> {
  const visible = visibleOwnerFilter(viewer, workspace);
  if (visible && filter.ownerId && filter.ownerId !== visible) return [];
  const owner = filter.ownerId ?? visible;
  const rows = await queryRows<{
    stage: string;
    currency: string | null;
    count: number;
    total: string | number;
  }>(
    db,
    sql`select stage, currency, count(*)::int as count, coalesce(sum(amount), 0) as total
        from deals
        where workspace_id = ${workspace.id} and status = 'open'
          ${owner ? sql`and owner_id = ${owner}` : sql``}
          ${filter.stage ? sql`and stage = ${filter.stage}` : sql``}
        group by stage, currency`,
  );
  return rows.map((r) => ({
    stage: r.stage,
    currency: r.currency,
    count: Number(r.count),
    total: Number(r.total),
  }));
}

export interface DealListItem {
  deal: Deal;
  accountName: string;
  ownerName: string;
}

export async function openDealsInStage(
  db: Executor,
  workspace: Workspace,
  viewer: Member,
  filter: { ownerId?: string; stage?: string },
  limit = 20,
): Promise<{ items: DealListItem[]; total: number }> {
  const visible = visibleOwnerFilter(viewer, workspace);
  if (visible && filter.ownerId && filter.ownerId !== visible) return { items: [], total: 0 };
  const owner = filter.ownerId ?? visible;
  const where = and(
    eq(deals.workspaceId, workspace.id),
    eq(deals.status, 'open'),
    owner ? eq(deals.ownerId, owner) : sql`true`,
    filter.stage ? eq(deals.stage, filter.stage) : sql`true`,
  );
  const rows = await db
    .select({ deal: deals, accountName: accounts.name, ownerName: members.displayName })
    .from(deals)
    .innerJoin(accounts, eq(accounts.id, deals.accountId))
    .innerJoin(members, eq(members.id, deals.ownerId))
    .where(where)
    .orderBy(desc(deals.amount), desc(deals.lastActivityAt))
    .limit(limit);
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deals)
    .where(where);
  return { items: rows, total: Number(n) };
}

export interface FollowupItem {
  followup: Followup;
  accountName: string;
}

/** A member's follow-ups that are overdue or due by `until`, soonest first. */
export async function memberFollowups(
  db: Executor,
  workspaceId: string,
  memberId: string,
  until: string,
  limit = 20,
): Promise<{ items: FollowupItem[]; total: number }> {
  const where = and(
    eq(followups.workspaceId, workspaceId),
    eq(followups.ownerId, memberId),
    or(
      and(eq(followups.status, 'open'), lte(followups.dueDate, until)),
      and(eq(followups.status, 'snoozed'), lte(followups.snoozedUntil, until)),
    ),
  );
  const rows = await db
    .select({ followup: followups, accountName: accounts.name })
    .from(followups)
    .innerJoin(deals, eq(deals.id, followups.dealId))
    .innerJoin(accounts, eq(accounts.id, deals.accountId))
    .where(where)
    .orderBy(asc(followups.dueDate))
    .limit(limit);
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(followups)
    .where(where);
  return { items: rows, total: Number(n) };
}

/** The member's open deals, most recently active first: context for the extractor. */
export async function memberOpenDeals(
  db: Executor,
  workspaceId: string,
  memberId: string,
  limit = 20,
): Promise<{ account: string; stage: string; dealId: string }[]> {
  const rows = await db
    .select({ account: accounts.name, stage: deals.stage, dealId: deals.id })
    .from(deals)
    .innerJoin(accounts, eq(accounts.id, deals.accountId))
    .where(
      and(
        eq(deals.workspaceId, workspaceId),
        eq(deals.ownerId, memberId),
        eq(deals.status, 'open'),
      ),
    )
    .orderBy(desc(deals.lastActivityAt))
    .limit(limit);
  return rows;
}

/** The deal a reply refers to: the deal an earlier message changed, or a card the bot posted. */
export async function dealForMessage(
  db: Executor,
  workspaceId: string,
  platform: string,
  channel: string,
  messageId: string,
): Promise<string | null> {
  const rows = await queryRows<{ deal_id: string }>(
    db,
    sql`select distinct e.deal_id from inbox i
          join deal_events e on e.inbox_id = i.id and e.workspace_id = i.workspace_id
        where i.workspace_id = ${workspaceId} and i.platform = ${platform}
          and i.channel = ${channel} and i.message_id = ${messageId}
        union
        select o.deal_id from outbound o
        where o.workspace_id = ${workspaceId} and o.platform = ${platform}
          and o.channel = ${channel} and o.message_id = ${messageId} and o.deal_id is not null
        limit 2`,
  );
  return rows.length === 1 && rows[0] ? rows[0].deal_id : null;
}

/** How many of a workspace's most recently active account names an extractor is given. */
export const KNOWN_ACCOUNTS_LIMIT = 200;
/** How many of the member's most recently active open deals an extractor is given. */
export const OPEN_DEALS_LIMIT = 20;

export interface ExtractionHints {
  knownAccounts: readonly string[];
  openDeals: readonly { account: string; stage: string; dealId: string }[];
}

/**
 * SQL for what an extractor should know: the workspace's most recently active
 * account names and the member's open deals, as two JSON columns `known` and
 * `open`. Embedded in the message-ingest statement so it costs no round trip.
 */
export function extractionHintsSql(
  workspaceId: SQL,
  memberId: SQL,
  options: { known?: boolean; open?: boolean } = {},
): SQL {
  // The most recent accounts are chosen before their names are looked up,
  // one index probe each (a join let the planner scan every account).
  const known =
    options.known === false
      ? sql`null::json as known`
      : sql`(select coalesce(json_agg((select a.name from accounts a where a.id = r.account_id)
                                  order by r.t desc), '[]'::json) from (
             select account_id, max(last_activity_at) as t from (
               select account_id, last_activity_at from deals
               where workspace_id = ${workspaceId} and status <> 'void'
               order by last_activity_at desc limit ${sql.raw(String(2 * KNOWN_ACCOUNTS_LIMIT))}) recent
             group by account_id
             order by t desc limit ${sql.raw(String(KNOWN_ACCOUNTS_LIMIT))}) r) as known`;
  const open =
    options.open === false
      ? sql`null::json as open`
      : sql`(select coalesce(json_agg(json_build_object('account', a.name, 'stage', d.stage, 'dealId', d.id)
                                    order by d.last_activity_at desc), '[]'::json)
           from (select id, account_id, stage, last_activity_at from deals
                 where workspace_id = ${workspaceId} and owner_id = ${memberId} and status = 'open'
                 order by last_activity_at desc limit ${sql.raw(String(OPEN_DEALS_LIMIT))}) d
           join accounts a on a.id = d.account_id) as open`;
  return sql`${known}, ${open}`;
}

export function parseHints(row: { known: unknown; open: unknown } | undefined): ExtractionHints {
  const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  return {
    knownAccounts: row ? (parse<string[]>(row.known) ?? []) : [],
    openDeals: row ? (parse<ExtractionHints['openDeals']>(row.open) ?? []) : [],
  };
}

/** What an extractor should know, in one round trip (when it did not come with the message); `false` leaves a part out (empty). */
export async function extractionContext(
  db: Executor,
  workspaceId: string,
  memberId: string,
  options: { known?: boolean; open?: boolean } = {},
): Promise<ExtractionHints> {
  const rows = await queryRows<{ known: unknown; open: unknown }>(
    db,
    sql`select ${extractionHintsSql(sql`${workspaceId}::uuid`, sql`${memberId}::uuid`, options)}`,
  );
  return parseHints(rows[0]);
}

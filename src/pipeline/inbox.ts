/**
 * The inbox: every incoming message is stored first, under its unique
 * (platform, channel, message id) key. A repeat delivery finds the row and is
 * not processed again; a crash leaves a `received` row that is picked up later.
 */
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connect.ts';
import {
  type InboxRow,
  type InboxStatus,
  inbox,
  type Member,
  type Platform,
  type Workspace,
} from '../db/schema.ts';
import { STALE_CLAIM_MS } from './outbound.ts';
import { inboxFromJson, memberFromJson, parseJson, workspaceFromJson } from './rows.ts';
import { type ExtractionHints, extractionHintsSql, parseHints } from './views.ts';

export interface InboxKey {
  platform: Platform;
  channel: string;
  messageId: string;
}

export interface StoreInput extends InboxKey {
  workspaceId: string;
  memberId: string | null;
  text: string;
  replyTo?: string | null;
  receivedAt: Date;
  meta?: Record<string, unknown>;
}

/** Store a message; `duplicate` is true when this key was seen before. */
export async function storeIncoming(
  db: Executor,
  input: StoreInput,
): Promise<{ row: InboxRow; duplicate: boolean }> {
  const inserted = await db
    .insert(inbox)
    .values({
      platform: input.platform,
      channel: input.channel,
      messageId: input.messageId,
      workspaceId: input.workspaceId,
      memberId: input.memberId,
      text: input.text,
      replyTo: input.replyTo ?? null,
      receivedAt: input.receivedAt,
      meta: input.meta ?? {},
    })
    .onConflictDoNothing({ target: [inbox.platform, inbox.channel, inbox.messageId] })
    .returning();
  if (inserted[0]) return { row: inserted[0], duplicate: false };
  return storedBefore(db, input);
}

/** The row an insert conflicted with: the message was stored before (a repeated delivery). */
async function storedBefore(
  db: Executor,
  key: InboxKey,
): Promise<{ row: InboxRow; duplicate: true }> {
  const existing = await findInbox(db, key);
  if (!existing) throw new Error('inbox row vanished after conflict');
  return { row: existing, duplicate: true };
}

/**
 * Store a message under a workspace and member known to exist (see
 * `KnownSenders`): one insert, returning only what the ack needs. A deleted
 * workspace or member fails the foreign key (23503) and nothing is stored.
 */
export async function storeKnownSender(
  db: Executor,
  input: StoreInput,
): Promise<{ row: Pick<InboxRow, 'id' | 'status'>; duplicate: boolean }> {
  const [inserted] = await queryRows<{ id: string; status: InboxStatus }>(
    db,
    sql`insert into inbox (platform, channel, message_id, workspace_id, member_id, text, reply_to, received_at, meta)
        values (${input.platform}, ${input.channel}, ${input.messageId}, ${input.workspaceId}::uuid,
                ${input.memberId}::uuid, ${input.text}, ${input.replyTo ?? null},
                ${input.receivedAt.toISOString()}::timestamptz, ${JSON.stringify(input.meta ?? {})}::jsonb)
        on conflict (platform, channel, message_id) do nothing
        returning id, status`,
  );
  if (inserted) return { row: inserted, duplicate: false };
  return storedBefore(db, input);
}

export async function findInbox(db: Executor, key: InboxKey): Promise<InboxRow | undefined> {
  const [row] = await db
    .select()
    .from(inbox)
    .where(
      and(
        eq(inbox.platform, key.platform),
        eq(inbox.channel, key.channel),
        eq(inbox.messageId, key.messageId),
      ),
    )
    .limit(1);
  return row;
}

export async function getInbox(
  db: Executor,
  workspaceId: string,
  id: string,
): Promise<InboxRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db
    .select()
    .from(inbox)
    .where(and(eq(inbox.workspaceId, workspaceId), eq(inbox.id, id)))
    .limit(1);
  return row;
}

/**
 * Take a row for processing. Only one worker wins: the row must be
 * `received` (or `failed` when retrying, or `processing` with a lapsed lease
 * after a crash). Returns the claimed row or undefined.
 */
export async function claimInbox(
  db: Executor,
  id: string,
  now: Date,
  options: { leaseMs?: number; retryFailed?: boolean } = {},
): Promise<InboxRow | undefined> {
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? 120_000));
  const claimable = [
    eq(inbox.status, 'received'),
    and(eq(inbox.status, 'processing'), lt(inbox.leaseUntil, now)),
  ];
  if (options.retryFailed) claimable.push(eq(inbox.status, 'failed'));
  const [row] = await db
    .update(inbox)
    .set({ status: 'processing', leaseUntil, attempts: sql`${inbox.attempts} + 1` })
    .where(and(eq(inbox.id, id), or(...claimable)))
    .returning();
  return row;
}

export async function finishInbox(
  db: Executor,
  id: string,
  status: Exclude<InboxStatus, 'received' | 'processing'>,
  fields: { error?: string | null; pending?: unknown; replies?: unknown; now: Date },
): Promise<void> {
  // A failure keeps `pending` and `replies` as they were: they record how far the message got.
  const keep = status === 'failed';
  await db
    .update(inbox)
    .set({
      status,
      error: fields.error ?? null,
      ...(keep && fields.pending === undefined ? {} : { pending: fields.pending ?? null }),
      ...(keep && fields.replies === undefined ? {} : { replies: fields.replies ?? null }),
      processedAt: fields.now,
      leaseUntil: null,
    })
    .where(eq(inbox.id, id));
}

/** Rows that were stored but never finished (a crash, a restart): oldest first. */
export async function unfinishedInbox(
  db: Executor,
  now: Date,
  limit = 100,
  platform?: Platform,
): Promise<InboxRow[]> {
  return db
    .select()
    .from(inbox)
    .where(
      and(
        or(
          eq(inbox.status, 'received'),
          and(eq(inbox.status, 'processing'), lt(inbox.leaseUntil, now)),
        ),
        platform ? eq(inbox.platform, platform) : sql`true`,
      ),
    )
    .orderBy(inbox.receivedAt)
    .limit(limit);
}

export async function failedInbox(
  db: Executor,
  workspaceId: string | null,
  limit = 500,
): Promise<InboxRow[]> {
  return db
    .select()
    .from(inbox)
    .where(
      and(
        inArray(inbox.status, ['failed']),
        workspaceId ? eq(inbox.workspaceId, workspaceId) : sql`true`,
      ),
    )
    .orderBy(inbox.receivedAt)
    .limit(limit);
}

export interface IngestInput {
  platform: Platform;
  workspace: { externalId: string; name?: string };
  defaults: { timezone: string; locale: string; currency: string };
  sender: {
    externalId: string;
    displayName?: string;
    timezone?: string | null;
    locale?: string | null;
    isAdmin?: boolean;
    canWrite?: boolean;
  };
  channel: string;
  messageId: string;
  text: string;
  replyTo: string | null;
  receivedAt: Date;
  meta: Record<string, unknown>;
  /** Claim the row for processing right away (until this instant), or leave it `received`. */
  claimUntil: Date | null;
  /** Also return the extractor's hints (known accounts, the member's open deals). */
  withHints?: boolean;
  /** With the hints, also read the workspace's known account names (false: the caller has them). */
  withKnown?: boolean;
  /** With the hints, also read the member's open deals (false: the caller has them). */
  withOpen?: boolean;
}

export interface IngestResult {
  workspace: Workspace;
  member: Member;
  row: InboxRow;
  duplicate: boolean;
  hints?: ExtractionHints;
}

/**
 * First sight of a message in one round trip: find or create its workspace
 * and member, and store (and optionally claim) the inbox row. Existing
 * workspace and member rows are read, not rewritten, so concurrent messages
 * do not queue on them. Returns null in the rare race where a concurrent
 * first message created the workspace or member in between; the caller then
 * takes the slower path.
 */
export async function ingestIncoming(
  db: Executor,
  input: IngestInput,
): Promise<IngestResult | null> {
  const s = input.sender;
  const rows = await queryRows<{
    ws: unknown;
    m: unknown;
    ib: unknown;
    known?: unknown;
    open?: unknown;
  }>(
    db,
    sql`with ws_new as (
          insert into workspaces (platform, external_id, name, timezone, locale, currency)
          values (${input.platform}, ${input.workspace.externalId}, ${input.workspace.name ?? ''},
                  ${input.defaults.timezone}, ${input.defaults.locale}, ${input.defaults.currency})
          on conflict (platform, external_id) do nothing
          returning *),
        ws as (
          select * from ws_new
          union all
          select * from workspaces
          where platform = ${input.platform} and external_id = ${input.workspace.externalId}
            and not exists (select 1 from ws_new)),
        m_new as (
          insert into members (workspace_id, external_id, display_name, timezone, locale, can_write, role)
          select ws.id, ${s.externalId}, ${s.displayName ?? s.externalId}, ${s.timezone ?? null}, ${s.locale ?? null},
                 ${s.canWrite ?? true},
                 case when ${s.canWrite !== false}
                       and (${Boolean(s.isAdmin)} or not exists (select 1 from members x where x.workspace_id = ws.id))
                      then 'admin' else 'rep' end
          from ws
          on conflict (workspace_id, external_id) do nothing
          returning *),
        m as (
          select * from m_new
          union all
          select mm.* from members mm, ws
          where mm.workspace_id = ws.id and mm.external_id = ${s.externalId} and not exists (select 1 from m_new)),
        ib as (
          insert into inbox (platform, channel, message_id, workspace_id, member_id, text, reply_to, received_at, meta,
                             status, lease_until, attempts)
          select ${input.platform}, ${input.channel}, ${input.messageId}, ws.id, m.id, ${input.text}, ${input.replyTo},
                 ${input.receivedAt.toISOString()}::timestamptz, ${JSON.stringify(input.meta)}::jsonb,
                 ${input.claimUntil ? 'processing' : 'received'},
                 ${input.claimUntil ? input.claimUntil.toISOString() : null}::timestamptz,
                 ${input.claimUntil ? 1 : 0}
          from ws, m
          on conflict (platform, channel, message_id) do nothing
          returning *)
        select row_to_json(ws) as ws, row_to_json(m) as m, (select row_to_json(ib) from ib) as ib
          ${
            input.withHints
              ? sql`, ${extractionHintsSql(sql`ws.id`, sql`m.id`, {
                  known: input.withKnown !== false,
                  open: input.withOpen !== false,
                })}`
              : sql``
          }
        from ws, m`,
  );
  const r = rows[0];
  if (!r) return null;
  const workspace = workspaceFromJson(parseJson(r.ws));
  const member = memberFromJson(parseJson(r.m));
  if (r.ib) {
    const row = inboxFromJson(parseJson(r.ib));
    return {
      workspace,
      member,
      row,
      duplicate: false,
      ...(input.withHints ? { hints: parseHints(r as never) } : {}),
    };
  }
  const existing = await findInbox(db, input);
  if (!existing) return null;
  return { workspace, member, row: existing, duplicate: true };
}

/** Claim a row and load its workspace and member in one round trip. */
export async function claimWithSession(
  db: Executor,
  id: string,
  now: Date,
  options: { leaseMs?: number; retryFailed?: boolean } = {},
): Promise<{ row: InboxRow; workspace: Workspace; member: Member } | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? 120_000));
  const rows = await queryRows<{ ib: unknown; ws: unknown; m: unknown }>(
    db,
    sql`with c as (
          update inbox set status = 'processing', lease_until = ${leaseUntil.toISOString()}::timestamptz,
                           attempts = attempts + 1
          where id = ${id}::uuid
            and (status = 'received'
                 or (status = 'processing' and lease_until < ${now.toISOString()}::timestamptz)
                 ${options.retryFailed ? sql`or status = 'failed'` : sql``})
          returning *)
        select row_to_json(c) as ib, row_to_json(w) as ws, row_to_json(m) as m
        from c join workspaces w on w.id = c.workspace_id
        join members m on m.id = c.member_id and m.workspace_id = c.workspace_id`,
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    row: inboxFromJson(parseJson(r.ib)),
    workspace: workspaceFromJson(parseJson(r.ws)),
    member: memberFromJson(parseJson(r.m)),
  };
}

/**
 * Messages processed recently whose answer was never posted (a crash between
 * processing and posting): rows with stored replies and no `inbox:<id>:…`
 * post recorded. Posting them again is safe: every post is claimed by key.
 */
export async function unansweredInbox(
  db: Executor,
  platform: Platform,
  since: Date,
  now: Date,
  limit = 200,
): Promise<InboxRow[]> {
  return db
    .select()
    .from(inbox)
    .where(
      and(
        eq(inbox.platform, platform),
        inArray(inbox.status, ['processed', 'needs_input', 'failed']),
        sql`${inbox.replies} is not null`,
        sql`${inbox.processedAt} >= ${since.toISOString()}::timestamptz`,
        // Nothing posted yet, or only a claim a dead sender left behind.
        sql`not exists (select 1 from outbound o
                        where o.key >= 'inbox:' || ${inbox.id}::text || ':'
                          and o.key < 'inbox:' || ${inbox.id}::text || ';'
                          and (o.status <> 'pending'
                               or o.created_at > ${new Date(now.getTime() - STALE_CLAIM_MS).toISOString()}::timestamptz))`,
      ),
    )
    .orderBy(inbox.receivedAt)
    .limit(limit);
}

/**
 * The inbox: every incoming message is stored first, under its unique
 * (platform, channel, message id) key. A repeat delivery finds the row and is
 * not processed again; a crash leaves a `received` row that is picked up later.
 */
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { type InboxRow, type InboxStatus, inbox, type Platform } from '../db/schema.ts';

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
  const existing = await findInbox(db, input);
  if (!existing) throw new Error('inbox row vanished after conflict');
  return { row: existing, duplicate: true };
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
  await db
    .update(inbox)
    .set({
      status,
      error: fields.error ?? null,
      pending: fields.pending ?? null,
      replies: fields.replies ?? null,
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

/**
 * The `outbound` table: the record of what the bot posted. A post is claimed
 * under its key before it is sent and marked with the platform's message id
 * after, so a retry finds it and does not post again.
 */
import { and, eq, lt, or } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { outbound, type Platform, type Workspace, workspaces } from '../db/schema.ts';

export type OutboundRow = typeof outbound.$inferSelect;

export interface ClaimInput {
  workspaceId: string;
  key: string;
  platform: Platform;
  channel: string;
  inboxId?: string | null;
  dealId?: string | null;
  eventId?: string | null;
}

/**
 * Claim a post. Returns the row when this caller should send it; null when the
 * key was already sent, or is being sent by someone else whose claim is fresh
 * (younger than `staleMs`, after which a crashed sender's claim may be retaken).
 */
/** A claim; `retaken` when it was a crashed sender's: the post may have gone out already, so check first. */
export type OutboundClaim = OutboundRow & { retaken: boolean };

/** After this long a pending claim is taken to belong to a sender that died. */
export const STALE_CLAIM_MS = 2 * 60_000;

export async function claimOutbound(
  db: Executor,
  input: ClaimInput,
  now: Date,
  staleMs = STALE_CLAIM_MS,
): Promise<OutboundClaim | null> {
  const inserted = await db
    .insert(outbound)
    .values({
      workspaceId: input.workspaceId,
      key: input.key,
      platform: input.platform,
      channel: input.channel,
      inboxId: input.inboxId ?? null,
      dealId: input.dealId ?? null,
      eventId: input.eventId ?? null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outbound.key })
    .returning();
  if (inserted[0]) return { ...inserted[0], retaken: false };
  // Retake a pending claim whose sender died (never a sent one).
  const [retaken] = await db
    .update(outbound)
    .set({ createdAt: now })
    .where(
      and(
        eq(outbound.key, input.key),
        eq(outbound.workspaceId, input.workspaceId),
        or(
          eq(outbound.status, 'failed'),
          and(
            eq(outbound.status, 'pending'),
            lt(outbound.createdAt, new Date(now.getTime() - staleMs)),
          ),
        ),
      ),
    )
    .returning();
  return retaken ? { ...retaken, retaken: true } : null;
}

export async function markOutboundSent(
  db: Executor,
  id: string,
  messageId: string,
  channel: string,
  now: Date,
): Promise<void> {
  await db
    .update(outbound)
    .set({ status: 'sent', messageId, channel, sentAt: now })
    .where(eq(outbound.id, id));
}

export async function markOutboundFailed(db: Executor, id: string): Promise<void> {
  await db
    .update(outbound)
    .set({ status: 'failed' })
    .where(and(eq(outbound.id, id), eq(outbound.status, 'pending')));
}

export async function findOutbound(db: Executor, key: string): Promise<OutboundRow | undefined> {
  const [row] = await db.select().from(outbound).where(eq(outbound.key, key)).limit(1);
  return row;
}

/** The workspace that posted a platform message, if the bot posted it. */
export async function workspaceOfPost(
  db: Executor,
  platform: Platform,
  channel: string,
  messageId: string,
): Promise<Workspace | undefined> {
  const [row] = await db
    .select({ workspace: workspaces })
    .from(outbound)
    .innerJoin(workspaces, eq(workspaces.id, outbound.workspaceId))
    .where(
      and(
        eq(outbound.platform, platform),
        eq(outbound.channel, channel),
        eq(outbound.messageId, messageId),
      ),
    )
    .limit(1);
  return row?.workspace;
}

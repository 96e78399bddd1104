/** Follow-ups: the next step every open deal should have, and after-sales check-ins. */
import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { type Deal, type Followup, type FollowupKind, followups } from '../db/schema.ts';

/** Cancel a deal's open follow-ups of the given kinds; returns the ids cancelled. */
export async function cancelOpenFollowups(
  db: Executor,
  deal: Pick<Deal, 'id' | 'workspaceId'>,
  kinds: FollowupKind[],
): Promise<string[]> {
  const rows = await db
    .update(followups)
    .set({ status: 'cancelled' })
    .where(
      and(
        eq(followups.workspaceId, deal.workspaceId),
        eq(followups.dealId, deal.id),
        inArray(followups.status, ['open', 'snoozed']),
        inArray(followups.kind, kinds),
      ),
    )
    .returning({ id: followups.id });
  return rows.map((r) => r.id);
}

export async function createFollowup(
  db: Executor,
  deal: Pick<Deal, 'id' | 'workspaceId' | 'ownerId'>,
  kind: FollowupKind,
  text: string,
  dueDate: string | null,
): Promise<Followup> {
  const [row] = await db
    .insert(followups)
    .values({
      workspaceId: deal.workspaceId,
      dealId: deal.id,
      ownerId: deal.ownerId,
      kind,
      text,
      dueDate,
    })
    .returning();
  if (!row) throw new Error('createFollowup returned no row');
  return row;
}

export interface FollowupWithDeal {
  followup: Followup;
  dealId: string;
  accountName: string;
  dealTitle: string;
}

/**
 * A member's open follow-ups due on or before `until` (a local date), plus
 * snoozed ones whose snooze has ended; soonest first.
 */
export async function dueFollowups(
  db: Executor,
  workspaceId: string,
  ownerId: string | null,
  until: string,
  limit = 50,
): Promise<Followup[]> {
  return db
    .select()
    .from(followups)
    .where(
      and(
        eq(followups.workspaceId, workspaceId),
        ownerId ? eq(followups.ownerId, ownerId) : sql`true`,
        or(
          and(eq(followups.status, 'open'), lte(followups.dueDate, until)),
          and(eq(followups.status, 'snoozed'), lte(followups.snoozedUntil, until)),
        ),
      ),
    )
    .orderBy(asc(followups.dueDate))
    .limit(limit);
}

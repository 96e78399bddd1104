/** Follow-ups: the next step every open deal should have, and after-sales check-ins. */
import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/connect.ts';
import {
  type Deal,
  dealEvents,
  deals,
  type Followup,
  type FollowupKind,
  followups,
  type Member,
} from '../db/schema.ts';
import { addDays } from '../lib/time.ts';
import { canEditDeal } from './permissions.ts';

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

export type FollowupActionOutcome =
  | { status: 'ok'; followup: Followup; dealId: string }
  | { status: 'not_found' }
  | { status: 'forbidden' }
  | { status: 'unchanged'; followup: Followup };

/**
 * Mark a follow-up done or snooze it, audited as a deal event whose effects
 * let undo restore the previous status.
 */
export async function actOnFollowup(
  db: Db,
  ctx: { workspace: { id: string }; member: Member; now: Date; today: string },
  followupId: string,
  action: { kind: 'done' } | { kind: 'snooze'; days: number },
): Promise<FollowupActionOutcome> {
  if (!/^[0-9a-f-]{36}$/i.test(followupId)) return { status: 'not_found' };
  return db.transaction(async (tx) => {
    const [f] = await tx
      .select()
      .from(followups)
      .where(and(eq(followups.workspaceId, ctx.workspace.id), eq(followups.id, followupId)))
      .limit(1);
    if (!f) return { status: 'not_found' as const };
    const [deal] = await tx
      .select()
      .from(deals)
      .where(and(eq(deals.workspaceId, ctx.workspace.id), eq(deals.id, f.dealId)))
      .limit(1);
    if (!deal) return { status: 'not_found' as const };
    if (f.ownerId !== ctx.member.id && !canEditDeal(ctx.member, deal))
      return { status: 'forbidden' as const };
    const snoozedUntil = action.kind === 'snooze' ? addDays(ctx.today, action.days) : null;
    const nextStatus = action.kind === 'done' ? 'done' : 'snoozed';
    if (f.status === nextStatus && f.snoozedUntil === snoozedUntil)
      return { status: 'unchanged' as const, followup: f };
    if (f.status === 'cancelled' || (f.status === 'done' && action.kind === 'done')) {
      return { status: 'unchanged' as const, followup: f };
    }
    const [updated] = await tx
      .update(followups)
      .set({
        status: nextStatus,
        snoozedUntil,
        doneAt: action.kind === 'done' ? ctx.now : null,
      })
      .where(and(eq(followups.id, f.id), eq(followups.status, f.status)))
      .returning();
    if (!updated) return { status: 'unchanged' as const, followup: f };
    const [bumped] = await tx
      .update(deals)
      .set({ lastActivityAt: ctx.now, version: sql`${deals.version} + 1` })
      .where(eq(deals.id, deal.id))
      .returning({ version: deals.version });
    await tx.insert(dealEvents).values({
      workspaceId: ctx.workspace.id,
      dealId: deal.id,
      actorId: ctx.member.id,
      kind: 'followup',
      diff: {
        followup: {
          before: { text: f.text, status: f.status, snoozedUntil: f.snoozedUntil },
          after: { text: updated.text, status: updated.status, snoozedUntil: updated.snoozedUntil },
        },
      },
      effects: { followupsChanged: [{ id: f.id, status: f.status, snoozedUntil: f.snoozedUntil }] },
      version: bumped?.version ?? deal.version,
      createdAt: ctx.now,
    });
    return { status: 'ok' as const, followup: updated, dealId: deal.id };
  });
}

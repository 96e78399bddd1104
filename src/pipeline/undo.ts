/**
 * Undo: restore what an event changed, as a new audited event. Fields that
 * somebody changed again since are left alone and reported, so an undo never
 * silently clobbers a later update.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, hasPgCode, type Tx } from '../db/connect.ts';
import {
  contacts,
  type Deal,
  type DealDiff,
  type DealEvent,
  dealEvents,
  deals,
  type EventEffects,
  followups,
  type Member,
  type Workspace,
} from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import { canEditDeal } from './permissions.ts';

export type UndoOutcome =
  | { status: 'undone'; deal: Deal; event: DealEvent; diff: DealDiff; skipped: string[] }
  | { status: 'not_found' }
  | { status: 'forbidden' }
  | { status: 'already_undone' }
  | { status: 'nothing_to_undo' }
  | { status: 'conflict'; fields: string[] };

const TIMESTAMP_FIELDS = new Set(['stageEnteredAt', 'closedAt']);
const RESTORABLE = new Set([
  'stage',
  'status',
  'amount',
  'currency',
  'closeDate',
  'needs',
  'competitors',
  'nextStep',
  'nextStepDue',
  'lostReason',
  'stageEnteredAt',
  'closedAt',
  'title',
  'ownerId',
]);

function asJson(v: unknown): string {
  return JSON.stringify(v instanceof Date ? v.toISOString() : (v ?? null));
}

export async function undoEvent(
  db: Db,
  ctx: { workspace: Workspace; member: Member; now: Date; inboxId?: string | null },
  eventId: string,
): Promise<UndoOutcome> {
  if (!/^[0-9a-f-]{36}$/i.test(eventId)) return { status: 'not_found' };
  try {
    return await db.transaction((tx) => undoInTx(tx, ctx, eventId));
  } catch (err) {
    // Two undo clicks racing: the unique index on reverts_event_id lets one win.
    if (err instanceof ConflictError || hasPgCode(err, '23505'))
      return { status: 'already_undone' };
    throw err;
  }
}

async function undoInTx(
  tx: Tx,
  ctx: { workspace: Workspace; member: Member; now: Date; inboxId?: string | null },
  eventId: string,
): Promise<UndoOutcome> {
  const [event] = await tx
    .select()
    .from(dealEvents)
    .where(and(eq(dealEvents.workspaceId, ctx.workspace.id), eq(dealEvents.id, eventId)))
    .limit(1);
  if (!event) return { status: 'not_found' };
  const [deal] = await tx
    .select()
    .from(deals)
    .where(and(eq(deals.workspaceId, ctx.workspace.id), eq(deals.id, event.dealId)))
    .limit(1);
  if (!deal) return { status: 'not_found' };
  const mayUndo =
    canEditDeal(ctx.member, deal) || (event.actorId === ctx.member.id && ctx.member.canWrite);
  if (!mayUndo) return { status: 'forbidden' };

  const [prior] = await tx
    .select({ id: dealEvents.id })
    .from(dealEvents)
    .where(
      and(eq(dealEvents.workspaceId, ctx.workspace.id), eq(dealEvents.revertsEventId, event.id)),
    )
    .limit(1);
  if (prior) return { status: 'already_undone' };

  const patch: Record<string, unknown> = {};
  const diff: DealDiff = {};
  const skipped: string[] = [];

  if (event.kind === 'create') {
    // Undoing a creation hides the deal, but only if nothing happened to it since.
    if (deal.version !== event.version) return { status: 'conflict', fields: ['deal'] };
    patch.status = 'void';
    diff.status = { before: deal.status, after: 'void' };
  } else {
    for (const [field, change] of Object.entries(event.diff)) {
      if (!RESTORABLE.has(field)) continue;
      const current = (deal as Record<string, unknown>)[field];
      if (asJson(current) !== asJson(change.after)) {
        skipped.push(field);
        continue;
      }
      const restored =
        TIMESTAMP_FIELDS.has(field) && change.before
          ? new Date(String(change.before))
          : change.before;
      patch[field] = restored;
      diff[field] = { before: change.after, after: change.before };
    }
  }
  const hasEffects = Object.values(event.effects ?? {}).some(
    (v) => Array.isArray(v) && v.length > 0,
  );
  if (Object.keys(diff).length === 0 && !hasEffects) {
    return skipped.length ? { status: 'conflict', fields: skipped } : { status: 'nothing_to_undo' };
  }

  const [updated] = await tx
    .update(deals)
    .set({ ...(patch as Partial<Deal>), version: sql`${deals.version} + 1` })
    .where(
      and(
        eq(deals.id, deal.id),
        eq(deals.workspaceId, deal.workspaceId),
        eq(deals.version, deal.version),
      ),
    )
    .returning();
  if (!updated) throw new ConflictError('deal changed during undo');

  const effects = await revertEffects(tx, ctx.workspace.id, event.effects ?? {});
  if (event.diff.contacts) diff.contacts = { before: event.diff.contacts.after, after: null };

  const [undo] = await tx
    .insert(dealEvents)
    .values({
      workspaceId: ctx.workspace.id,
      dealId: deal.id,
      actorId: ctx.member.id,
      kind: 'undo',
      diff,
      fromStage: diff.stage ? deal.stage : null,
      toStage: diff.stage ? updated.stage : null,
      inboxId: ctx.inboxId ?? null,
      revertsEventId: event.id,
      effects,
      version: updated.version,
      createdAt: ctx.now,
    })
    .returning();
  if (!undo) throw new Error('undo event insert returned no row');
  return { status: 'undone', deal: updated, event: undo, diff, skipped };
}

/** Revert an event's side effects; returns them as the undo event's own effects. */
async function revertEffects(
  tx: Tx,
  workspaceId: string,
  effects: EventEffects,
): Promise<EventEffects> {
  const out: EventEffects = {};
  if (effects.followupsCreated?.length) {
    const rows = await tx
      .update(followups)
      .set({ status: 'cancelled' })
      .where(
        and(
          eq(followups.workspaceId, workspaceId),
          inArray(followups.id, effects.followupsCreated),
          inArray(followups.status, ['open', 'snoozed']),
        ),
      )
      .returning({ id: followups.id });
    if (rows.length) out.followupsCancelled = rows.map((r) => r.id);
  }
  if (effects.followupsCancelled?.length) {
    const rows = await tx
      .update(followups)
      .set({ status: 'open' })
      .where(
        and(
          eq(followups.workspaceId, workspaceId),
          inArray(followups.id, effects.followupsCancelled),
          eq(followups.status, 'cancelled'),
        ),
      )
      .returning({ id: followups.id });
    if (rows.length) out.followupsCreated = rows.map((r) => r.id);
  }
  if (effects.followupsChanged?.length) {
    for (const f of effects.followupsChanged) {
      await tx
        .update(followups)
        .set({ status: f.status as 'open', snoozedUntil: f.snoozedUntil, doneAt: null })
        .where(and(eq(followups.workspaceId, workspaceId), eq(followups.id, f.id)));
    }
  }
  if (effects.contactsAdded?.length) {
    await tx
      .delete(contacts)
      .where(
        and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, effects.contactsAdded)),
      );
  }
  return out;
}

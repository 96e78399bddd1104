/**
 * Button presses. The payload only says which object is meant; every handler
 * re-checks the workspace and the member's rights, so a forged payload can
 * neither reach another workspace nor change a deal its sender may not edit.
 */
import { and, eq, sql } from 'drizzle-orm';
import { accounts, deals, type InboxRow, inbox } from '../db/schema.ts';
import { addDays } from '../lib/time.ts';
import { applyUpdate, findDeal } from '../pipeline/deals.ts';
import { actOnFollowup } from '../pipeline/followups.ts';
import { finishInbox } from '../pipeline/inbox.ts';
import { snoozeDealNudge } from '../pipeline/nudgeState.ts';
import { canEditDeal, canSeeDeal, isManager } from '../pipeline/permissions.ts';
import { undoEvent } from '../pipeline/undo.ts';
import { dealView } from '../pipeline/views.ts';
import { emptyUpdate } from '../understand/extraction.ts';
import type { AssistantDeps, Session } from './context.ts';
import { type EditForm, editForm } from './edit.ts';
import { formatDate } from './format.ts';
import { redrawNudge } from './nudgeReply.ts';
import { parsePayload } from './payloads.ts';
import { dealCard } from './replies.ts';
import type { Reply } from './types.ts';
import { undoReply } from './undoReply.ts';
import { optionToApply, type PendingState, runUpdates, storable } from './updates.ts';

export interface ActionResult {
  replies: Reply[];
  /** Set for Edit: the adapter opens it as a modal. */
  form?: EditForm;
  /** The action changed what the message with the button shows (undo, done, snooze). */
  changed?: boolean;
}

export async function handleAction(
  deps: AssistantDeps,
  session: Session,
  raw: string,
): Promise<ActionResult> {
  const { t, locale } = session;
  const warn = (s: string): ActionResult => ({
    replies: [{ kind: 'text', locale, text: s, tone: 'warning', ephemeral: true }],
  });
  const payload = parsePayload(raw);
  if (!payload) return warn(t.badAction);

  switch (payload.type) {
    case 'undo': {
      const outcome = await undoEvent(deps.db, session, payload.eventId);
      if (outcome.status === 'undone') deps.onChange?.(session);
      return {
        replies: [await undoReply(deps, session, outcome)],
        changed: outcome.status === 'undone',
      };
    }
    case 'edit': {
      const form = await editForm(deps, session, payload.dealId);
      return 'fields' in form ? { replies: [], form } : { replies: [form] };
    }
    case 'deal': {
      const deal = await findDeal(deps.db, session.workspace.id, payload.dealId);
      if (!deal || deal.status === 'void' || !canSeeDeal(session.member, session.workspace, deal))
        return warn(t.notFound);
      const view = await dealView(deps.db, session.workspace.id, deal);
      return {
        replies: [
          {
            kind: 'deal',
            locale,
            card: dealCard(session, view, canEditDeal(session.member, deal)),
          },
        ],
      };
    }
    case 'log': {
      const deal = await findDeal(deps.db, session.workspace.id, payload.dealId);
      if (!deal || !canEditDeal(session.member, deal)) return warn(t.notFound);
      const name = await accountName(deps, session, deal.id);
      const text =
        locale === 'zh-CN'
          ? `${name} 有什么进展?直接回复告诉我。`
          : `What happened with ${name}? Just tell me here.`;
      return { replies: [{ kind: 'text', locale, text }] };
    }
    case 'fu_done':
    case 'fu_snooze': {
      const outcome = await actOnFollowup(
        deps.db,
        session,
        payload.followupId,
        payload.type === 'fu_done' ? { kind: 'done' } : { kind: 'snooze', days: payload.days },
      );
      if (outcome.status === 'not_found') return warn(t.notFound);
      if (outcome.status === 'forbidden') return warn(t.forbidden);
      if (outcome.status === 'ok') deps.onChange?.(session);
      const f = outcome.followup;
      const text =
        f.status === 'done'
          ? t.nudge.doneText(f.text)
          : t.nudge.snoozedText(f.text, formatDate(f.snoozedUntil ?? '', locale, session.today));
      return afterNudgeAction(deps, session, text, outcome.status === 'ok');
    }
    case 'dn_snooze': {
      const outcome = await snoozeDealNudge(deps.db, session, payload.dealId, payload.days);
      if (outcome.status === 'not_found') return warn(t.notFound);
      if (outcome.status === 'forbidden') return warn(t.forbidden);
      const name = await accountName(deps, session, payload.dealId);
      const text = t.nudge.snoozedText(name, formatDate(outcome.until, locale, session.today));
      return afterNudgeAction(deps, session, text, true);
    }
    case 'dn_push': {
      const deal = await findDeal(deps.db, session.workspace.id, payload.dealId);
      if (!deal) return warn(t.notFound);
      if (!canEditDeal(session.member, deal)) return warn(t.forbidden);
      if (deal.status !== 'open') return warn(t.notFound);
      const from =
        deal.closeDate && deal.closeDate > session.today ? deal.closeDate : session.today;
      const closeDate = addDays(from, payload.days);
      const outcome = await applyUpdate(
        deps.db,
        { workspace: session.workspace, member: session.member, now: session.now },
        { ...emptyUpdate(null), closeDate },
        { dealId: deal.id },
      );
      if (outcome.status !== 'applied') return warn(t.conflict);
      deps.onChange?.(session);
      const text = t.nudge.pushedText(
        outcome.account.name,
        formatDate(closeDate, locale, session.today),
      );
      return afterNudgeAction(deps, session, text, true);
    }
    case 'pick':
      return pick(deps, session, payload.inboxId, payload.option);
  }
}

/**
 * The answer to a nudge button: the whole nudge redrawn when the button was
 * on one (the adapter puts it in place of the message), else a short line.
 */
async function afterNudgeAction(
  deps: AssistantDeps,
  session: Session,
  text: string,
  changed: boolean,
): Promise<ActionResult> {
  const redrawn = await redrawNudge(deps, session);
  if (redrawn) return { replies: [redrawn], changed: true };
  return { replies: [{ kind: 'text', locale: session.locale, text, tone: 'success' }], changed };
}

async function accountName(deps: AssistantDeps, session: Session, dealId: string): Promise<string> {
  const [row] = await deps.db
    .select({ name: accounts.name })
    .from(deals)
    .innerJoin(accounts, eq(accounts.id, deals.accountId))
    .where(and(eq(deals.workspaceId, session.workspace.id), eq(deals.id, dealId)))
    .limit(1);
  return row?.name ?? '';
}

/** Continue a message that was waiting for the user to choose an account or deal. */
async function pick(
  deps: AssistantDeps,
  session: Session,
  inboxId: string,
  option: number,
): Promise<ActionResult> {
  const { t, locale } = session;
  const warn = (s: string): ActionResult => ({
    replies: [{ kind: 'text', locale, text: s, tone: 'warning', ephemeral: true }],
  });
  const [row] = await deps.db
    .select()
    .from(inbox)
    .where(and(eq(inbox.workspaceId, session.workspace.id), eq(inbox.id, inboxId)))
    .limit(1);
  if (!row) return warn(t.choiceExpired);
  if (row.memberId !== session.member.id && !isManager(session.member))
    return warn(t.choiceNotYours);
  const pending = row.pending as PendingState | null;
  const chosen = pending?.options[option];
  if (row.status !== 'needs_input' || !pending || !chosen) return warn(t.choiceExpired);

  // Claim the row so that a double click continues the message only once.
  const claimed: InboxRow[] = await deps.db
    .update(inbox)
    .set({ status: 'processing', attempts: sql`${inbox.attempts} + 1` })
    .where(and(eq(inbox.id, row.id), eq(inbox.status, 'needs_input')))
    .returning();
  if (!claimed[0]) return warn(t.choiceExpired);

  // Continue where the message stopped, recording progress with each change.
  const previous = Array.isArray(row.replies) ? (row.replies as Reply[]) : [];
  const run = await runUpdates(deps, session, {
    inboxId: row.id,
    updates: pending.updates,
    start: pending.index,
    firstOptions: optionToApply(chosen),
    contextDealId: pending.contextDealId,
    degraded: pending.degraded,
    previous,
  });
  if (run.pending || !run.finished) {
    await finishInbox(deps.db, row.id, run.pending ? 'needs_input' : 'processed', {
      pending: run.pending,
      replies: storable([...previous, ...run.replies]),
      now: session.now,
    });
  }
  if (run.written.length) deps.onChange?.(session);
  return { replies: run.replies, changed: true };
}

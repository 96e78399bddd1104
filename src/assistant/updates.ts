/**
 * Applying a message's updates one by one. Each change commits together with
 * the message's progress in its inbox row (how far it got, the replies so
 * far), so after a crash the message resumes where it stopped and no update
 * is applied twice. When one needs the user to choose (which account, which
 * deal), the rest wait in the row's `pending` state until the choice arrives.
 */
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { type Account, type Deal, members } from '../db/schema.ts';
import {
  type AppliedOutcome,
  type ApplyOptions,
  type ApplyOutcome,
  applyUpdate,
} from '../pipeline/deals.ts';
import type { DealUpdate } from '../understand/extraction.ts';
import type { AssistantDeps, Session } from './context.ts';
import { formatMoney, stageLabel } from './format.ts';
import type { WrittenDeal } from './hintCache.ts';
import { encodePayload } from './payloads.ts';
import { changeReply } from './replies.ts';
import type { Reply } from './types.ts';

export type PendingOption =
  | { accountId: string }
  | { newAccount: true }
  | { dealId: string }
  | { newDeal: true; accountId: string };

/** Stored in `inbox.pending`: where a message stands while it is being applied or awaits a choice. */
export interface PendingState {
  updates: DealUpdate[];
  /** The next update to apply (or the one waiting for a choice). */
  index: number;
  /** Non-empty when waiting for the user to choose. */
  options: PendingOption[];
  contextDealId: string | null;
  degraded: string | null;
}

export interface RunInput {
  inboxId: string | null;
  updates: DealUpdate[];
  start: number;
  firstOptions: ApplyOptions;
  contextDealId: string | null;
  /** A note to append after the last reply (e.g. the AI was unavailable). */
  degraded: string | null;
  /** Replies already given for this message (a resumed or continued message). */
  previous: Reply[];
}

export interface RunResult {
  /** Replies of this run (not including `previous`). */
  replies: Reply[];
  pending: PendingState | null;
  /** Deals written by this run, as they now stand, in the order written. */
  written: WrittenDeal[];
  /** True when the last write also marked the inbox row processed (no further write needed). */
  finished: boolean;
}

/** Replies as stored with the inbox row; images stay out of the database. */
export function storable(replies: Reply[]): unknown {
  return replies.map((r) =>
    r.kind === 'image' ? { kind: 'image', title: r.title, alt: r.alt, locale: r.locale } : r,
  );
}

export async function runUpdates(
  deps: AssistantDeps,
  session: Session,
  input: RunInput,
): Promise<RunResult> {
  const { updates, inboxId, degraded } = input;
  const replies: Reply[] = [];
  const written: WrittenDeal[] = [];
  const base = { workspace: session.workspace, member: session.member, now: session.now, inboxId };
  const note: Reply[] = degraded
    ? [{ kind: 'text', locale: session.locale, text: degraded, tone: 'info' }]
    : [];
  let finished = false;

  for (let i = input.start; i < updates.length; i++) {
    const update = updates[i] as DealUpdate;
    const options: ApplyOptions = i === input.start ? { ...input.firstOptions } : {};
    if (input.contextDealId) options.contextDealId = input.contextDealId;
    const last = i === updates.length - 1;
    let applied: Reply | null = null;
    if (inboxId) {
      // Inside the change's transaction: any lookup must use its executor (PGlite has one connection).
      options.inbox = async (outcome, db) => {
        applied = await appliedReply(db, session, outcome);
        const soFar = [...input.previous, ...replies, applied, ...(last ? note : [])];
        return {
          id: inboxId,
          status: last ? ('processed' as const) : ('processing' as const),
          pending: last
            ? null
            : ({
                updates,
                index: i + 1,
                options: [],
                contextDealId: input.contextDealId,
                degraded,
              } satisfies PendingState),
          replies: storable(soFar),
        };
      };
    }
    const outcome = await applyUpdate(deps.db, base, update, options);
    if (outcome.status === 'applied') {
      const { id, stage, status, ownerId } = outcome.deal;
      written.push({ id, stage, status, ownerId, account: outcome.account.name });
      replies.push(applied ?? (await appliedReply(deps.db, session, outcome)));
      finished = last && inboxId !== null;
      continue;
    }
    const step = await replyFor(deps, session, outcome, inboxId, update);
    replies.push(...step.replies);
    finished = false;
    if (step.options) {
      return {
        replies,
        pending: {
          updates,
          index: i,
          options: step.options,
          contextDealId: input.contextDealId,
          degraded,
        },
        written,
        finished: false,
      };
    }
    if (outcome.status === 'not_allowed' && outcome.reason === 'read_only') break;
  }
  return { replies: [...replies, ...note], pending: null, written, finished };
}

async function ownerName(db: Executor, session: Session, ownerId: string): Promise<string> {
  if (ownerId === session.member.id) return session.member.displayName;
  const [row] = await db
    .select({ name: members.displayName })
    .from(members)
    .where(and(eq(members.workspaceId, session.workspace.id), eq(members.id, ownerId)));
  return row?.name ?? '';
}

async function appliedReply(
  db: Executor,
  session: Session,
  outcome: AppliedOutcome,
): Promise<Reply> {
  return changeReply(session, {
    dealId: outcome.deal.id,
    eventId: outcome.event.id,
    account: outcome.account.name,
    stage: outcome.deal.stage,
    owner: await ownerName(db, session, outcome.deal.ownerId),
    created: outcome.created,
    diff: outcome.diff,
    currency: outcome.deal.currency,
    notes: outcome.notes,
  });
}

function dealLabel(session: Session, deal: Deal): string {
  const parts = [deal.title, stageLabel(session.template, deal.stage, session.locale)];
  if (deal.amount !== null && deal.currency)
    parts.push(formatMoney(deal.amount, deal.currency, session.locale));
  return parts.join(' · ');
}

async function replyFor(
  deps: AssistantDeps,
  session: Session,
  outcome: Exclude<ApplyOutcome, AppliedOutcome>,
  inboxId: string | null,
  update: DealUpdate,
): Promise<{ replies: Reply[]; options?: PendingOption[] }> {
  const { t, locale } = session;
  const text = (s: string, tone: 'info' | 'warning' | 'error' = 'info'): Reply => ({
    kind: 'text',
    locale,
    text: s,
    tone,
  });
  const pick = (n: number) => (inboxId ? encodePayload({ type: 'pick', inboxId, option: n }) : '');
  switch (outcome.status) {
    case 'ambiguous_account': {
      const options: PendingOption[] = [
        ...outcome.candidates.map((a: Account) => ({ accountId: a.id })),
        { newAccount: true as const },
      ];
      return {
        replies: [
          {
            kind: 'choice',
            locale,
            text: t.ambiguousAccount(outcome.name),
            options: [
              ...outcome.candidates.map((a, n) => ({ label: a.name, payload: pick(n) })),
              { label: t.newAccountOption(outcome.name), payload: pick(outcome.candidates.length) },
            ],
          },
        ],
        options,
      };
    }
    case 'ambiguous_deal': {
      const options: PendingOption[] = [
        ...outcome.deals.map((d) => ({ dealId: d.id })),
        { newDeal: true as const, accountId: outcome.account.id },
      ];
      return {
        replies: [
          {
            kind: 'choice',
            locale,
            text: t.ambiguousDeal(outcome.account.name),
            options: [
              ...outcome.deals.map((d, n) => ({ label: dealLabel(session, d), payload: pick(n) })),
              { label: t.buttons.newDeal, payload: pick(outcome.deals.length) },
            ],
          },
        ],
        options,
      };
    }
    case 'not_allowed': {
      if (outcome.reason === 'read_only') return { replies: [text(t.readOnly, 'warning')] };
      const owner = outcome.deal ? await ownerName(deps.db, session, outcome.deal.ownerId) : '';
      const account = outcome.account?.name ?? update.account ?? '';
      if (!outcome.account || !inboxId)
        return { replies: [text(t.teammateDeal(account, owner), 'warning')] };
      return {
        replies: [
          {
            kind: 'choice',
            locale,
            text: t.teammateDeal(account, owner),
            options: [{ label: t.buttons.openOwn, payload: pick(0) }],
          },
        ],
        options: [{ newDeal: true, accountId: outcome.account.id }],
      };
    }
    case 'no_account':
      return { replies: [text(t.noAccount)] };
    case 'not_found':
      return { replies: [text(t.notFound, 'warning')] };
    case 'conflict':
      return { replies: [text(t.conflict, 'warning')] };
  }
}

export function optionToApply(option: PendingOption): ApplyOptions {
  if ('newDeal' in option) return { accountId: option.accountId, newDeal: true };
  if ('newAccount' in option) return { newAccount: true };
  if ('dealId' in option) return { dealId: option.dealId };
  return { accountId: option.accountId };
}

/**
 * The conversation core. Platform-agnostic: adapters hand it incoming
 * messages, button payloads and commands, and render the neutral replies it
 * returns. Every message is stored in the inbox before anything else happens.
 */
import { and, eq, ne } from 'drizzle-orm';
import {
  dealEvents,
  type InboxRow,
  inbox,
  type Member,
  members,
  outbound,
  type Platform,
  type Workspace,
  watchedChannels,
  workspaces,
} from '../db/schema.ts';
import { errorMessage } from '../errors.ts';
import { recentAccountNames } from '../pipeline/accounts.ts';
import {
  claimInbox,
  failedInbox,
  findInbox,
  finishInbox,
  getInbox,
  storeIncoming,
  unfinishedInbox,
} from '../pipeline/inbox.ts';
import { undoEvent } from '../pipeline/undo.ts';
import { hasDealContent } from '../pipeline/update.ts';
import { dealForMessage, memberOpenDeals } from '../pipeline/views.ts';
import { ensureMember, ensureWorkspace } from '../pipeline/workspaces.ts';
import type { ExtractContext, ExtractResult } from '../understand/extraction.ts';
import { type ActionResult, handleAction } from './actions.ts';
import { parseCommand, runCommand } from './commands.ts';
import { type AssistantDeps, resolveActor, type Session, sessionFor } from './context.ts';
import { type EditForm, type EditValues, editForm, submitEdit } from './edit.ts';
import { homeReplies } from './home.ts';
import { messages } from './i18n/index.ts';
import type { Actor, HandleResult, IncomingMessage, ReceiveResult, Reply } from './types.ts';
import { type PendingState, runUpdates } from './updates.ts';

/** Extractors see at most this much of a message; the whole text stays in the inbox. */
export const MAX_EXTRACT_CHARS = 4000;

export interface ProcessResult {
  /** False when another worker already took (or finished) this row: do not answer. */
  claimed: boolean;
  replies: Reply[];
  status: InboxRow['status'];
}

export interface Assistant {
  receive(incoming: IncomingMessage): Promise<ReceiveResult>;
  process(inboxId: string): Promise<ProcessResult>;
  handleMessage(incoming: IncomingMessage): Promise<HandleResult>;
  handleEdited(incoming: IncomingMessage): Promise<Reply[]>;
  handleAction(actor: Actor, payload: string): Promise<ActionResult>;
  runCommand(actor: Actor, text: string): Promise<Reply[]>;
  editForm(actor: Actor, dealId: string): Promise<EditForm | Reply>;
  submitEdit(
    actor: Actor,
    dealId: string,
    version: number,
    values: EditValues,
  ): ReturnType<typeof submitEdit>;
  isWatched(actor: Pick<Actor, 'platform' | 'workspace'>, channel: string): Promise<boolean>;
  /**
   * Whether a thread started at `messageId` is one the bot takes part in: its
   * first message was stored (a mention, a DM) or is a post of the bot's.
   * Replies there are read even where the channel is not watched.
   */
  followsThread(
    actor: Pick<Actor, 'platform' | 'workspace'>,
    channel: string,
    messageId: string,
  ): Promise<boolean>;
  /**
   * Record who someone is (name, timezone, guest or not) before their stored
   * message is processed; returns their workspace and member rows.
   */
  identify(actor: Actor): Promise<{ workspace: Workspace; member: Member }>;
  /** The member's overview for a home surface: open deals by stage, follow-ups, team totals. */
  home(actor: Actor): Promise<Reply[]>;
  /**
   * Inbox rows stored but never processed (a crash): process them now, oldest
   * first; `platform` limits it to the rows an adapter can answer.
   */
  recover(limit?: number, platform?: Platform): Promise<{ row: InboxRow; result: ProcessResult }[]>;
  retryFailed(workspaceId: string | null): Promise<{ row: InboxRow; result: ProcessResult }[]>;
  readonly deps: AssistantDeps;
}

export function createAssistant(deps: AssistantDeps): Assistant {
  const now = () => deps.now?.() ?? new Date();
  const log = deps.logger;

  async function receive(incoming: IncomingMessage): Promise<ReceiveResult> {
    const workspace = await ensureWorkspace(
      deps.db,
      { platform: incoming.platform, ...incoming.workspace },
      deps.defaults,
    );
    const member = await ensureMember(deps.db, workspace, incoming.sender);
    const { row, duplicate } = await storeIncoming(deps.db, {
      platform: incoming.platform,
      channel: incoming.channel,
      messageId: incoming.messageId,
      workspaceId: workspace.id,
      memberId: member.id,
      text: incoming.text,
      replyTo: incoming.replyTo ?? null,
      receivedAt: incoming.sentAt,
      meta: incoming.meta,
    });
    return { inboxId: row.id, duplicate, status: row.status };
  }

  async function extractFor(session: Session, text: string): Promise<ExtractResult> {
    const [knownAccounts, openDeals] = await Promise.all([
      recentAccountNames(deps.db, session.workspace.id),
      memberOpenDeals(deps.db, session.workspace.id, session.member.id),
    ]);
    const ctx: ExtractContext = {
      now: session.now,
      timezone: session.timezone,
      currency: session.workspace.currency,
      locale: session.locale,
      template: session.template,
      knownAccounts,
      openDeals,
    };
    return deps.extractor.extract(text.slice(0, MAX_EXTRACT_CHARS), ctx);
  }

  async function sessionOfRow(row: InboxRow): Promise<Session> {
    const [ws] = await deps.db.select().from(workspaces).where(eq(workspaces.id, row.workspaceId));
    const [m] = row.memberId
      ? await deps.db
          .select()
          .from(members)
          .where(and(eq(members.workspaceId, row.workspaceId), eq(members.id, row.memberId)))
      : [];
    if (!ws || !m) throw new Error(`inbox ${row.id} has no workspace or member`);
    const session = sessionFor(ws, m, now(), row.text);
    session.channel = row.channel;
    return session;
  }

  /** The core of one message: command, question, chit-chat or updates. */
  async function interpret(
    session: Session,
    row: InboxRow,
  ): Promise<{ replies: Reply[]; pending: PendingState | null }> {
    const { t, locale } = session;
    const command = parseCommand(row.text);
    if (command) return { replies: await runCommand(deps, session, command), pending: null };

    const result = await extractFor(session, row.text);
    const degraded = result.degraded ? t.aiUnavailable : null;
    const withNote = (replies: Reply[]): Reply[] =>
      degraded ? [...replies, { kind: 'text', locale, text: degraded, tone: 'info' }] : replies;

    const { intent, updates } = result.extraction;
    if (intent === 'question') {
      const replies = deps.answerer
        ? await deps.answerer.answer(row.text, session)
        : [
            {
              kind: 'help' as const,
              locale,
              title: t.questionFallback.title,
              sections: [{ heading: '', lines: t.questionFallback.lines }],
            },
          ];
      return { replies: withNote(replies), pending: null };
    }
    const meaningful = updates.filter((u) => hasDealContent(u) || u.account);
    if (intent === 'other' || meaningful.length === 0) {
      const text = intent === 'other' ? t.chitchat : t.noContent;
      return { replies: withNote([{ kind: 'text', locale, text }]), pending: null };
    }
    const contextDealId = row.replyTo
      ? await dealForMessage(deps.db, session.workspace.id, row.platform, row.channel, row.replyTo)
      : null;
    const run = await runUpdates(deps, session, row.id, meaningful, 0, {}, contextDealId, degraded);
    if (run.changedDeals.length) deps.onChange?.(session);
    return { replies: run.pending ? run.replies : withNote(run.replies), pending: run.pending };
  }

  async function process(
    inboxId: string,
    options: { retryFailed?: boolean } = {},
  ): Promise<ProcessResult> {
    const row = await claimInbox(deps.db, inboxId, now(), options);
    if (!row) return { claimed: false, replies: [], status: 'processed' };
    let session: Session | undefined;
    try {
      session = await sessionOfRow(row);
      const { replies, pending } = await interpret(session, row);
      const status = pending ? 'needs_input' : 'processed';
      await finishInbox(deps.db, row.id, status, {
        pending,
        replies: serializable(replies),
        now: now(),
      });
      return { claimed: true, replies, status };
    } catch (err) {
      log.error(
        { err, inboxId: row.id, workspaceId: row.workspaceId },
        'processing a message failed',
      );
      await finishInbox(deps.db, row.id, 'failed', {
        error: errorMessage(err).slice(0, 1000),
        now: now(),
      }).catch((e) => log.error({ err: e, inboxId: row.id }, 'could not mark the message failed'));
      const locale = session?.locale ?? 'en';
      const t = session?.t ?? messages(locale);
      return {
        claimed: true,
        replies: [{ kind: 'text', locale, text: t.failed, tone: 'error' }],
        status: 'failed',
      };
    }
  }

  async function handleMessage(incoming: IncomingMessage): Promise<HandleResult> {
    const received = await receive(incoming);
    if (received.duplicate) return { ...received, replies: [] };
    const result = await process(received.inboxId);
    return { ...received, status: result.status, replies: result.claimed ? result.replies : [] };
  }

  async function handleEdited(incoming: IncomingMessage): Promise<Reply[]> {
    const row = await findInbox(deps.db, incoming);
    if (!row) return [];
    const session = await resolveActor(deps, incoming, incoming.text);
    if (row.memberId !== session.member.id || row.workspaceId !== session.workspace.id) return [];
    const windowMs = (deps.editWindowMinutes ?? 10) * 60_000;
    const events = await deps.db
      .select()
      .from(dealEvents)
      .where(
        and(
          eq(dealEvents.workspaceId, session.workspace.id),
          eq(dealEvents.inboxId, row.id),
          ne(dealEvents.kind, 'undo'),
        ),
      );
    if (session.now.getTime() - row.receivedAt.getTime() > windowMs) {
      return events.length
        ? [{ kind: 'text', locale: session.locale, text: session.t.editTooLate }]
        : [];
    }
    // Take back what the first reading did, newest first, then read the new text.
    for (const e of events.sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.version - a.version,
    )) {
      await undoEvent(deps.db, { ...session, inboxId: row.id }, e.id);
    }
    await deps.db
      .update(inbox)
      .set({
        text: incoming.text,
        status: 'received',
        pending: null,
        meta: { ...row.meta, edited: true },
      })
      .where(eq(inbox.id, row.id));
    const result = await process(row.id);
    return result.replies;
  }

  async function isWatched(
    actor: Pick<Actor, 'platform' | 'workspace'>,
    channel: string,
  ): Promise<boolean> {
    const rows = await deps.db
      .select({ channel: watchedChannels.channel })
      .from(watchedChannels)
      .innerJoin(workspaces, eq(workspaces.id, watchedChannels.workspaceId))
      .where(
        and(
          eq(workspaces.platform, actor.platform),
          eq(workspaces.externalId, actor.workspace.externalId),
          eq(watchedChannels.channel, channel),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  async function followsThread(
    actor: Pick<Actor, 'platform' | 'workspace'>,
    channel: string,
    messageId: string,
  ): Promise<boolean> {
    const inWorkspace = and(
      eq(workspaces.platform, actor.platform),
      eq(workspaces.externalId, actor.workspace.externalId),
    );
    const stored = await deps.db
      .select({ id: inbox.id })
      .from(inbox)
      .innerJoin(workspaces, eq(workspaces.id, inbox.workspaceId))
      .where(
        and(
          inWorkspace,
          eq(inbox.platform, actor.platform),
          eq(inbox.channel, channel),
          eq(inbox.messageId, messageId),
        ),
      )
      .limit(1);
    if (stored.length) return true;
    const posted = await deps.db
      .select({ id: outbound.id })
      .from(outbound)
      .innerJoin(workspaces, eq(workspaces.id, outbound.workspaceId))
      .where(
        and(
          inWorkspace,
          eq(outbound.platform, actor.platform),
          eq(outbound.channel, channel),
          eq(outbound.messageId, messageId),
        ),
      )
      .limit(1);
    return posted.length > 0;
  }

  async function recover(limit = 100, platform?: Platform) {
    const rows = await unfinishedInbox(deps.db, now(), limit, platform);
    const out: { row: InboxRow; result: ProcessResult }[] = [];
    for (const row of rows) out.push({ row, result: await process(row.id) });
    return out;
  }

  async function retryFailed(workspaceId: string | null) {
    const rows = await failedInbox(deps.db, workspaceId);
    const out: { row: InboxRow; result: ProcessResult }[] = [];
    for (const row of rows) out.push({ row, result: await process(row.id, { retryFailed: true }) });
    return out;
  }

  return {
    deps,
    receive,
    process: (id) => process(id),
    handleMessage,
    handleEdited,
    handleAction: async (actor, payload) =>
      handleAction(deps, await resolveActor(deps, actor, null), payload),
    runCommand: async (actor, text) => {
      const session = await resolveActor(deps, actor, text);
      const command = parseCommand(text) ?? { name: 'help' as const, args: '' };
      return runCommand(deps, session, command);
    },
    editForm: async (actor, dealId) =>
      editForm(deps, await resolveActor(deps, actor, null), dealId),
    submitEdit: async (actor, dealId, version, values) =>
      submitEdit(deps, await resolveActor(deps, actor, null), dealId, version, values),
    isWatched,
    followsThread,
    identify: async (actor) => {
      const session = await resolveActor(deps, actor, null);
      return { workspace: session.workspace, member: session.member };
    },
    home: async (actor) => homeReplies(deps, await resolveActor(deps, actor, null)),
    recover,
    retryFailed,
  };
}

/** Replies are stored with the inbox row; images are kept out of the database. */
function serializable(replies: Reply[]): unknown {
  return replies.map((r) =>
    r.kind === 'image' ? { kind: 'image', title: r.title, alt: r.alt, locale: r.locale } : r,
  );
}

export { getInbox };

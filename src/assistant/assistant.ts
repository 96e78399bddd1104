/**
 * The conversation core. Platform-agnostic: adapters hand it incoming
 * messages, button payloads and commands, and render the neutral replies it
 * returns. Every message is stored in the inbox before anything else happens.
 */
import { and, eq, ne } from 'drizzle-orm';
import { hasPgCode, withReconnect } from '../db/connect.ts';
import {
  dealEvents,
  type InboxRow,
  inbox,
  type Member,
  outbound,
  type Platform,
  type Workspace,
  watchedChannels,
  workspaces,
} from '../db/schema.ts';
import { errorMessage } from '../errors.ts';
import { storableText } from '../lib/text.ts';
import { metrics } from '../ops/metrics.ts';
import { type AccountRead, readAccountAhead } from '../pipeline/deals.ts';
import {
  claimWithSession,
  failedInbox,
  findInbox,
  finishInbox,
  getInbox,
  ingestIncoming,
  storeIncoming,
  storeKnownSender,
  unansweredInbox,
  unfinishedInbox,
} from '../pipeline/inbox.ts';
import { normalizeAccountName } from '../pipeline/names.ts';
import { undoEvent } from '../pipeline/undo.ts';
import { hasDealContent } from '../pipeline/update.ts';
import { dealForMessage, type ExtractionHints, extractionContext } from '../pipeline/views.ts';
import { ensureMember, ensureWorkspace, refreshMember } from '../pipeline/workspaces.ts';
import { hasContactCue } from '../understand/cues.ts';
import type { ExtractContext, ExtractResult } from '../understand/extraction.ts';
import { type ActionResult, handleAction } from './actions.ts';
import { parseCommand, runCommand } from './commands.ts';
import { type AssistantDeps, resolveActor, type Session, sessionFor } from './context.ts';
import { type EditForm, type EditValues, editForm, submitEdit } from './edit.ts';
import { type Guess, HintCache } from './hintCache.ts';
import { homeReplies } from './home.ts';
import { degradedNote, messages } from './i18n/index.ts';
import { KnownSenders } from './knownSenders.ts';
import type { Actor, HandleResult, IncomingMessage, ReceiveResult, Reply } from './types.ts';
import { type PendingState, runUpdates, storable } from './updates.ts';

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
  /**
   * Messages processed in the last `withinMs` whose answer was never posted (a
   * crash between processing and posting), with the replies to post.
   */
  unanswered(platform: Platform, withinMs?: number): Promise<{ row: InboxRow; replies: Reply[] }[]>;
  retryFailed(workspaceId: string | null): Promise<{ row: InboxRow; result: ProcessResult }[]>;
  readonly deps: AssistantDeps;
}

/** Text from the platform, made storable (no NUL, no lone surrogates). */
function cleanActor<T extends Actor>(actor: T): T {
  return {
    ...actor,
    workspace: {
      ...actor.workspace,
      ...(actor.workspace.name ? { name: storableText(actor.workspace.name) } : {}),
    },
    sender: {
      ...actor.sender,
      ...(actor.sender.displayName ? { displayName: storableText(actor.sender.displayName) } : {}),
    },
  };
}

function cleanIncoming(incoming: IncomingMessage): IncomingMessage {
  return { ...cleanActor(incoming), text: storableText(incoming.text) };
}

/** A message read while it was being stored (see `guessAhead`): with what, and what came of it. */
interface Ahead extends Guess {
  text: string;
  result: ExtractResult;
  read: AccountRead | null;
}

/** The same row, field by field (rows come from the database as plain values: text, numbers, dates, JSON). */
function sameRow(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    const u = x[k];
    const v = y[k];
    if (u === v) continue;
    if (u instanceof Date && v instanceof Date) {
      if (u.getTime() !== v.getTime()) return false;
    } else if (u && v && typeof u === 'object' && typeof v === 'object') {
      if (JSON.stringify(u) !== JSON.stringify(v)) return false;
    } else return false;
  }
  return true;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createAssistant(deps: AssistantDeps): Assistant {
  const now = () => deps.now?.() ?? new Date();
  const log = deps.logger;

  // Longer than the slowest processing (an LLM call is capped at PIPEBOT_LLM_TIMEOUT_MS, 20 s by default),
  // so a live worker never loses its claim; a dead one's message is taken over after this.
  const LEASE_MS = 60_000;

  // What each message's extractor is told, kept between messages (see hintCache.ts).
  const hintCache = deps.hintCache ?? new HintCache();
  const knownSenders = new KnownSenders();
  /** After a command, a button or an edit (a rename, a merge, an undo): read the hints afresh. */
  const forgetHints = (actor: { platform: Platform; workspace: { externalId: string } }) =>
    hintCache.forget(
      HintCache.key({ platform: actor.platform, externalId: actor.workspace.externalId }),
    );

  /** The hints this process holds for a member, each part only if it was read for these rows. */
  function heldHints(workspace: Workspace, member: Member) {
    const key = HintCache.key(workspace);
    const names = hintCache.get(key);
    const open = hintCache.openDeals(key, member.externalId);
    return {
      key,
      names: names?.workspaceId === workspace.id ? names.names : undefined,
      open:
        open?.workspaceId === workspace.id && open.memberId === member.id ? open.deals : undefined,
    };
  }

  /** Keep the parts just read (those not held) and give the whole hints. */
  function keepHints(
    workspace: Workspace,
    member: Member,
    held: ReturnType<typeof heldHints>,
    read: ExtractionHints,
  ): ExtractionHints {
    if (!held.names) hintCache.set(held.key, workspace.id, read.knownAccounts);
    if (!held.open) hintCache.setOpenDeals(held.key, workspace.id, member, read.openDeals);
    return {
      knownAccounts: held.names ?? read.knownAccounts,
      openDeals: held.open ?? read.openDeals,
    };
  }

  /**
   * The extractor's hints for a message that did not bring them (processed
   * after its ack, recovered, retried): what this process holds, with the
   * rest read from the database and kept.
   */
  async function hintsFor(session: Session): Promise<ExtractionHints> {
    const { workspace, member } = session;
    const held = heldHints(workspace, member);
    if (held.names && held.open) return { knownAccounts: held.names, openDeals: held.open };
    const read = await extractionContext(deps.db, workspace.id, member.id, {
      known: !held.names,
      open: !held.open,
    });
    return keepHints(workspace, member, held, read);
  }

  /**
   * Store a message (and its workspace and member on first sight) in one
   * round trip; with `claim`, also take it for processing right away.
   */
  async function ingest(raw: IncomingMessage, claim: boolean) {
    const incoming = cleanIncoming(raw);
    const at = now();
    // Whether this process holds the hints decides what the ingest statement reads with them.
    const key = HintCache.key({
      platform: incoming.platform,
      externalId: incoming.workspace.externalId,
    });
    const namesHeld = claim && hintCache.get(key) !== undefined;
    const openHeld = claim && hintCache.openDeals(key, incoming.sender.externalId) !== undefined;
    const input = {
      platform: incoming.platform,
      workspace: incoming.workspace,
      defaults: deps.defaults,
      sender: incoming.sender,
      channel: incoming.channel,
      messageId: incoming.messageId,
      text: incoming.text,
      replyTo: incoming.replyTo ?? null,
      receivedAt: incoming.sentAt,
      meta: incoming.meta ?? {},
      claimUntil: claim ? new Date(at.getTime() + LEASE_MS) : null,
      withHints: claim,
      withKnown: !namesHeld,
      withOpen: !openHeld,
    };
    // Storing is idempotent (the inbox key), so a dead pooled connection is simply retried.
    const fast = await withReconnect(() => ingestIncoming(deps.db, input));
    if (fast) {
      // Keep what the platform tells us about the person current (name, timezone, rights).
      const member = await refreshMember(deps.db, fast.member, incoming.sender);
      let hints: ExtractionHints | undefined;
      if (fast.hints && !fast.duplicate) {
        const held = heldHints(fast.workspace, fast.member);
        // A part held before the statement but gone now (stale, or read for a replaced row)
        // was not read either: the message then reads what is missing itself.
        if ((!namesHeld || held.names) && (!openHeld || held.open)) {
          hints = keepHints(fast.workspace, fast.member, held, fast.hints);
          // The sender's next message can be read ahead with these rows (see guessAhead).
          hintCache.seen(held.key, fast.workspace, member);
        }
      }
      knownSenders.remember(incoming, { workspaceId: fast.workspace.id, member }, at.getTime());
      return { ...fast, member, hints };
    }
    // A concurrent first message created the workspace or member: take the slower, always-correct path.
    const workspace = await ensureWorkspace(
      deps.db,
      { platform: incoming.platform, ...incoming.workspace },
      deps.defaults,
    );
    const member = await ensureMember(deps.db, workspace, incoming.sender);
    const stored = await storeIncoming(deps.db, {
      ...input,
      workspaceId: workspace.id,
      memberId: member.id,
    });
    return { workspace, member, row: stored.row, duplicate: stored.duplicate };
  }

  async function receive(incoming: IncomingMessage): Promise<ReceiveResult> {
    const r = (await storeForKnown(incoming)) ?? (await ingest(incoming, false));
    metrics.messagesReceived.inc({ platform: incoming.platform, duplicate: String(r.duplicate) });
    return { inboxId: r.row.id, duplicate: r.duplicate, status: r.row.status };
  }

  /**
   * Store a message from a sender this process stored one for lately with a
   * plain insert (see `KnownSenders`); undefined when the usual path must
   * store it (the sender is not held, something about them changed, or their
   * rows are gone).
   */
  async function storeForKnown(raw: IncomingMessage) {
    const at = now().getTime();
    const known = knownSenders.lookup(raw, at);
    if (!known) return undefined;
    const incoming = cleanIncoming(raw);
    try {
      // Idempotent by the inbox key, so a dead pooled connection is simply retried.
      return await withReconnect(() =>
        storeKnownSender(deps.db, {
          platform: incoming.platform,
          channel: incoming.channel,
          messageId: incoming.messageId,
          workspaceId: known.workspaceId,
          memberId: known.member.id,
          text: incoming.text,
          replyTo: incoming.replyTo ?? null,
          receivedAt: incoming.sentAt,
          meta: incoming.meta ?? {},
        }),
      );
    } catch (err) {
      // The workspace or member was deleted since: store the usual way, which creates them anew.
      if (!hasPgCode(err, '23503')) throw err;
      knownSenders.forget(raw);
      return undefined;
    }
  }

  async function extractFor(
    session: Session,
    row: InboxRow,
    given?: ExtractionHints,
  ): Promise<ExtractResult> {
    return extractText(session, row.text, row.id, given ?? (await hintsFor(session)));
  }

  function extractText(
    session: Session,
    text: string,
    inboxId: string | undefined,
    { knownAccounts, openDeals }: ExtractionHints,
  ): Promise<ExtractResult> {
    const ctx: ExtractContext = {
      now: session.now,
      timezone: session.timezone,
      currency: session.workspace.currency,
      locale: session.locale,
      template: session.template,
      knownAccounts,
      openDeals,
      workspaceId: session.workspace.id,
      ...(inboxId ? { inboxId } : {}),
    };
    return deps.extractor.extract(text.slice(0, MAX_EXTRACT_CHARS), ctx);
  }

  /** The core of one message: command, question, chit-chat or updates. */
  async function interpret(
    session: Session,
    row: InboxRow,
    hints?: ExtractionHints,
    ahead?: Ahead,
  ): Promise<ProcessResult> {
    const { t, locale } = session;
    const finish = async (
      replies: Reply[],
      status: 'processed' | 'needs_input' = 'processed',
      pending: PendingState | null = null,
    ) => {
      await finishInbox(deps.db, row.id, status, {
        pending,
        replies: storable(replies),
        now: session.now,
      });
      return { claimed: true, replies, status };
    };

    // A message that stopped half-way (a crash between two of its updates) resumes where it was.
    const resumed = row.pending as PendingState | null;
    if (resumed && resumed.options.length === 0 && resumed.index > 0) {
      const previous = Array.isArray(row.replies) ? (row.replies as Reply[]) : [];
      return applyAll(
        session,
        row,
        resumed.updates,
        resumed.index,
        resumed.contextDealId,
        resumed.degraded,
        previous,
      );
    }

    const command = parseCommand(row.text);
    if (command) {
      const replies = await runCommand(deps, session, command);
      forgetHints(session);
      return finish(replies);
    }

    const given = hints ?? (await hintsFor(session));
    const result = ahead?.result ?? (await extractFor(session, row, given));
    const degraded = result.degraded ? degradedNote(t, result.degraded.reason) : null;
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
      return finish(withNote(replies));
    }
    // An update that only names a company counts when the company is known or the message reports contact.
    const isKnown = (account: string): boolean => {
      const key = normalizeAccountName(account);
      return (
        given.knownAccounts.some((n) => normalizeAccountName(n) === key) ||
        given.openDeals.some((d) => normalizeAccountName(d.account) === key)
      );
    };
    const contact = hasContactCue(row.text);
    const meaningful = updates.filter(
      (u) => hasDealContent(u) || (u.account !== null && (contact || isKnown(u.account))),
    );
    // "销售漏斗", "pipeline by rep": questions without a question mark the extractor took for updates.
    if (
      meaningful.length === 0 &&
      deps.answerer?.recognizes &&
      (await deps.answerer.recognizes(row.text, session))
    ) {
      return finish(withNote(await deps.answerer.answer(row.text, session)));
    }
    if (intent === 'other' || meaningful.length === 0) {
      return finish(
        withNote([{ kind: 'text', locale, text: intent === 'other' ? t.chitchat : t.noContent }]),
      );
    }
    const contextDealId = row.replyTo
      ? await dealForMessage(deps.db, session.workspace.id, row.platform, row.channel, row.replyTo)
      : null;
    return applyAll(session, row, meaningful, 0, contextDealId, degraded, [], ahead?.read);
  }

  async function applyAll(
    session: Session,
    row: InboxRow,
    updates: PendingState['updates'],
    start: number,
    contextDealId: string | null,
    degraded: string | null,
    previous: Reply[],
    read?: AccountRead | null,
  ): Promise<ProcessResult> {
    const run = await runUpdates(deps, session, {
      inboxId: row.id,
      updates,
      start,
      firstOptions: read ? { ahead: read } : {},
      contextDealId,
      degraded,
      previous,
    });
    if (run.written.length) {
      hintCache.written(HintCache.key(session.workspace), session.workspace.id, run.written);
      deps.onChange?.(session);
    }
    const replies = [...previous, ...run.replies];
    if (run.pending) {
      await finishInbox(deps.db, row.id, 'needs_input', {
        pending: run.pending,
        replies: storable(replies),
        now: session.now,
      });
      return { claimed: true, replies, status: 'needs_input' };
    }
    if (!run.finished) {
      await finishInbox(deps.db, row.id, 'processed', {
        replies: storable(replies),
        now: session.now,
      });
    }
    return { claimed: true, replies, status: 'processed' };
  }

  async function work(
    row: InboxRow,
    session: Session | undefined,
    hints?: ExtractionHints,
    ahead?: Ahead,
  ): Promise<ProcessResult> {
    const timer = metrics.processingSeconds.startTimer({ platform: row.platform });
    try {
      if (!session) throw new Error(`inbox ${row.id} has no workspace or member`);
      const result = await interpret(session, row, hints, ahead);
      metrics.messagesProcessed.inc({ platform: row.platform, outcome: result.status });
      timer();
      log.debug(
        { inboxId: row.id, workspaceId: row.workspaceId, status: result.status },
        'message processed',
      );
      return result;
    } catch (err) {
      metrics.messagesProcessed.inc({ platform: row.platform, outcome: 'failed' });
      timer();
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

  async function process(
    inboxId: string,
    options: { retryFailed?: boolean } = {},
  ): Promise<ProcessResult> {
    const claimed = await claimWithSession(deps.db, inboxId, now(), {
      ...options,
      leaseMs: LEASE_MS,
    });
    if (!claimed) return { claimed: false, replies: [], status: 'processed' };
    const session = sessionFor(claimed.workspace, claimed.member, now(), claimed.row.text);
    session.channel = claimed.row.channel;
    return work(claimed.row, session);
  }

  /**
   * Read a message while it is being stored: with an extractor that runs
   * here (`local`), and the rows and hints this process holds for the
   * sender (`HintCache.guess`), extract the message and start reading the
   * account it names. This is work the message needs next, done while the
   * database stores it instead of after; nothing is written. `fits` keeps
   * it only if the store returns the very rows and hints it was done with.
   */
  async function guessAhead(incoming: IncomingMessage, at: Date): Promise<Ahead | undefined> {
    if (!deps.extractor.local) return undefined;
    const key = HintCache.key({
      platform: incoming.platform,
      externalId: incoming.workspace.externalId,
    });
    const guess = hintCache.guess(key, incoming.sender.externalId);
    if (!guess) return undefined;
    try {
      const text = storableText(incoming.text);
      if (parseCommand(text)) return undefined;
      // Let the store's statement leave first: the driver sends on the next turn of the event loop.
      await nextTurn();
      await nextTurn();
      const session = sessionFor(guess.workspace, guess.member, at, text);
      const result = await extractText(session, text, undefined, {
        knownAccounts: guess.names,
        openDeals: guess.open,
      });
      const first = result.extraction.updates.find((u) => u.account);
      const read =
        result.extraction.intent === 'update' && !incoming.replyTo && first?.account
          ? readAccountAhead(deps.db, guess.workspace.id, first.account, guess.member)
          : null;
      return { ...guess, text, result, read };
    } catch {
      return undefined; // the message is read again the usual way
    }
  }

  /** Whether work done ahead was done with exactly what the store returned. */
  function fits(
    ahead: Ahead,
    stored: { workspace: Workspace; member: Member; row: InboxRow },
    hints: ExtractionHints | undefined,
  ): boolean {
    return (
      hints?.knownAccounts === ahead.names &&
      hints.openDeals === ahead.open &&
      stored.row.text === ahead.text &&
      sameRow(stored.workspace, ahead.workspace) &&
      sameRow(stored.member, ahead.member)
    );
  }

  async function handleMessage(incoming: IncomingMessage): Promise<HandleResult> {
    const at = now();
    const storing = ingest(incoming, true);
    storing.catch(() => {}); // handled below, once the work ahead is done
    const early = await guessAhead(incoming, at);
    const r = await storing;
    metrics.messagesReceived.inc({ platform: incoming.platform, duplicate: String(r.duplicate) });
    const base = { inboxId: r.row.id, duplicate: r.duplicate, status: r.row.status };
    if (r.duplicate) return { ...base, replies: [] };
    if (r.row.status !== 'processing') {
      // Stored by the slow path without a claim: claim it the usual way.
      const result = await process(r.row.id);
      return { ...base, status: result.status, replies: result.claimed ? result.replies : [] };
    }
    const hints = 'hints' in r ? r.hints : undefined;
    const ahead = early && fits(early, r, hints) ? early : undefined;
    if (early) metrics.readAhead.inc({ outcome: ahead ? 'used' : 'discarded' });
    const session = sessionFor(r.workspace, r.member, at, r.row.text);
    session.channel = r.row.channel;
    const result = await work(r.row, session, hints, ahead);
    return { ...base, status: result.status, replies: result.replies };
  }

  async function handleEdited(incoming: IncomingMessage): Promise<Reply[]> {
    try {
      return await reread(incoming);
    } finally {
      forgetHints(incoming);
    }
  }

  /** An edited message: take back what its first reading did and read the new text. */
  async function reread(incoming: IncomingMessage): Promise<Reply[]> {
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
    handleAction: async (actor, payload) => {
      try {
        return await handleAction(deps, await resolveActor(deps, cleanActor(actor), null), payload);
      } finally {
        forgetHints(actor);
      }
    },
    runCommand: async (actor, raw) => {
      const text = storableText(raw);
      const session = await resolveActor(deps, cleanActor(actor), text);
      const command = parseCommand(text) ?? { name: 'help' as const, args: '' };
      try {
        return await runCommand(deps, session, command);
      } finally {
        forgetHints(actor);
      }
    },
    editForm: async (actor, dealId) =>
      editForm(deps, await resolveActor(deps, actor, null), dealId),
    submitEdit: async (actor, dealId, version, values) => {
      try {
        return await submitEdit(
          deps,
          await resolveActor(deps, actor, null),
          dealId,
          version,
          values,
        );
      } finally {
        forgetHints(actor);
      }
    },
    isWatched,
    followsThread,
    async unanswered(platform, withinMs = 3_600_000) {
      const at = now();
      const rows = await unansweredInbox(deps.db, platform, new Date(at.getTime() - withinMs), at);
      return rows.map((row) => ({
        row,
        // Images are not stored with the row; private (ephemeral) answers are not worth repeating later.
        replies: (Array.isArray(row.replies) ? (row.replies as Reply[]) : []).filter(
          (r) => r.kind !== 'image' && !(r.kind === 'text' && r.ephemeral),
        ),
      }));
    },
    identify: async (actor) => {
      const session = await resolveActor(deps, actor, null);
      return { workspace: session.workspace, member: session.member };
    },
    home: async (actor) => homeReplies(deps, await resolveActor(deps, actor, null)),
    recover,
    retryFailed,
  };
}

export { getInbox };

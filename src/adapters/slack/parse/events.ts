/**
 * Events API payloads (`event_callback`) → what the assistant understands.
 * Messages and mentions become an `IncomingMessage` plus where to answer;
 * a `message_changed` becomes an edit; bot messages, joins, deletions and
 * other subtypes are ignored. Validated with zod: a payload that does not
 * look like Slack's is ignored, never half-read.
 */
import { z } from 'zod';
import type { IncomingMessage } from '../../../assistant/types.ts';
import { inboxText, mentionsUser } from './text.ts';

export type ChannelType = 'im' | 'mpim' | 'channel' | 'group';

/** Where and how to answer a stored message; also kept in the inbox row's meta for recovery. */
export interface AnswerTarget {
  teamId: string;
  user: string;
  channel: string;
  channelType: ChannelType;
  /** The message's own ts (the inbox key with the channel). */
  messageTs: string;
  /** The thread it was posted in, if any. */
  threadTs: string | null;
  /** Read because the channel is watched, not because anyone spoke to the bot: answer only when useful. */
  ambient: boolean;
  /** From another organisation (a Slack Connect channel). */
  external: boolean;
}

export type ParsedEvent =
  | { kind: 'ignore'; reason: string }
  | { kind: 'message'; incoming: IncomingMessage; target: AnswerTarget; eventId: string | null }
  | {
      kind: 'edit';
      incoming: IncomingMessage;
      target: AnswerTarget;
      eventId: string | null;
      editTs: string;
    };

const TS = z.string().regex(/^\d{1,12}\.\d{1,9}$/);
const ID = z.string().regex(/^[A-Z0-9]{2,40}$/);

const InnerMessage = z.looseObject({
  user: ID.optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().optional(),
  ts: TS,
  thread_ts: TS.optional(),
  user_team: z.string().optional(),
  edited: z.looseObject({ ts: TS.optional() }).optional(),
});

const MessageEvent = z.looseObject({
  type: z.enum(['message', 'app_mention']),
  subtype: z.string().optional(),
  channel: ID,
  channel_type: z.string().optional(),
  user: ID.optional(),
  bot_id: z.string().optional(),
  text: z.string().optional(),
  ts: TS.optional(),
  event_ts: TS.optional(),
  thread_ts: TS.optional(),
  team: z.string().optional(),
  user_team: z.string().optional(),
  message: InnerMessage.optional(),
  previous_message: z.looseObject({ text: z.string().optional() }).optional(),
});

export const EnvelopeSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: ID.optional(),
  enterprise_id: z.string().nullish(),
  event_id: z.string().max(100).optional(),
  event: z.looseObject({ type: z.string() }),
});

/** Message subtypes that are a person writing; everything else (joins, bots, deletions) is ignored. */
const WRITTEN = new Set([undefined, 'file_share', 'thread_broadcast']);

export function channelTypeOf(channel: string, given: string | undefined): ChannelType {
  if (given === 'im' || given === 'mpim' || given === 'channel' || given === 'group') return given;
  if (channel.startsWith('D')) return 'im';
  if (channel.startsWith('G')) return 'group';
  return 'channel';
}

/** The thread to answer in: channels always thread; a DM answers in place unless already in a thread. */
export function replyThread(
  target: Pick<AnswerTarget, 'channelType' | 'messageTs' | 'threadTs'>,
): string | undefined {
  if (target.threadTs) return target.threadTs;
  return target.channelType === 'im' ? undefined : target.messageTs;
}

export function targetMeta(target: AnswerTarget, eventId: string | null, retryNum?: number) {
  return {
    slack: { ...target, eventId, ...(retryNum !== undefined ? { retryNum } : {}) },
  };
}

const StoredTarget = z.object({
  teamId: z.string(),
  user: z.string(),
  channel: z.string(),
  channelType: z.enum(['im', 'mpim', 'channel', 'group']),
  messageTs: z.string(),
  threadTs: z.string().nullable(),
  ambient: z.boolean(),
  external: z.boolean(),
});

/** The answer target kept in an inbox row's meta (for messages recovered after a restart). */
export function targetFromMeta(meta: unknown): AnswerTarget | null {
  const parsed = z.object({ slack: StoredTarget }).safeParse(meta);
  return parsed.success ? parsed.data.slack : null;
}

export function parseMessageEvent(
  body: unknown,
  ctx: { botUserId?: string; retryNum?: number },
): ParsedEvent {
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) return { kind: 'ignore', reason: 'not an event callback' };
  const parsed = MessageEvent.safeParse(envelope.data.event);
  if (!parsed.success) return { kind: 'ignore', reason: 'malformed message event' };
  const e = parsed.data;
  const teamId = envelope.data.team_id ?? e.team;
  if (!teamId) return { kind: 'ignore', reason: 'no team' };
  const eventId = envelope.data.event_id ?? null;
  const channelType = channelTypeOf(e.channel, e.channel_type);

  if (e.subtype === 'message_changed') {
    const m = e.message;
    if (!m?.user || m.bot_id || !WRITTEN.has(m.subtype))
      return { kind: 'ignore', reason: 'bot edit' };
    if (m.user === ctx.botUserId) return { kind: 'ignore', reason: 'own edit' };
    const before = e.previous_message?.text ?? '';
    // Unfurls and attachment changes arrive as edits with the text unchanged.
    if ((m.text ?? '') === before) return { kind: 'ignore', reason: 'text unchanged' };
    const editTs = m.edited?.ts ?? e.event_ts ?? e.ts ?? m.ts;
    const target = makeTarget(teamId, m.user, e.channel, channelType, m.ts, m.thread_ts, {
      mentioned: mentionsUser(m.text ?? '', ctx.botUserId),
      external: Boolean(m.user_team && m.user_team !== teamId),
    });
    return {
      kind: 'edit',
      eventId,
      editTs,
      target,
      incoming: toIncoming(target, inboxText(m.text ?? '', ctx.botUserId), editTs, eventId),
    };
  }

  if (!WRITTEN.has(e.subtype)) return { kind: 'ignore', reason: `subtype ${e.subtype}` };
  if (e.bot_id || !e.user) return { kind: 'ignore', reason: 'bot message' };
  if (e.user === ctx.botUserId) return { kind: 'ignore', reason: 'own message' };
  const ts = e.ts ?? e.event_ts;
  if (!ts) return { kind: 'ignore', reason: 'no ts' };
  const raw = e.text ?? '';
  const mentioned = e.type === 'app_mention' || mentionsUser(raw, ctx.botUserId);
  const text = inboxText(raw, ctx.botUserId);
  if (!text && !mentioned) return { kind: 'ignore', reason: 'no text' };
  const target = makeTarget(teamId, e.user, e.channel, channelType, ts, e.thread_ts, {
    mentioned,
    external: Boolean(e.user_team && e.user_team !== teamId),
  });
  const incoming = toIncoming(target, text, ts, eventId);
  incoming.meta = targetMeta(target, eventId, ctx.retryNum);
  return { kind: 'message', incoming, target, eventId };
}

function makeTarget(
  teamId: string,
  user: string,
  channel: string,
  channelType: ChannelType,
  ts: string,
  threadTs: string | undefined,
  flags: { mentioned: boolean; external: boolean },
): AnswerTarget {
  return {
    teamId,
    user,
    channel,
    channelType,
    messageTs: ts,
    threadTs: threadTs && threadTs !== ts ? threadTs : null,
    ambient: channelType !== 'im' && !flags.mentioned,
    external: flags.external,
  };
}

export function tsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

function toIncoming(
  target: AnswerTarget,
  text: string,
  sentTs: string,
  eventId: string | null,
): IncomingMessage {
  return {
    platform: 'slack',
    workspace: { externalId: target.teamId },
    // Only what the event proves; users.info fills in the rest before processing.
    sender: { externalId: target.user, ...(target.external ? { canWrite: false } : {}) },
    channel: target.channel,
    messageId: target.messageTs,
    text,
    sentAt: tsToDate(sentTs),
    replyTo: target.threadTs,
    meta: targetMeta(target, eventId),
  };
}

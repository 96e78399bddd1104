/**
 * Messages people write: DMs, mentions, replies to the bot's cards, and
 * anything in a watched channel. Each is stored in the inbox first (keyed by
 * channel + message id, so a replayed or doubly delivered message is written
 * once), then processed by whoever stored it, and answered through the
 * sender, one outbound key per reply.
 */
import type { Message, PartialMessage } from 'discord.js';
import type { IncomingMessage, Reply } from '../../assistant/types.ts';
import type { Platform } from '../../db/schema.ts';
import { findWorkspace } from '../../pipeline/workspaces.ts';
import { MESSAGE_CONTENT_HELP } from './client.ts';
import type { DiscordContext } from './context.ts';
import { actorOf } from './identity.ts';
import {
  directVia,
  isFromPerson,
  personOfMessage,
  placeOfMessage,
  replyToOf,
  textFor,
  type Via,
} from './parse.ts';
import { linkOf } from './sender.ts';

const PLATFORM: Platform = 'discord';
/** Show "pipebot is typing…" when an answer takes longer than this. */
const TYPING_AFTER_MS = 1_000;

async function viaOf(ctx: DiscordContext, message: Message, botId: string): Promise<Via | null> {
  const direct = directVia(message, botId);
  if (direct || !message.guildId) return direct;
  const channel = message.channel;
  const ids = [message.channelId];
  if (channel.isThread() && channel.parentId) ids.push(channel.parentId);
  return (await ctx.watched.isWatched(message.guildId, ids)) ? 'watched' : null;
}

/** The message as the assistant sees it, or null when it is not for the bot. */
async function incomingOf(
  ctx: DiscordContext,
  message: Message,
  warnEmpty: () => void,
): Promise<IncomingMessage | null> {
  const botId = ctx.client()?.user?.id;
  if (!botId || !isFromPerson(message)) return null;
  const via = await viaOf(ctx, message, botId);
  if (!via) return null;
  const text = textFor(message, botId);
  if (!text) {
    // Discord blanks the text of other people's messages without Message Content.
    if (via === 'watched' && !message.content && message.attachments.size === 0) warnEmpty();
    return null;
  }
  const actor = await actorOf(ctx.db, personOfMessage(message), placeOfMessage(message));
  return {
    platform: PLATFORM,
    workspace: actor.workspace,
    sender: actor.sender,
    channel: message.channelId,
    messageId: message.id,
    text,
    sentAt: message.createdAt,
    replyTo: replyToOf(message),
    meta: { via, ...(message.guildId ? { guild: message.guildId } : {}) },
  };
}

/** Post replies to a message, the first as a Discord reply to it (not in DMs). */
export async function answer(
  ctx: DiscordContext,
  incoming: IncomingMessage,
  replies: Reply[],
  keyBase: string,
  inboxId: string,
): Promise<void> {
  if (replies.length === 0) return;
  const workspace = await findWorkspace(ctx.db, PLATFORM, incoming.workspace.externalId);
  if (!workspace) throw new Error(`workspace ${incoming.workspace.externalId} vanished`);
  const inGuild = typeof incoming.meta?.guild === 'string';
  for (const [i, reply] of replies.entries()) {
    await ctx.outbound.send(
      workspace,
      {
        kind: 'channel',
        channel: incoming.channel,
        ...(i === 0 && inGuild ? { threadOf: incoming.messageId } : {}),
      },
      [reply],
      `${keyBase}:${i}`,
      linkOf(reply, inboxId),
    );
  }
}

function typingWhileSlow(message: Message): () => void {
  const timer = setTimeout(() => {
    if (message.channel.isSendable()) message.channel.sendTyping().catch(() => {});
  }, TYPING_AFTER_MS);
  return () => clearTimeout(timer);
}

export function createMessageHandlers(ctx: DiscordContext) {
  let warnedEmpty = false;
  const warnEmpty = () => {
    if (warnedEmpty) return;
    warnedEmpty = true;
    ctx.logger.warn(
      { intent: 'MessageContent', granted: ctx.messageContent() },
      `a message in a watched channel arrived without text: ${MESSAGE_CONTENT_HELP}`,
    );
  };

  async function onCreate(message: Message): Promise<void> {
    const incoming = await incomingOf(ctx, message, warnEmpty);
    if (!incoming) return;
    const received = await ctx.assistant.receive(incoming);
    const log = ctx.logger.child({ inboxId: received.inboxId, messageId: message.id });
    if (received.duplicate) {
      log.debug('message seen before; not answering again');
      return;
    }
    // Shutting down: keep the message (it is stored) for recovery, start nothing new.
    if (ctx.stopping()) return;
    const stopTyping = typingWhileSlow(message);
    let result: Awaited<ReturnType<typeof ctx.assistant.process>>;
    try {
      result = await ctx.assistant.process(received.inboxId);
    } finally {
      stopTyping();
    }
    if (!result.claimed) return;
    await answer(ctx, incoming, result.replies, `inbox:${received.inboxId}`, received.inboxId);
  }

  /** An edited update is read again (within the assistant's edit window) and answered anew. */
  async function onUpdate(
    before: Message | PartialMessage,
    after: Message | PartialMessage,
  ): Promise<void> {
    if (ctx.stopping() || after.partial || !after.editedTimestamp) return;
    if (!before.partial && before.content === after.content) return;
    const incoming = await incomingOf(ctx, after, () => {});
    if (!incoming) return;
    const replies = await ctx.assistant.handleEdited(incoming);
    await answer(
      ctx,
      incoming,
      replies,
      `edit:${after.channelId}:${after.id}:${after.editedTimestamp}`,
      '',
    );
  }

  return { onCreate, onUpdate };
}

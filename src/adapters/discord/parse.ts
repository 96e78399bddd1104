/**
 * Discord messages and interactions in the assistant's terms: who and where,
 * whether a message is meant for the bot, and its text without the bot's
 * mention.
 */
import { type Interaction, type Message, MessageType } from 'discord.js';
import type { DiscordPerson, DiscordPlace } from './identity.ts';

/** Why the bot reads a message: a DM, a mention, a reply to one of its cards, a watched channel. */
export type Via = 'dm' | 'mention' | 'reply' | 'watched';

export function personOfMessage(message: Message): DiscordPerson {
  return {
    id: message.author.id,
    username: message.author.username,
    globalName: message.author.globalName,
    nickname: message.member?.nickname ?? null,
  };
}

export function placeOfMessage(message: Message): DiscordPlace {
  const guild = message.guild;
  return {
    guild: message.guildId
      ? { id: message.guildId, name: guild?.name ?? '', ownerId: guild?.ownerId ?? null }
      : null,
    channelId: message.channelId,
  };
}

export function personOfInteraction(interaction: Interaction): DiscordPerson {
  const member = interaction.member;
  const nickname =
    member && 'nickname' in member
      ? member.nickname
      : member && 'nick' in member
        ? member.nick
        : null;
  return {
    id: interaction.user.id,
    username: interaction.user.username,
    globalName: interaction.user.globalName,
    nickname: nickname ?? null,
  };
}

export function placeOfInteraction(interaction: Interaction): DiscordPlace {
  const guild = interaction.guild;
  const message =
    interaction.isMessageComponent() || interaction.isModalSubmit() ? interaction.message : null;
  return {
    guild: interaction.guildId
      ? { id: interaction.guildId, name: guild?.name ?? '', ownerId: guild?.ownerId ?? null }
      : null,
    channelId: interaction.channelId,
    messageId: message?.id ?? null,
  };
}

/** Only what people type: not bots, webhooks, joins, pins or other system messages. */
export function isFromPerson(message: Message): boolean {
  if (message.author.bot || message.webhookId || message.system) return false;
  return message.type === MessageType.Default || message.type === MessageType.Reply;
}

/** The bot's own roles that people can mention instead of the bot (its managed integration role). */
function botRoleIds(message: Message, botId: string): string[] {
  return message.mentions.roles.filter((r) => r.tags?.botId === botId).map((r) => r.id);
}

/** Why this message is for the bot without looking at watched channels; null when it is not. */
export function directVia(message: Message, botId: string): Via | null {
  if (!message.inGuild()) return 'dm';
  if (message.mentions.users.has(botId) || botRoleIds(message, botId).length) return 'mention';
  if (message.reference?.messageId && message.mentions.repliedUser?.id === botId) return 'reply';
  return null;
}

/** The message's text without mentions of the bot. */
export function textFor(message: Message, botId: string): string {
  let text = message.content;
  text = text.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ');
  for (const id of botRoleIds(message, botId)) text = text.replaceAll(`<@&${id}>`, ' ');
  return text.replace(/[ \t]+/g, ' ').trim();
}

/** The message this one replies to, when it is in the same channel. */
export function replyToOf(message: Message): string | null {
  const ref = message.reference;
  if (!ref?.messageId) return null;
  if (ref.channelId && ref.channelId !== message.channelId) return null;
  return ref.messageId;
}

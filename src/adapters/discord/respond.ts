/**
 * Answering an interaction within Discord's three seconds: a quick answer is
 * sent as the response itself; a slow one (a query, the LLM) is deferred
 * first and edited in when ready. Interaction tokens last 15 minutes; an
 * answer that comes later is posted as an ordinary message instead (a DM
 * when it was meant only for the asker).
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Message,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
  RESTJSONErrorCodes,
} from 'discord.js';
import type { Reply } from '../../assistant/types.ts';
import { findWorkspace } from '../../pipeline/workspaces.ts';
import type { DiscordContext } from './context.ts';
import { editOptions, replyOptions, updateOptions } from './payload.ts';
import type { DiscordMessage } from './render.ts';

/** Interaction tokens expire after 15 minutes; keep a margin. */
const TOKEN_LIFETIME_MS = 14.5 * 60_000;

export type Outcome<T> = { done: true; value: T } | { done: false };

/** Wait for `work`, but no longer than `ms`. */
export async function within<T>(work: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value): Outcome<T> => ({ done: true, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function tokenExpired(
  ctx: DiscordContext,
  interaction: { createdTimestamp: number },
): boolean {
  return ctx.now().getTime() - interaction.createdTimestamp > TOKEN_LIFETIME_MS;
}

/** Discord's answer to a response after the token expired or the interaction was lost. */
export function isGoneError(err: unknown): boolean {
  return (
    err instanceof DiscordAPIError &&
    (err.code === RESTJSONErrorCodes.UnknownWebhook ||
      err.code === RESTJSONErrorCodes.InvalidWebhookToken ||
      err.code === RESTJSONErrorCodes.UnknownInteraction)
  );
}

type Repliable = ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction;

/** Post what could not go through the interaction as ordinary messages. */
export async function postInstead(
  ctx: DiscordContext,
  interaction: Repliable,
  workspaceExternalId: string,
  replies: Reply[],
  privateToAsker: boolean,
): Promise<void> {
  const workspace = await findWorkspace(ctx.db, 'discord', workspaceExternalId);
  if (!workspace || replies.length === 0) return;
  const to =
    privateToAsker || !interaction.channelId
      ? ({ kind: 'dm', user: interaction.user.id } as const)
      : ({ kind: 'channel', channel: interaction.channelId } as const);
  await ctx.outbound.send(workspace, to, replies, `interaction:${interaction.id}`);
}

/**
 * Respond with new messages (slash commands, warnings): the first as the
 * response, the rest as follow-ups. After `deferUpdate` the deferred
 * response is the component's own message, so everything new follows up.
 * Returns the messages posted, for the outbound record.
 */
export async function sendResponses(
  interaction: Repliable,
  messages: DiscordMessage[],
  ephemeral: boolean,
  afterDeferUpdate = false,
): Promise<(Message | null)[]> {
  const posted: (Message | null)[] = [];
  for (const [i, m] of messages.entries()) {
    const priv = ephemeral || m.ephemeral;
    if (afterDeferUpdate) {
      posted.push(await interaction.followUp(replyOptions(m, priv)));
    } else if (i === 0 && interaction.deferred && !interaction.replied) {
      posted.push(await interaction.editReply(editOptions(m)));
    } else if (i === 0 && !interaction.replied && !interaction.deferred) {
      const response = await interaction.reply({ ...replyOptions(m, priv), withResponse: true });
      posted.push(response.resource?.message ?? null);
    } else {
      posted.push(await interaction.followUp(replyOptions(m, priv)));
    }
  }
  return posted;
}

/**
 * Replace the message the component sits on with the first rendered message
 * (an Undo result, a picked account's change card); the rest follow up.
 */
export async function updateMessage(
  interaction: ButtonInteraction | MessageComponentInteraction | ModalSubmitInteraction,
  messages: DiscordMessage[],
): Promise<(Message | null)[]> {
  const [first, ...rest] = messages;
  if (!first) return [];
  const posted: (Message | null)[] = [];
  if (interaction.deferred || interaction.replied) {
    posted.push(await interaction.editReply(editOptions(first)));
  } else if ('update' in interaction && typeof interaction.update === 'function') {
    await interaction.update(updateOptions(first));
    posted.push(interaction.message ?? null);
  }
  for (const m of rest) posted.push(await interaction.followUp(replyOptions(m, m.ephemeral)));
  return posted;
}

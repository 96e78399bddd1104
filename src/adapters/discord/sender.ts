/**
 * The one way the bot posts to Discord (the `Outbound` for this platform).
 * Each post is claimed in the `outbound` table under its key before it is
 * sent and marked with the message id after, so a retry or a second replica
 * never posts it twice; each Discord message carries a nonce derived from
 * the key with `enforce_nonce`, so a request Discord received but whose
 * answer was lost is not posted twice either. Rate limits (429) are waited
 * out by discord.js's REST client.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'discord.js';
import type { Destination, Outbound, SendResult } from '../../assistant/outbound.ts';
import type { Reply } from '../../assistant/types.ts';
import type { Db } from '../../db/connect.ts';
import type { Workspace } from '../../db/schema.ts';
import { PipebotError } from '../../errors.ts';
import {
  claimOutbound,
  findOutbound,
  markOutboundFailed,
  markOutboundSent,
} from '../../pipeline/outbound.ts';
import { createOptions, editOptions } from './payload.ts';
import { renderReplies } from './render.ts';

export interface PostLink {
  dealId?: string;
  inboxId?: string;
  eventId?: string;
}

export interface DiscordOutbound extends Outbound {
  /**
   * Remember a message posted another way (an interaction response), so a
   * reply to it applies to its deal. Idempotent by key.
   */
  record(
    workspace: Pick<Workspace, 'id'>,
    key: string,
    channel: string,
    messageId: string,
    link: PostLink,
  ): Promise<void>;
}

/** Discord allows nonces of up to 25 characters. */
export function nonceFor(key: string, part: number): string {
  return createHash('sha256').update(`${key}#${part}`).digest('base64url').slice(0, 25);
}

/** What a reply is about, for the outbound record (a card maps replies to its deal). */
export function linkOf(reply: Reply, inboxId?: string): PostLink {
  const link: PostLink = inboxId ? { inboxId } : {};
  if (reply.kind === 'change') {
    link.dealId = reply.dealId;
    link.eventId = reply.eventId;
  } else if (reply.kind === 'deal') link.dealId = reply.card.dealId;
  return link;
}

export function createDiscordOutbound(options: {
  client: () => Client | null;
  db: Db;
  now: () => Date;
}): DiscordOutbound {
  const { db, now } = options;

  function ready(): Client<true> {
    const client = options.client();
    if (!client?.isReady()) throw new PipebotError('unavailable', 'Discord is not connected');
    return client;
  }

  async function sendable(client: Client<true>, channelId: string) {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable())
      throw new PipebotError('not_found', `cannot post in Discord channel ${channelId}`);
    return channel;
  }

  return {
    platform: 'discord',

    async send(
      workspace: Workspace,
      to: Destination,
      replies: Reply[],
      key: string,
      link?: PostLink,
    ): Promise<SendResult> {
      const client = ready();
      const channelId = to.kind === 'dm' ? (await client.users.createDM(to.user)).id : to.channel;
      const claim = await claimOutbound(
        db,
        {
          workspaceId: workspace.id,
          key,
          platform: 'discord',
          channel: channelId,
          inboxId: link?.inboxId,
          dealId: link?.dealId,
          eventId: link?.eventId,
        },
        now(),
      );
      if (!claim) {
        const prior = await findOutbound(db, key);
        return {
          status: 'duplicate',
          channel: prior?.channel ?? null,
          messageId: prior?.messageId ?? null,
        };
      }
      try {
        const channel = await sendable(client, channelId);
        let first: string | null = null;
        const messages = renderReplies(replies);
        for (const [i, m] of messages.entries()) {
          const sent = await channel.send({
            ...createOptions(m),
            nonce: nonceFor(key, i),
            enforceNonce: true,
            ...(i === 0 && to.kind === 'channel' && to.threadOf
              ? { reply: { messageReference: to.threadOf, failIfNotExists: false } }
              : {}),
          });
          first ??= sent.id;
        }
        if (!first) throw new PipebotError('bad_input', 'nothing to post');
        await markOutboundSent(db, claim.id, first, channelId, now());
        return { status: 'sent', channel: channelId, messageId: first };
      } catch (err) {
        await markOutboundFailed(db, claim.id).catch(() => {});
        throw err;
      }
    },

    async edit(_workspace, channelId, messageId, replies) {
      const client = ready();
      const [m] = renderReplies(replies);
      if (!m) return;
      const channel = await sendable(client, channelId);
      await channel.messages.edit(messageId, editOptions(m));
    },

    async record(workspace, key, channel, messageId, link) {
      const claim = await claimOutbound(
        db,
        {
          workspaceId: workspace.id,
          key,
          platform: 'discord',
          channel,
          inboxId: link.inboxId,
          dealId: link.dealId,
          eventId: link.eventId,
        },
        now(),
      );
      if (claim) await markOutboundSent(db, claim.id, messageId, channel, now());
    },
  };
}

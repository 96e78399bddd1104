/** What the Discord handlers share: the assistant, the sender, the clock and a few knobs. */
import type { Client } from 'discord.js';
import type { Assistant } from '../../assistant/assistant.ts';
import type { Actor } from '../../assistant/types.ts';
import type { Db } from '../../db/connect.ts';
import type { Logger } from '../../log.ts';
import type { DiscordOutbound } from './sender.ts';

export interface DiscordContext {
  assistant: Assistant;
  db: Db;
  outbound: DiscordOutbound;
  logger: Logger;
  now: () => Date;
  client: () => Client | null;
  /** An interaction answer not ready after this long is deferred (Discord allows 3 s). */
  deferAfterMs: number;
  watched: WatchedChannels;
  /** False once Discord refused the Message Content intent. */
  messageContent: () => boolean;
  /** True while the service is shutting down: take no new work. */
  stopping: () => boolean;
}

/**
 * Which channels are watched, cached briefly so that busy guilds do not cost
 * a query per message. A watch or unwatch through this process takes effect
 * at once; through another replica, within `ttlMs`.
 */
export interface WatchedChannels {
  isWatched(guildId: string, channelIds: string[]): Promise<boolean>;
  forget(guildId: string, channelId: string): void;
}

export function createWatchedChannels(
  assistant: Assistant,
  now: () => Date,
  ttlMs = 15_000,
): WatchedChannels {
  const cache = new Map<string, { watched: boolean; at: number }>();
  async function one(guildId: string, channelId: string): Promise<boolean> {
    const key = `${guildId}:${channelId}`;
    const t = now().getTime();
    const hit = cache.get(key);
    if (hit && t - hit.at < ttlMs) return hit.watched;
    const actor: Pick<Actor, 'platform' | 'workspace'> = {
      platform: 'discord',
      workspace: { externalId: guildId },
    };
    const watched = await assistant.isWatched(actor, channelId);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { watched, at: t });
    return watched;
  }
  return {
    async isWatched(guildId, channelIds) {
      for (const id of channelIds) if (await one(guildId, id)) return true;
      return false;
    },
    forget(guildId, channelId) {
      cache.delete(`${guildId}:${channelId}`);
    },
  };
}

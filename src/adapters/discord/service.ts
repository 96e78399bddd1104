/**
 * The Discord adapter as a long-running service: connect, route gateway
 * events to the message and interaction handlers (each in its own
 * try/catch), and on stop take no new work, finish what is in flight, then
 * destroy the client. Under discord.js's ShardingManager every shard runs
 * one of these against the same database.
 */
import { type Client, Events, GatewayCloseCodes } from 'discord.js';
import type { Assistant } from '../../assistant/assistant.ts';
import type { IncomingMessage } from '../../assistant/types.ts';
import type { InboxRow } from '../../db/schema.ts';
import type { Logger } from '../../log.ts';
import type { Service, ServiceFactory } from '../../main.ts';
import { workspaceById } from '../../pipeline/workspaces.ts';
import { connect, createClient, MESSAGE_CONTENT_HELP } from './client.ts';
import { createWatchedChannels, type DiscordContext } from './context.ts';
import { createInteractionHandler } from './interactions.ts';
import { safeError } from './logsafe.ts';
import { answer, createMessageHandlers } from './messages.ts';
import { createDiscordOutbound, type DiscordOutbound } from './sender.ts';

export interface DiscordServiceOptions {
  assistant: Assistant;
  token: string;
  apiUrl?: string | undefined;
  logger: Logger;
  now?: () => Date;
  /** Defer an interaction whose answer is not ready after this long (default 1,500 ms). */
  deferAfterMs?: number;
}

export interface DiscordService extends Service {
  readonly outbound: DiscordOutbound;
  /** The connected client (null before start and after stop). */
  client(): Client | null;
  /** Whether Discord sends the text of every message (the Message Content intent). */
  messageContent(): boolean;
}

/** The parts of a stored message that answering it needs. */
function incomingOf(row: InboxRow, workspaceExternalId: string): IncomingMessage {
  return {
    platform: 'discord',
    workspace: { externalId: workspaceExternalId },
    sender: { externalId: '' },
    channel: row.channel,
    messageId: row.messageId,
    text: row.text,
    sentAt: row.receivedAt,
    meta: row.meta,
  };
}

export function createDiscordService(options: DiscordServiceOptions): DiscordService {
  const { assistant, logger } = options;
  const log = logger.child({ service: 'discord' });
  const now = options.now ?? (() => new Date());
  let client: Client | null = null;
  let messageContent = true;
  let stopping = false;
  let sweep: NodeJS.Timeout | undefined;
  let sweeping = false;
  const inFlight = new Set<Promise<unknown>>();

  const outbound = createDiscordOutbound({ client: () => client, db: assistant.deps.db, now });
  const ctx: DiscordContext = {
    assistant,
    db: assistant.deps.db,
    outbound,
    logger: log,
    now,
    client: () => client,
    deferAfterMs: options.deferAfterMs ?? 1_500,
    watched: createWatchedChannels(assistant, now),
    messageContent: () => messageContent,
    stopping: () => stopping,
  };
  const messages = createMessageHandlers(ctx);
  const onInteraction = createInteractionHandler(ctx);

  /** Run one event's work, tracked for shutdown; a failure is logged and goes no further. */
  function track(what: string, context: Record<string, unknown>, work: () => Promise<void>) {
    const p = work()
      .catch((err) =>
        log.error({ err: safeError(err), ...context }, `handling a Discord ${what} failed`),
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  function prepare(c: Client) {
    c.on(Events.MessageCreate, (m) =>
      track('message', { messageId: m.id, channelId: m.channelId }, () => messages.onCreate(m)),
    );
    c.on(Events.MessageUpdate, (before, after) =>
      track('message edit', { messageId: after.id, channelId: after.channelId }, () =>
        messages.onUpdate(before, after),
      ),
    );
    c.on(Events.InteractionCreate, (i) =>
      track('interaction', { interactionId: i.id, guildId: i.guildId }, () => onInteraction(i)),
    );
    c.on(Events.ShardError, (err, shardId) =>
      log.warn({ err: safeError(err), shardId }, 'Discord gateway error'),
    );
    c.on(Events.Warn, (message) => log.warn({ discord: message }, 'discord.js warning'));
    c.on(Events.ShardDisconnect, (event, shardId) => {
      if (stopping || c !== client) return;
      if (event.code === GatewayCloseCodes.DisallowedIntents && messageContent) {
        log.warn(
          { shardId, closeCode: event.code },
          `Discord withdrew the Message Content intent: ${MESSAGE_CONTENT_HELP}`,
        );
        track('reconnect', { shardId }, reconnectWithoutContent);
        return;
      }
      log.error(
        { shardId, closeCode: event.code },
        'Discord closed the gateway connection for good; check the token and intents, then restart',
      );
    });
  }

  async function start() {
    const connected = await connect(
      { token: options.token, apiUrl: options.apiUrl, logger: log },
      prepare,
    );
    client = connected.client;
    messageContent = connected.messageContent;
    log.info(
      {
        user: client.user?.tag,
        guilds: client.guilds.cache.size,
        shards: client.shard?.ids ?? client.options.shards,
        messageContent,
      },
      'connected to Discord',
    );
    track('recovery', {}, recover);
    // Keep sweeping: a message claimed by a replica that died is taken over once its lease lapses.
    sweep = setInterval(() => {
      if (!sweeping && !stopping) {
        sweeping = true;
        track('recovery', {}, () => recover().finally(() => (sweeping = false)));
      }
    }, 15_000);
    sweep.unref();
  }

  /** Messages a crash or restart left stored but unanswered: process and answer them now. */
  async function recover(): Promise<void> {
    {
      const recovered = await assistant.recover(100, 'discord');
      for (const { row, result } of recovered) {
        if (!result.claimed) continue;
        const workspace = await workspaceById(assistant.deps.db, row.workspaceId);
        if (!workspace) continue;
        await answer(
          ctx,
          incomingOf(row, workspace.externalId),
          result.replies,
          `inbox:${row.id}`,
          row.id,
        );
      }
      if (recovered.length) log.info({ count: recovered.length }, 'answered recovered messages');
      // Processed before a crash, but the answer never went out: post it now (posts are claimed by key).
      for (const { row, replies } of await assistant.unanswered('discord')) {
        const workspace = await workspaceById(assistant.deps.db, row.workspaceId);
        if (!workspace || replies.length === 0) continue;
        await answer(
          ctx,
          incomingOf(row, workspace.externalId),
          replies,
          `inbox:${row.id}`,
          row.id,
        );
      }
    }
  }

  /** Intents are fixed per connection: replace the client with one that does not ask for content. */
  async function reconnectWithoutContent() {
    const old = client;
    messageContent = false;
    client = null;
    await old?.destroy();
    const fresh = createClient(options.apiUrl, false);
    prepare(fresh);
    await fresh.login(options.token);
    client = fresh;
  }

  async function stop() {
    stopping = true;
    if (sweep) clearInterval(sweep);
    while (inFlight.size) await Promise.allSettled([...inFlight]);
    const c = client;
    client = null;
    await c?.destroy();
  }

  return {
    name: 'discord',
    start,
    stop,
    outbound,
    client: () => client,
    messageContent: () => messageContent,
  };
}

/** Runs when `DISCORD_TOKEN` and `DISCORD_APP_ID` are set. */
export const discordServiceFactory: ServiceFactory = (app, logger) => {
  const discord = app.config.discord;
  if (!discord) return null;
  const service = createDiscordService({
    assistant: app.assistant,
    token: discord.token,
    apiUrl: discord.apiUrl,
    logger,
  });
  return {
    ...service,
    async start() {
      await service.start();
      // Digests and nudges for Discord workspaces go out through this sender.
      app.registerOutbound(service.outbound);
    },
  };
};

/**
 * The Slack adapter as a long-running service: the real Bolt app on the HTTP
 * Events API transport (or Socket Mode when an app token is set), one sender
 * for every post, the users.info cache and the App Home. On start it checks
 * the token (auth.test) and answers messages a crash left unprocessed; on
 * stop it stops taking events and finishes the work in flight.
 */
import { App as BoltApp } from '@slack/bolt';
import type { Assistant } from '../../assistant/assistant.ts';
import type { Session } from '../../assistant/context.ts';
import type { Outbound } from '../../assistant/outbound.ts';
import type { Config } from '../../config.ts';
import { PipebotError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Service } from '../../main.ts';
import { opsRoutes, send as sendAnswer } from '../../ops/server.ts';
import { postReplies } from './answer.ts';
import { boltLogger, createSlackClients, type SlackClients } from './client.ts';
import type { SlackDeps } from './context.ts';
import { HomePublisher } from './home.ts';
import { IdentityCache } from './identity.ts';
import { registerListeners } from './listeners/index.ts';
import { ChannelPacer } from './pacer.ts';
import { targetFromMeta } from './parse/events.ts';
import { SlackSender } from './sender.ts';
import { HttpTransport } from './transport/http.ts';
import { SocketTransport } from './transport/socket.ts';
import { WorkTracker } from './work.ts';

export interface SlackServiceOptions {
  assistant: Assistant;
  slack: NonNullable<Config['slack']>;
  /** HTTP port for the Events API (0 picks a free one). */
  port: number;
  host?: string;
  logger: Logger;
  /** Subscribe to member data changes (refreshes the App Home). */
  onChange?: (listener: (session: Session) => void) => () => void;
  now?: () => Date;
  /** Minimum gap between posts to one channel (default 1000 ms). */
  postIntervalMs?: number;
  /** Web API timeout (default 10 s). */
  apiTimeoutMs?: number;
  /** First backoff after a transient post failure (default 1 s). */
  backoffMs?: number;
  homeDebounceMs?: number;
  /** How long stop() waits for background work (default 7 s, within the process's 9 s). */
  drainMs?: number;
  /** How often to look for messages a crashed process left behind (default 15 s). */
  recoverEveryMs?: number;
}

export interface SlackService extends Service {
  readonly bolt: BoltApp;
  readonly transport: HttpTransport | SocketTransport;
  readonly sender: SlackSender;
  readonly clients: SlackClients;
  /** The bound HTTP port (HTTP transport, after start). */
  port(): number | null;
  /** Resolves when no background work is running (tests). */
  idle(): Promise<void>;
}

export function createSlackService(o: SlackServiceOptions): SlackService {
  const logger = o.logger.child({ adapter: 'slack' });
  const now = o.now ?? (() => new Date());
  const clients = createSlackClients({
    token: o.slack.botToken,
    apiUrl: o.slack.apiUrl,
    ...(o.apiTimeoutMs ? { timeoutMs: o.apiTimeoutMs } : {}),
    logger,
  });
  const db = o.assistant.deps.db;
  // Over HTTP, a burst's acknowledgements go out before its work starts (at most 100 ms later).
  let ackGate: (() => Promise<void>) | undefined;
  const work = new WorkTracker(logger, () => ackGate?.() ?? Promise.resolve());
  const pacer = new ChannelPacer(o.postIntervalMs ?? 1_000);
  const sender = new SlackSender({
    db,
    clients,
    pacer,
    logger,
    now,
    ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
  });
  const identity = new IdentityCache(clients.web, logger);
  const home = new HomePublisher({
    assistant: o.assistant,
    identity,
    sender,
    work,
    logger,
    ...(o.homeDebounceMs !== undefined ? { debounceMs: o.homeDebounceMs } : {}),
  });

  let bot: { userId: string; botId: string } | undefined;
  const deps: SlackDeps = {
    assistant: o.assistant,
    sender,
    identity,
    work,
    home,
    logger,
    botUserId: () => bot?.userId,
  };

  const transport = o.slack.appToken
    ? new SocketTransport({
        appToken: o.slack.appToken,
        apiUrl: o.slack.apiUrl,
        logger,
        ...(o.apiTimeoutMs ? { timeoutMs: o.apiTimeoutMs } : {}),
      })
    : new HttpTransport({
        signingSecret: o.slack.signingSecret ?? '',
        port: o.port,
        ...(o.host ? { host: o.host } : {}),
        logger,
        now,
      });
  if (transport instanceof HttpTransport) {
    // A burst of 50 is acknowledged within about 50 ms on Postgres, 80 ms on PGlite (BENCHMARKS.md);
    // the longest wait only bounds how late a reply can start under a stream with no pause.
    ackGate = () => transport.acknowledged(1_000);
    // The operations endpoints share the Events API port: /healthz, /readyz, /metrics.
    for (const [path, route] of Object.entries(opsRoutes(db))) {
      transport.route('GET', path, (req, res) => {
        Promise.resolve(route(req)).then(
          (answer) => sendAnswer(res, answer),
          (err) => {
            logger.error({ err, path }, 'ops endpoint failed');
            res.writeHead(500).end();
          },
        );
      });
    }
  }

  const bolt = new BoltApp({
    receiver: transport,
    // One installation: the bot token for every team; the bot's ids come from auth.test at start.
    authorize: async () => ({
      botToken: o.slack.botToken,
      ...(bot ? { botId: bot.botId, botUserId: bot.userId } : {}),
    }),
    logger: boltLogger(logger.child({ component: 'bolt' })),
    convoStore: false,
    clientOptions: { slackApiUrl: clients.web.slackApiUrl, retryConfig: { retries: 0 } },
  });
  bolt.error(async (err) => {
    logger.error({ err }, 'a Slack listener failed');
    throw err;
  });
  registerListeners(bolt, deps);

  let unsubscribe: (() => void) | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let sweeping = false;

  /** Messages stored but never processed (a crash, a restart): process and answer them now. */
  async function recover(): Promise<void> {
    const recovered = await o.assistant.recover(100, 'slack');
    for (const { row, result } of recovered) {
      const target = targetFromMeta(row.meta);
      if (!result.claimed || !target) continue;
      await postReplies(
        deps,
        { id: row.workspaceId },
        target,
        result.replies,
        `inbox:${row.id}`,
        row.id,
      );
    }
    if (recovered.length) logger.info({ count: recovered.length }, 'answered recovered messages');
    // Processed before a crash, but the answer never went out: post it now (posts are claimed by key).
    const unanswered = await o.assistant.unanswered('slack');
    for (const { row, replies } of unanswered) {
      const target = targetFromMeta(row.meta);
      if (!target || replies.length === 0) continue;
      await postReplies(deps, { id: row.workspaceId }, target, replies, `inbox:${row.id}`, row.id);
    }
    if (unanswered.length)
      logger.info({ count: unanswered.length }, 'posted answers a restart had held back');
  }

  return {
    name: o.slack.appToken ? 'slack (socket mode)' : 'slack (events API)',
    bolt,
    transport,
    sender,
    clients,
    port: () => (transport instanceof HttpTransport ? transport.port : null),
    async idle() {
      // Background work can schedule a debounced home refresh, which schedules more work.
      for (;;) {
        await work.idle();
        if (home.waiting === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async start() {
      let auth: Awaited<ReturnType<typeof clients.web.auth.test>>;
      try {
        auth = await clients.web.auth.test();
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        throw new PipebotError(
          'config',
          code
            ? `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again`
            : `Slack could not be reached to check SLACK_BOT_TOKEN: ${(err as Error).message}`,
          { cause: err },
        );
      }
      bot = { userId: auth.user_id ?? '', botId: auth.bot_id ?? '' };
      unsubscribe = o.onChange?.((session) => {
        if (session.platform === 'slack')
          home.refreshSoon(session.workspace.externalId, session.member.externalId);
      });
      await bolt.start();
      logger.info(
        { team: auth.team_id, botUserId: bot.userId, port: this.port() },
        'Slack adapter listening',
      );
      work.run('recover', recover);
      // Keep sweeping: a message claimed by a replica that died is taken over once its lease lapses.
      sweep = setInterval(() => {
        if (!sweeping) {
          sweeping = true;
          work.run('recover', () => recover().finally(() => (sweeping = false)));
        }
      }, o.recoverEveryMs ?? 15_000);
      sweep.unref();
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      unsubscribe?.();
      await bolt.stop();
      home.flush();
      const finished = await work.drain(o.drainMs ?? 7_000);
      if (!finished)
        logger.warn({ running: work.size }, 'stopped with work in flight; it will be recovered');
    },
  };
}

/** The `pipebot start` factory: runs when SLACK_BOT_TOKEN is configured. */
export function slackServiceFactory(
  app: {
    config: Config;
    assistant: Assistant;
    onChange(listener: (session: Session) => void): () => void;
    registerOutbound(outbound: Outbound): void;
  },
  logger: Logger,
): Service | null {
  if (!app.config.slack) return null;
  const service = createSlackService({
    assistant: app.assistant,
    slack: app.config.slack,
    port: app.config.port,
    logger,
    onChange: (l) => app.onChange(l),
  });
  return {
    ...service,
    async start() {
      await service.start();
      // Digests and nudges for Slack workspaces go out through this sender.
      app.registerOutbound(service.sender);
    },
  };
}

/**
 * Web API clients with an explicit timeout and bounded retries (the SDK's
 * default retries for about half an hour, which would hold a reply — and a
 * shutdown — hostage to an outage).
 *
 * Two clients share the token: `web` for calls that are safe to repeat
 * (reads, chat.update, views.*), which retries transient failures a few
 * times; and `post` for chat.postMessage and uploads, which never retries by
 * itself: posting is not idempotent, so the sender decides (after a 429 it
 * waits; after an ambiguous failure it first looks for the message).
 */
import { type Logger as BoltLogger, type LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../../log.ts';

export type WebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackClients {
  web: WebClient;
  post: WebClient;
}

export interface ClientOptions {
  token: string;
  /** Web API base, e.g. https://slack.com/api/ (SLACK_API_URL). */
  apiUrl?: string;
  timeoutMs?: number;
  /** Retries for the `web` client (default 2, a few seconds apart). */
  retries?: number;
  logger: Logger;
}

export const DEFAULT_API_TIMEOUT_MS = 10_000;

export function slackApiBase(apiUrl: string | undefined): string {
  if (!apiUrl) return 'https://slack.com/api/';
  return apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
}

export function createSlackClients(options: ClientOptions): SlackClients {
  const common = {
    slackApiUrl: slackApiBase(options.apiUrl),
    timeout: options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS,
    logger: boltLogger(options.logger.child({ component: 'slack-web' })),
  };
  const web = new webApi.WebClient(options.token, {
    ...common,
    retryConfig: {
      retries: options.retries ?? 2,
      factor: 2,
      minTimeout: 500,
      maxTimeout: 4_000,
      randomize: true,
    },
  });
  const post = new webApi.WebClient(options.token, {
    ...common,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return { web, post };
}

/** Bolt's and the SDK's logger interface on top of pino (quieter: SDK info is our debug). */
export function boltLogger(log: Logger): BoltLogger {
  let level = 'info' as LogLevel;
  const text = (msg: unknown[]) =>
    msg.map((m) => (typeof m === 'string' ? m : String(m))).join(' ');
  return {
    debug: (...msg) => log.debug(text(msg)),
    info: (...msg) => log.debug(text(msg)),
    warn: (...msg) => log.warn(text(msg)),
    error: (...msg) => log.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

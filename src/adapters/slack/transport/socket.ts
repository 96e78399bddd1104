/**
 * The Socket Mode transport (SLACK_APP_TOKEN): the same Bolt `Receiver`
 * contract over Slack's WebSocket. Each envelope is dispatched with the ack
 * held until the listeners have stored the message, then acknowledged with
 * whatever a listener answered; a failed dispatch is left unacknowledged so
 * Slack delivers it again. Nothing connects until `start()`.
 */
import type { App as BoltApp, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../../../log.ts';
import { boltLogger, slackApiBase } from '../client.ts';
import { dispatchToBolt } from './dispatch.ts';

export interface SocketTransportOptions {
  appToken: string;
  apiUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}

interface SlackEventArgs {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

export class SocketTransport implements Receiver {
  readonly client: SocketModeClient;
  private app: BoltApp | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly o: SocketTransportOptions) {
    this.client = new SocketModeClient({
      appToken: o.appToken,
      logger: boltLogger(o.logger.child({ component: 'slack-socket' })),
      clientOptions: {
        slackApiUrl: slackApiBase(o.apiUrl),
        timeout: o.timeoutMs ?? 10_000,
        retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4_000 },
      },
    });
    this.client.on('slack_event', (args: SlackEventArgs) => {
      const work = this.handle(args);
      this.inflight.add(work);
      void work.finally(() => this.inflight.delete(work));
    });
  }

  init(app: BoltApp): void {
    this.app = app;
  }

  async start(): Promise<unknown> {
    return this.client.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inflight]);
    try {
      await this.client.disconnect();
    } catch (err) {
      this.o.logger.warn({ err }, 'Socket Mode disconnect failed');
    }
  }

  private async handle(args: SlackEventArgs): Promise<void> {
    if (this.stopping || !this.app || !args.body) return;
    try {
      const { response } = await dispatchToBolt(this.app, args.body, {
        ...(args.retry_num !== undefined ? { num: args.retry_num } : {}),
        ...(args.retry_reason ? { reason: args.retry_reason } : {}),
      });
      await args.ack(
        response && typeof response === 'object'
          ? (response as Record<string, unknown>)
          : undefined,
      );
    } catch (err) {
      this.o.logger.error(
        { err, type: args.type },
        'a Slack envelope was not handled; Slack will retry',
      );
    }
  }
}

/**
 * Process entry for long-running mode: configuration → database → adapters
 * and scheduler, with a graceful shutdown on SIGTERM / SIGINT.
 */

import { discordServiceFactory } from './adapters/discord/service.ts';
import { slackServiceFactory } from './adapters/slack/service.ts';
import { type App, createApp } from './app.ts';
import type { CliContext } from './cli/command.ts';
import type { Config } from './config.ts';
import { schedulerService } from './jobs/service.ts';
import type { Logger } from './log.ts';
import { opsServiceFactory } from './ops/service.ts';

/** Something that runs while the process lives: an adapter, the scheduler, the HTTP server. */
export interface Service {
  name: string;
  start(): Promise<void>;
  /** Stop taking new work, finish what is in flight. */
  stop(): Promise<void>;
}

export type ServiceFactory = (app: App, logger: Logger) => Service | null;

/**
 * Adapters and jobs register here; each returns null when its configuration
 * is absent. Services start in this order and stop in reverse: the scheduler
 * stays last, so it starts after the adapters registered their Outbounds and
 * stops (finishing its in-flight job) before they disconnect.
 */
export const SERVICE_FACTORIES: ServiceFactory[] = [
  opsServiceFactory,
  slackServiceFactory,
  discordServiceFactory,
  schedulerService,
];

const SHUTDOWN_TIMEOUT_MS = 9_000;

/** Run the configured services until SIGTERM / SIGINT; `only` keeps the one with that name. */
export async function startServices(
  ctx: CliContext,
  config: Config,
  only?: string,
): Promise<number> {
  const logger = ctx.logger(config.logLevel ?? 'info');
  const database = await ctx.openDb();
  const app = createApp(config, database, logger);
  const services = SERVICE_FACTORIES.map((f) => f(app, logger)).filter(
    (s): s is Service => s !== null && (only === undefined || s.name === only),
  );
  if (services.length === 0) {
    logger.error(only ? `service "${only}" is not configured` : 'no service is configured to run');
    return 1;
  }
  for (const s of services) {
    await s.start();
    logger.info({ service: s.name }, 'started');
  }
  ctx.io.stderr.write(
    `pipebot: running ${services.map((s) => s.name).join(', ')} on ${app.describe}\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

  const timer = setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  for (const s of [...services].reverse()) {
    try {
      await s.stop();
    } catch (err) {
      logger.error({ err, service: s.name }, 'stopping failed');
    }
  }
  clearTimeout(timer);
  return 0;
}

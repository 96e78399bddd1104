/**
 * The scheduler as a long-running service: it runs whenever a chat platform
 * runs (Slack or Discord configured), posting through the Outbounds the
 * adapters register on the App.
 */
import type { ServiceFactory } from '../main.ts';
import { createScheduler } from './scheduler.ts';

export const schedulerService: ServiceFactory = (app, logger) => {
  if (!app.config.slack && !app.config.discord) return null;
  const scheduler = createScheduler({
    db: app.database.db,
    outbounds: app.outbounds,
    logger: logger.child({ service: 'scheduler' }),
    catchUpMs: app.config.jobs.catchUpMs,
  });
  return {
    name: 'scheduler',
    async start() {
      scheduler.start();
    },
    stop: () => scheduler.stop(),
  };
};

/**
 * The operations endpoints as a service, for when the Slack Events API is not
 * serving HTTP (Discord only, Slack Socket Mode): /healthz, /readyz, /metrics
 * on PORT. A port that is taken is logged and the bot keeps running: health
 * checks are for operators, and the chat must not stop for them.
 */
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { Service } from '../main.ts';
import { createOpsServer } from './server.ts';

export function opsServiceFactory(app: App, logger: Logger): Service | null {
  const slackHttp = app.config.slack && !app.config.slack.appToken;
  if (slackHttp) return null;
  const ops = createOpsServer(app.database.db, logger);
  let listening = false;
  return {
    name: 'health endpoints',
    async start() {
      try {
        const port = await ops.listen(app.config.port);
        listening = true;
        logger.info({ port }, 'health endpoints listening');
      } catch (err) {
        logger.error(
          { err, port: app.config.port },
          'could not serve /healthz, /readyz and /metrics; set PORT to a free port',
        );
      }
    },
    async stop() {
      if (listening) await ops.close();
    },
  };
}

/**
 * postgres-js 3.4.x can throw from a timer when a connection closes while a
 * small write is queued (porsager/postgres#1154, #1208): `socket.write` on a
 * null socket, outside any promise, which would take the whole bot down
 * during a database restart. The query involved has already been rejected
 * with CONNECTION_CLOSED (and is retried by our callers), so that one error
 * is logged and survived; every other uncaught error still ends the process.
 */
import type { Logger } from '../log.ts';

let installed = false;

export function isPostgresClosedSocketError(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /reading 'write'|evaluating 'socket\.write'/.test(err.message) &&
    /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '')
  );
}

export function guardPostgresCrash(logger: Logger): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => {
    if (isPostgresClosedSocketError(err)) {
      logger.warn({ err }, 'the database connection closed during a write; the query was retried');
      return;
    }
    logger.fatal({ err }, 'uncaught exception');
    logger.flush();
    process.stderr.write(
      `pipebot: fatal: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
    );
    process.exit(1);
  });
}

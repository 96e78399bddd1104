/**
 * The operations endpoints on PORT: GET /healthz, /readyz, /metrics. When the
 * Slack HTTP receiver runs it serves these routes itself (see the Slack
 * adapter); otherwise this small server does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Db } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import { type HttpAnswer, healthz, metricsAnswer, readyz } from './health.ts';

export type OpsRoute = (req: IncomingMessage) => Promise<HttpAnswer> | HttpAnswer;

/** The routes, for mounting on another server (e.g. Bolt's customRoutes). */
export function opsRoutes(
  db: Db,
  extraReady?: () => Record<string, boolean>,
): Record<string, OpsRoute> {
  return {
    '/healthz': () => healthz(),
    '/readyz': () => readyz(db, extraReady),
    '/metrics': () => metricsAnswer(),
  };
}

export function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' });
  res.end(answer.body);
}

export interface OpsServer {
  server: Server;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

export function createOpsServer(
  db: Db,
  logger: Logger,
  extraReady?: () => Record<string, boolean>,
): OpsServer {
  const routes = opsRoutes(db, extraReady);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = req.method === 'GET' ? routes[path] : undefined;
    if (!route) {
      send(res, { status: 404, contentType: 'application/json', body: '{"error":"not found"}' });
      return;
    }
    Promise.resolve(route(req)).then(
      (answer) => send(res, answer),
      (err) => {
        logger.error({ err, path }, 'ops endpoint failed');
        send(res, { status: 500, contentType: 'application/json', body: '{"error":"internal"}' });
      },
    );
  });
  return {
    server,
    listen: (port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => {
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

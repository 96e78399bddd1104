/**
 * The HTTP transport: a Bolt `Receiver` on our own `node:http` server, so
 * the server can grow routes (`/healthz`, metrics) beside `POST /slack/events`.
 * Each Slack request is read (size-limited), verified (`verify.ts`: 401 and
 * nothing stored on any failure), parsed, and dispatched to Bolt with the
 * ack held until the listeners have stored what they must.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { App as BoltApp, Receiver } from '@slack/bolt';
import type { Logger } from '../../../log.ts';
import { verifySlackSignature } from '../verify.ts';
import { dispatchToBolt } from './dispatch.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpTransportOptions {
  signingSecret: string;
  port: number;
  host?: string;
  logger: Logger;
  now?: () => Date;
  /** Largest accepted body (default 1 MiB; Slack's payloads are far smaller). */
  bodyLimit?: number;
  endpoint?: string;
  /** How long no delivery must be pending before background work is let go (default `QUIET_MS`). */
  quietMs?: number;
}

class BodyTooLarge extends Error {}

/**
 * How long no delivery must be pending before background work is let go (see
 * `acknowledged`): long enough to cover the gaps between the deliveries of a
 * burst, short beside any model call.
 */
export const QUIET_MS = 5;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined || body === null || body === '') {
    res.writeHead(status).end();
  } else if (typeof body === 'string') {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  } else {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** The JSON body of an Events API request, or the form body of a command / interaction. */
export function parseSlackBody(
  raw: Buffer,
  contentType: string | undefined,
): Record<string, unknown> {
  const text = raw.toString('utf8');
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form = parseQuery(text);
    if (typeof form.payload === 'string')
      return JSON.parse(form.payload) as Record<string, unknown>;
    const flat: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) flat[k] = Array.isArray(v) ? v[0] : v;
    return flat;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('body is not an object');
  return parsed as Record<string, unknown>;
}

export class HttpTransport implements Receiver {
  private app: BoltApp | undefined;
  private server: Server | undefined;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly inflight = new Set<Promise<void>>();
  private pendingAcks = 0;
  private readonly ackWaiters = new Set<() => void>();
  private stopping = false;
  private quietTimer: NodeJS.Timeout | undefined;
  /** When the last delivery was answered (`performance.now()`). */
  private lastAckAt = Number.NEGATIVE_INFINITY;

  private readonly quietMs: number;

  constructor(private readonly o: HttpTransportOptions) {
    this.quietMs = o.quietMs ?? QUIET_MS;
    this.route('POST', o.endpoint ?? '/slack/events', (req, res) => this.handleSlack(req, res));
  }

  /** Add a route (e.g. `GET /healthz`) before `start()`. */
  route(method: string, path: string, handler: RouteHandler): void {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
  }

  init(app: BoltApp): void {
    this.app = app;
  }

  /**
   * Resolves once no Slack delivery has been waiting for its acknowledgement
   * for the quiet period (`QUIET_MS`), or after `maxWaitMs` at the latest (so
   * that a steady stream of events cannot hold background work back for long).
   *
   * The quiet period matters in a burst: the deliveries of a burst reach the
   * server a few at a time, and between two of them nothing may be pending for
   * a moment. Releasing the waiters in that moment would let the first
   * acknowledgements' work (claims, hints, the model call) run on the event
   * loop and the database ahead of the rest of the burst's acknowledgements.
   */
  acknowledged(maxWaitMs: number): Promise<void> {
    if (this.pendingAcks === 0 && performance.now() - this.lastAckAt >= this.quietMs) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // Under steady traffic the count may not reach zero for a while: leave no waiter behind.
        this.ackWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      timer.unref();
      this.ackWaiters.add(done);
      if (this.pendingAcks === 0) this.releaseWhenQuiet();
    });
  }

  /** Release the waiters once nothing has been pending for the quiet period (checked again when the timer fires). */
  private releaseWhenQuiet(): void {
    if (this.quietTimer || this.ackWaiters.size === 0) return;
    const wait = Math.max(1, this.quietMs - (performance.now() - this.lastAckAt));
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      // A delivery arriving meanwhile re-arms the timer when it is answered in turn.
      if (this.pendingAcks > 0) return;
      if (performance.now() - this.lastAckAt < this.quietMs) this.releaseWhenQuiet();
      else for (const w of [...this.ackWaiters]) w();
    }, wait);
    this.quietTimer.unref();
  }

  /** The port actually bound (useful with port 0). */
  get port(): number | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? (a as AddressInfo).port : null;
  }

  start(): Promise<Server> {
    const server = createServer((req, res) => {
      const work = this.handle(req, res).catch((err) => {
        this.o.logger.error({ err, path: req.url }, 'request failed');
        send(res, 500);
      });
      this.inflight.add(work);
      void work.finally(() => this.inflight.delete(work));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  /** Stop accepting requests and wait for the ones in flight (each only stores and acks). */
  async stop(): Promise<void> {
    this.stopping = true;
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A keep-alive client that never lets go must not hold the shutdown.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
    }
    await Promise.allSettled([...this.inflight]);
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stopping) {
      // Slack retries elsewhere (another replica, or this one after restart).
      res.setHeader('connection', 'close');
      send(res, 503);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = this.routes.get(`${(req.method ?? 'GET').toUpperCase()} ${path}`);
    if (!handler) {
      send(res, 404);
      return;
    }
    await handler(req, res);
  }

  private async handleSlack(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.pendingAcks++;
    try {
      await this.deliver(req, res);
    } finally {
      this.pendingAcks--;
      this.lastAckAt = performance.now();
      if (this.pendingAcks === 0) this.releaseWhenQuiet();
    }
  }

  private async deliver(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, this.o.bodyLimit ?? 1024 * 1024);
    } catch (err) {
      send(res, err instanceof BodyTooLarge ? 413 : 400);
      return;
    }
    const verdict = verifySlackSignature({
      signingSecret: this.o.signingSecret,
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      rawBody: raw,
      now: this.o.now?.() ?? new Date(),
    });
    if (!verdict.ok) {
      this.o.logger.warn({ reason: verdict.reason }, 'rejected a Slack request');
      send(res, 401);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseSlackBody(raw, header(req, 'content-type'));
    } catch {
      send(res, 400);
      return;
    }
    if (body.ssl_check === '1') return send(res, 200);
    if (body.type === 'url_verification') return send(res, 200, { challenge: body.challenge });
    if (!this.app) return send(res, 503);
    const retryNum = Number(header(req, 'x-slack-retry-num'));
    const reason = header(req, 'x-slack-retry-reason');
    try {
      const { response } = await dispatchToBolt(this.app, body, {
        ...(Number.isInteger(retryNum) ? { num: retryNum } : {}),
        ...(reason ? { reason } : {}),
      });
      send(res, 200, response);
    } catch (err) {
      this.o.logger.error({ err }, 'a Slack delivery was not handled; Slack will retry');
      send(res, 500);
    }
  }
}

/**
 * A small local fake of Slack's Web API (pointed at with SLACK_API_URL): it
 * records every call, keeps the messages it was asked to post (with block ids
 * assigned, as Slack does), serves users.info from a table, takes
 * response_url posts and file uploads, and can be told to fail or stall the
 * next calls of a method (429 with Retry-After, a Slack error, a delay).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

export interface FakeCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  authorization: string | undefined;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: Record<string, unknown>[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  bot_id: string;
}

export type Failure =
  | { status: 429; retryAfter: number }
  | { error: string }
  | { status: number }
  /** Do the work, then answer only after `delayMs` (a timeout that still posted). */
  | { delayMs: number };

export interface FakeSlack {
  /** The Web API base, e.g. http://127.0.0.1:1234/api/ */
  url: string;
  origin: string;
  calls: FakeCall[];
  messages: FakeMessage[];
  /** Posts received on response URLs. */
  responses: { id: string; body: Record<string, unknown>; at: number }[];
  users: Map<string, Record<string, unknown>>;
  responseUrl(id?: string): string;
  fail(method: string, failure: Failure, times?: number): void;
  callsTo(method: string): FakeCall[];
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'metadata', 'view', 'attachments', 'files']);

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if ((contentType ?? '').includes('application/json')) return JSON.parse(raw || '{}');
  if ((contentType ?? '').includes('multipart/form-data')) return { multipart: true };
  const form = parseQuery(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    const value = Array.isArray(v) ? v[0] : v;
    out[k] = JSON_FIELDS.has(k) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return out;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeSlack(
  options: { teamId?: string; botUserId?: string } = {},
): Promise<FakeSlack> {
  const teamId = options.teamId ?? 'T1';
  const botUserId = options.botUserId ?? 'UBOT';
  const calls: FakeCall[] = [];
  const messages: FakeMessage[] = [];
  const responses: FakeSlack['responses'] = [];
  const users = new Map<string, Record<string, unknown>>();
  const failures = new Map<string, Failure[]>();
  let seq = 0;
  let origin = '';
  const nextTs = () =>
    `${1_800_000_000 + Math.floor(seq / 1000)}.${String(++seq).padStart(6, '0')}`;

  function user(id: string): Record<string, unknown> {
    return (
      users.get(id) ?? {
        id,
        name: id.toLowerCase(),
        real_name: `Person ${id}`,
        tz: 'America/New_York',
        locale: 'en-US',
        profile: { display_name: id.toLowerCase(), real_name: `Person ${id}` },
      }
    );
  }

  function handle(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          team_id: teamId,
          team: 'Test Team',
          user: 'pipebot',
          user_id: botUserId,
          bot_id: 'BBOT',
        };
      case 'users.info':
        return users.get(String(body.user))?.missing
          ? { ok: false, error: 'user_not_found' }
          : { ok: true, user: user(String(body.user)) };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(body.users)}` } };
      case 'chat.postMessage': {
        const blocks = ((body.blocks as Record<string, unknown>[] | undefined) ?? []).map((b) => ({
          ...b,
          block_id: (b.block_id as string | undefined) ?? randomBytes(3).toString('hex'),
        }));
        const m: FakeMessage = {
          channel: String(body.channel),
          ts: nextTs(),
          text: String(body.text ?? ''),
          blocks,
          bot_id: 'BBOT',
          ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}),
          ...(body.metadata ? { metadata: body.metadata as FakeMessage['metadata'] } : {}),
        };
        messages.push(m);
        return { ok: true, channel: m.channel, ts: m.ts, message: m };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.update': {
        const m = messages.find((x) => x.channel === body.channel && x.ts === body.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.text = String(body.text ?? '');
        m.blocks = (body.blocks as Record<string, unknown>[]) ?? [];
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        const oldest = Number(body.oldest ?? 0);
        const found = messages.filter(
          (m) =>
            m.channel === body.channel &&
            Number(m.ts) >= oldest &&
            (method === 'conversations.history'
              ? !m.thread_ts
              : m.thread_ts === body.ts || m.ts === body.ts),
        );
        return {
          ok: true,
          messages: found.map((m) =>
            body.include_all_metadata ? m : { ...m, metadata: undefined },
          ),
        };
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${++seq}`, ...(body.view as object) } };
      case 'files.getUploadURLExternal': {
        const id = `F${++seq}`;
        return { ok: true, upload_url: `${origin}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: body.files };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer(async (req, res) => {
    const raw = await read(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/respond/')) {
      responses.push({
        id: path.slice('/respond/'.length),
        body: JSON.parse(raw || '{}'),
        at: Date.now(),
      });
      res.writeHead(200).end('ok');
      return;
    }
    if (path.startsWith('/upload/')) {
      calls.push({
        method: 'upload',
        body: {},
        at: Date.now(),
        authorization: req.headers.authorization,
      });
      res.writeHead(200).end('OK');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const body = parseBody(raw, req.headers['content-type']);
    calls.push({ method, body, at: Date.now(), authorization: req.headers.authorization });
    const failure = failures.get(method)?.shift();
    if (failure && 'retryAfter' in failure) {
      res.writeHead(429, { 'retry-after': String(failure.retryAfter) }).end();
      return;
    }
    if (failure && 'status' in failure) {
      res.writeHead(failure.status).end('unavailable');
      return;
    }
    if (failure && 'error' in failure) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: failure.error }));
      return;
    }
    const result = handle(method, body);
    if (failure && 'delayMs' in failure) await new Promise((r) => setTimeout(r, failure.delayMs));
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/`,
    origin,
    calls,
    messages,
    responses,
    users,
    responseUrl: (id = randomBytes(4).toString('hex')) => `${origin}/respond/${id}`,
    fail(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

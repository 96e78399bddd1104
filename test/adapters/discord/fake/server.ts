/**
 * A small local Discord for tests: the REST routes pipebot uses and a gateway
 * WebSocket (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, dispatches),
 * so the real discord.js client runs against it unmodified. It records every
 * request and keeps the messages it was asked to create, honouring nonces
 * with enforce_nonce the way Discord does; rate limits and failures can be
 * injected per route.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const EPOCH = 1420070400000n;
let sequence = 0n;

/** A snowflake for now (or for `at`), unique within this process. */
export function snowflake(at: number = Date.now()): string {
  sequence = (sequence + 1n) % 4096n;
  return String(((BigInt(at) - EPOCH) << 22n) | (BigInt(process.pid % 32) << 17n) | sequence);
}

/** A guild id that lands on `shard` of `count` (Discord: (id >> 22) % count). */
export function guildIdOnShard(shard: number, count: number, salt = 0): string {
  const base = BigInt(Date.now()) - EPOCH + BigInt(salt * count * 7);
  const ts = base - (base % BigInt(count)) + BigInt(shard);
  return String((ts << 22n) | BigInt(salt % 4096));
}

export interface FakeUser {
  id: string;
  username: string;
  globalName?: string | null;
  bot?: boolean;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  channels: { id: string; name: string }[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  // biome-ignore lint/suspicious/noExplicitAny: recorded JSON, asserted on by tests
  body: any;
  files: { name: string; size: number; type: string }[];
  status: number;
}

// biome-ignore lint/suspicious/noExplicitAny: Discord API JSON
export type Json = any;

interface Injected {
  match: (method: string, path: string) => boolean;
  times: number;
  status: number;
  body: Json;
  headers?: Record<string, string>;
  /** Do the work, then fail: the answer is lost but the effect happened. */
  afterEffect?: boolean;
}

interface Socket {
  ws: WebSocket;
  shard: [number, number] | null;
  intents: number;
  seq: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  /** The message a component sat on. */
  sourceMessageId?: string;
  responses: { type: number; data?: Json }[];
  originalMessageId?: string;
  followUps: string[];
}

export interface FakeOptions {
  token?: string;
  appId?: string;
  guilds?: FakeGuild[];
  shards?: number;
  /** Application flags reported by GET /applications/@me (Message Content bits by default). */
  appFlags?: number;
  /** Close with 4014 when IDENTIFY asks for Message Content. */
  refuseMessageContent?: boolean;
  heartbeatIntervalMs?: number;
}

const MESSAGE_CONTENT_INTENT = 1 << 15;
export const APP_FLAG_MESSAGE_CONTENT_LIMITED = 1 << 19;

export class FakeDiscord {
  readonly token: string;
  readonly appId: string;
  readonly bot: FakeUser;
  readonly guilds: FakeGuild[];
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, Json>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly identifies: { shard: [number, number]; intents: number }[] = [];
  readonly commands = { global: [] as Json[], guild: new Map<string, Json[]>() };
  readonly dmChannels = new Map<string, string>();
  heartbeats = 0;
  closes: number[] = [];
  options: FakeOptions;
  private server: Server;
  private wss: WebSocketServer;
  private sockets = new Set<Socket>();
  private injected: Injected[] = [];
  private expiredTokens = new Set<string>();
  private waiters: (() => void)[] = [];

  private constructor(options: FakeOptions) {
    this.options = options;
    this.token = options.token ?? 'fake-bot-token';
    this.appId = options.appId ?? '111111111111111111';
    this.bot = { id: this.appId, username: 'pipebot', bot: true };
    this.guilds = options.guilds ?? [];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(err), code: 0 }));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onSocket(ws));
  }

  static async start(options: FakeOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get shardCount(): number {
    return this.options.shards ?? 1;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── test controls ──────────────────────────────────────────────────────

  /** Answer the next `times` matching requests with 429 and a Retry-After. */
  rateLimit(method: string, pathPattern: RegExp, times = 1, retryAfterSec = 0.2): void {
    this.injected.push({
      match: (m, p) => m === method && pathPattern.test(p),
      times,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfterSec, global: false },
      headers: {
        'retry-after': String(retryAfterSec),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(retryAfterSec),
        'x-ratelimit-bucket': 'fakebucket',
        'x-ratelimit-scope': 'user',
      },
    });
  }

  /** Fail the next matching request; with `afterEffect` the effect happens and only the answer is lost. */
  fail(method: string, pathPattern: RegExp, status: number, afterEffect = false, times = 1): void {
    this.injected.push({
      match: (m, p) => m === method && pathPattern.test(p),
      times,
      status,
      body: { message: 'fake failure', code: 0 },
      afterEffect,
    });
  }

  /** Webhook calls with this interaction token now fail as Discord's do after 15 minutes. */
  expireToken(token: string): void {
    this.expiredTokens.add(token);
  }

  /** Resolve when `predicate` holds (checked after every request and gateway event). */
  async until<T>(predicate: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = predicate();
      if (v) return v;
      if (Date.now() - start > timeoutMs) throw new Error('fake Discord: timed out waiting');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const ws = this.waiters.splice(0);
    for (const w of ws) w();
  }

  channelMessages(channelId: string): Json[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  botMessages(channelId: string): Json[] {
    return this.channelMessages(channelId).filter((m) => m.author.id === this.bot.id);
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  /** The DM channel between the bot and a user (created on first use, like Discord). */
  dmChannel(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    return id;
  }

  shardOf(guildId: string | undefined): number {
    if (!guildId) return 0;
    return Number((BigInt(guildId) >> 22n) % BigInt(this.shardCount));
  }

  /** Send a dispatch to every connection of the shard that owns the guild (0 for DMs). */
  dispatch(t: string, d: Json, guildId?: string): void {
    const shard = this.shardOf(guildId);
    for (const s of this.sockets) {
      if (!s.shard || s.shard[0] !== shard || s.ws.readyState !== WebSocket.OPEN) continue;
      s.seq++;
      s.ws.send(JSON.stringify({ op: 0, t, s: s.seq, d: this.visibleTo(s, t, d) }));
    }
  }

  /** Without Message Content, Discord blanks guild messages that are not for the bot. */
  private visibleTo(s: Socket, t: string, d: Json): Json {
    if (t !== 'MESSAGE_CREATE' || s.intents & MESSAGE_CONTENT_INTENT || !d.guild_id) return d;
    const forBot =
      d.author?.id === this.bot.id ||
      d.mentions?.some((u: Json) => u.id === this.bot.id) ||
      d.referenced_message?.author?.id === this.bot.id;
    return forBot ? d : { ...d, content: '', embeds: [], attachments: [], components: [] };
  }

  /** Close every gateway connection with `code` (e.g. 4014). */
  closeGateway(code: number): void {
    for (const s of this.sockets) s.ws.close(code, 'closed by the fake');
  }

  // ── gateway ────────────────────────────────────────────────────────────

  private onSocket(ws: WebSocket): void {
    const socket: Socket = { ws, shard: null, intents: 0, seq: 0 };
    this.sockets.add(socket);
    ws.on('close', () => this.sockets.delete(socket));
    ws.send(
      JSON.stringify({
        op: 10,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 1_000 },
      }),
    );
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.op === 1) {
        this.heartbeats++;
        ws.send(JSON.stringify({ op: 11 }));
      } else if (msg.op === 2) this.identify(socket, msg.d);
      else if (msg.op === 6) ws.send(JSON.stringify({ op: 9, d: false }));
      this.notify();
    });
  }

  private identify(socket: Socket, d: Json): void {
    const close = (code: number) => {
      this.closes.push(code);
      socket.ws.close(code, `fake: ${code}`);
    };
    if (d.token !== this.token) {
      close(4004);
      return;
    }
    if (this.options.refuseMessageContent && d.intents & MESSAGE_CONTENT_INTENT) {
      close(4014);
      return;
    }
    const shard: [number, number] = d.shard ?? [0, 1];
    socket.shard = shard;
    socket.intents = d.intents;
    this.identifies.push({ shard, intents: d.intents });
    const mine = this.guilds.filter((g) => this.shardOf(g.id) === shard[0]);
    socket.seq++;
    socket.ws.send(
      JSON.stringify({
        op: 0,
        t: 'READY',
        s: socket.seq,
        d: {
          v: 10,
          user: this.userJson(this.bot),
          guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
          session_id: `session-${snowflake()}`,
          resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
          shard,
          application: { id: this.appId, flags: this.appFlags },
          private_channels: [],
          relationships: [],
          user_settings: {},
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
        },
      }),
    );
    for (const g of mine) {
      socket.seq++;
      socket.ws.send(
        JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: socket.seq, d: this.guildJson(g) }),
      );
    }
  }

  get appFlags(): number {
    return this.options.appFlags ?? APP_FLAG_MESSAGE_CONTENT_LIMITED;
  }

  userJson(u: FakeUser): Json {
    return {
      id: u.id,
      username: u.username,
      global_name: u.globalName ?? null,
      discriminator: '0',
      avatar: null,
      ...(u.bot ? { bot: true } : {}),
    };
  }

  guildJson(g: FakeGuild): Json {
    return {
      id: g.id,
      name: g.name,
      owner_id: g.ownerId,
      icon: null,
      unavailable: false,
      large: false,
      member_count: 3,
      joined_at: new Date().toISOString(),
      features: [],
      preferred_locale: 'en-US',
      roles: [
        {
          id: g.id,
          name: '@everyone',
          permissions: '1024',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      members: [],
      presences: [],
      voice_states: [],
      threads: [],
      stage_instances: [],
      guild_scheduled_events: [],
      channels: g.channels.map((c, position) => this.channelJson(c.id, g.id, c.name, position)),
    };
  }

  channelJson(id: string, guildId: string, name: string, position = 0): Json {
    return {
      id,
      type: 0,
      guild_id: guildId,
      name,
      position,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  guildOfChannel(channelId: string): FakeGuild | undefined {
    return this.guilds.find((g) => g.channels.some((c) => c.id === channelId));
  }

  // ── REST ───────────────────────────────────────────────────────────────

  private async readBody(
    req: IncomingMessage,
  ): Promise<{ body: Json; files: RecordedRequest['files'] }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const buf = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (buf.length === 0) return { body: null, files: [] };
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://fake/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: buf,
      }).formData();
      const files: RecordedRequest['files'] = [];
      let body: Json = null;
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json') body = JSON.parse(String(value));
        else if (typeof value !== 'string')
          files.push({ name: (value as File).name, size: value.size, type: value.type });
      }
      return { body, files };
    }
    return { body: JSON.parse(buf.toString('utf8')), files: [] };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const { body, files } = await this.readBody(req);
    const record: RecordedRequest = {
      method,
      path,
      query: url.searchParams,
      body,
      files,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, json: Json, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(
        status,
        status === 204 ? headers : { 'content-type': 'application/json', ...headers },
      );
      res.end(status === 204 ? undefined : JSON.stringify(json));
      this.notify();
    };

    const injected = this.injected.find((i) => i.times > 0 && i.match(method, path));
    if (injected && !injected.afterEffect) {
      injected.times--;
      return send(injected.status, injected.body, injected.headers);
    }

    const webhook = /^\/(interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(path);
    const isWebhook = Boolean(webhook);
    if (!isWebhook && req.headers.authorization !== `Bot ${this.token}`)
      return send(401, { message: '401: Unauthorized', code: 0 });

    const result = await this.route(method, path, url.searchParams, body, files);
    if (injected?.afterEffect) {
      injected.times--;
      return send(injected.status, injected.body, injected.headers);
    }
    return send(result.status, result.json);
  }

  private async route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Json,
    files: RecordedRequest['files'],
  ): Promise<{ status: number; json: Json }> {
    type Result = { status: number; json: Json };
    const ok = (json: Json, status = 200): Result => ({ status, json });
    const routes: [string, RegExp, (m: RegExpExecArray) => Result][] = [
      [
        'GET',
        /^\/gateway\/bot$/,
        () =>
          ok({
            url: `ws://127.0.0.1:${this.port}/gateway`,
            shards: this.shardCount,
            session_start_limit: {
              total: 1000,
              remaining: 999,
              reset_after: 60_000,
              max_concurrency: 1,
            },
          }),
      ],
      ['GET', /^\/users\/@me$/, () => ok(this.userJson(this.bot))],
      [
        'GET',
        /^\/applications\/@me$/,
        () => ok({ id: this.appId, name: 'pipebot', flags: this.appFlags, bot_public: false }),
      ],
      [
        'PUT',
        /^\/applications\/(\d+)\/commands$/,
        () => {
          this.commands.global = body;
          return ok(this.commandsJson(body));
        },
      ],
      [
        'PUT',
        /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        (m) => {
          this.commands.guild.set(m[2]!, body);
          return ok(this.commandsJson(body, m[2]));
        },
      ],
      [
        'POST',
        /^\/users\/@me\/channels$/,
        () => ok(this.dmJson(this.dmChannel(body.recipient_id), body.recipient_id)),
      ],
      ['GET', /^\/channels\/(\d+)$/, (m) => this.getChannel(m[1]!)],
      ['POST', /^\/channels\/(\d+)\/typing$/, () => ok(null, 204)],
      [
        'POST',
        /^\/channels\/(\d+)\/messages$/,
        (m) => {
          const channelId = m[1]!;
          if (body.enforce_nonce && body.nonce !== undefined) {
            const twin = this.channelMessages(channelId).find(
              (x) => x.nonce === body.nonce && x.author.id === this.bot.id,
            );
            if (twin) return ok(twin);
          }
          return ok(this.createMessage(channelId, body, files));
        },
      ],
      [
        'PATCH',
        /^\/channels\/(\d+)\/messages\/(\d+)$/,
        (m) => {
          const msg = this.messages.get(m[2]!);
          if (!msg) return { status: 404, json: { message: 'Unknown Message', code: 10008 } };
          return ok(this.editMessage(msg, body, files));
        },
      ],
      [
        'POST',
        /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
        (m) => this.callback(m[1]!, m[2]!, query, body, files),
      ],
      [
        '*',
        /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/,
        (m) => this.webhook(method, m[2]!, m[3], body, files),
      ],
    ];
    for (const [verb, re, handler] of routes) {
      if (verb !== '*' && verb !== method) continue;
      const m = re.exec(path);
      if (m) return handler(m);
    }
    return { status: 404, json: { message: `fake: no route ${method} ${path}`, code: 0 } };
  }

  private getChannel(id: string): { status: number; json: Json } {
    const guild = this.guildOfChannel(id);
    if (guild) {
      const c = guild.channels.find((x) => x.id === id)!;
      return { status: 200, json: this.channelJson(id, guild.id, c.name) };
    }
    const user = [...this.dmChannels.entries()].find(([, c]) => c === id)?.[0];
    if (user) return { status: 200, json: this.dmJson(id, user) };
    return { status: 404, json: { message: 'Unknown Channel', code: 10003 } };
  }

  /** Interaction follow-ups and edits of the original response, by interaction token. */
  private webhook(
    method: string,
    token: string,
    messageRef: string | undefined,
    body: Json,
    files: RecordedRequest['files'],
  ): { status: number; json: Json } {
    const interaction = [...this.interactions.values()].find((i) => i.token === token);
    if (!interaction || this.expiredTokens.has(token))
      return { status: 404, json: { message: 'Unknown Webhook', code: 10015 } };
    if (method === 'POST' && !messageRef) {
      const msg = this.createMessage(interaction.channelId, body, files, true);
      interaction.followUps.push(msg.id);
      return { status: 200, json: msg };
    }
    const id = messageRef === '@original' ? interaction.originalMessageId : messageRef;
    const msg = id ? this.messages.get(id) : undefined;
    if (!msg) return { status: 404, json: { message: 'Unknown Message', code: 10008 } };
    if (method === 'PATCH') return { status: 200, json: this.editMessage(msg, body, files) };
    return { status: 200, json: msg };
  }

  private commandsJson(body: Json[], guildId?: string): Json[] {
    return body.map((c) => ({
      ...c,
      id: snowflake(),
      application_id: this.appId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    }));
  }

  private dmJson(id: string, userId: string): Json {
    return {
      id,
      type: 1,
      last_message_id: null,
      recipients: [this.userJson({ id: userId, username: `user${userId.slice(-4)}` })],
    };
  }

  private createMessage(
    channelId: string,
    body: Json,
    files: RecordedRequest['files'],
    viaInteraction = false,
  ): Json {
    const guild = this.guildOfChannel(channelId);
    const ref = body.message_reference;
    const msg: Json = {
      id: snowflake(),
      channel_id: channelId,
      ...(guild ? { guild_id: guild.id } : {}),
      author: this.userJson(this.bot),
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      attachments: files.map((f, i) => ({
        id: snowflake(),
        filename: f.name,
        size: f.size,
        url: `https://cdn.fake/${i}/${f.name}`,
        proxy_url: `https://cdn.fake/${i}/${f.name}`,
        content_type: f.type,
        description: body.attachments?.[i]?.description,
      })),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      type: ref ? 19 : 0,
      flags: body.flags ?? 0,
      nonce: body.nonce,
      allowed_mentions: body.allowed_mentions,
      ...(ref ? { message_reference: { type: 0, channel_id: channelId, ...ref } } : {}),
      ...(viaInteraction ? { application_id: this.appId, webhook_id: this.appId } : {}),
    };
    this.messages.set(msg.id, msg);
    // Discord echoes the bot's own public messages through the gateway; the bot must ignore them.
    if (!(msg.flags & 64))
      this.dispatch('MESSAGE_CREATE', { ...msg, channel_type: guild ? 0 : 1 }, guild?.id);
    return msg;
  }

  private editMessage(msg: Json, body: Json, files: RecordedRequest['files']): Json {
    for (const key of ['content', 'embeds', 'components', 'flags'] as const)
      if (body?.[key] !== undefined) msg[key] = body[key];
    if (body?.attachments !== undefined || files.length)
      msg.attachments = files.map((f) => ({ id: snowflake(), filename: f.name, size: f.size }));
    msg.edited_timestamp = new Date().toISOString();
    msg.edits = (msg.edits ?? 0) + 1;
    return msg;
  }

  private callback(
    id: string,
    token: string,
    query: URLSearchParams,
    body: Json,
    files: RecordedRequest['files'],
  ): { status: number; json: Json } {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token || this.expiredTokens.has(token))
      return { status: 404, json: { message: 'Unknown interaction', code: 10062 } };
    if (interaction.responses.some((r) => r.type !== 8) && body.type !== 8)
      return {
        status: 400,
        json: { message: 'Interaction has already been acknowledged.', code: 40060 },
      };
    interaction.responses.push({ type: body.type, data: body.data });
    let message: Json | undefined;
    if (body.type === 4) {
      message = this.createMessage(interaction.channelId, body.data ?? {}, files, true);
      interaction.originalMessageId = message.id;
    } else if (body.type === 5) {
      message = this.createMessage(
        interaction.channelId,
        { content: '', flags: (body.data?.flags ?? 0) | 128 },
        [],
        true,
      );
      interaction.originalMessageId = message.id;
    } else if (body.type === 6 || body.type === 7) {
      interaction.originalMessageId = interaction.sourceMessageId;
      const source = interaction.sourceMessageId
        ? this.messages.get(interaction.sourceMessageId)
        : undefined;
      if (body.type === 7 && source) message = this.editMessage(source, body.data ?? {}, files);
    }
    if (query.get('with_response') !== 'true') return { status: 204, json: null };
    return {
      status: 200,
      json: {
        interaction: {
          id,
          type: 2,
          response_message_id: message?.id,
          response_message_loading: body.type === 5,
          response_message_ephemeral: Boolean((message?.flags ?? 0) & 64),
        },
        resource: { type: body.type, ...(message ? { message } : {}) },
      },
    };
  }
}

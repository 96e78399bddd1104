/**
 * A fake OpenAI-compatible server: a local HTTP server (port 0) speaking the
 * chat completions wire format, scripted per request, so tests drive the
 * REAL openai client through every fault via its baseURL.
 *
 * Replies are taken from a queue in order; when the queue is empty the
 * default responder answers (by default an `other` extraction).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens?: number;
}

export type FakeReply =
  /** A structured-output answer: `body` is sent as the message content, JSON-encoded. */
  | { kind: 'json'; body: unknown; usage?: FakeUsage }
  /** Raw message content (e.g. invalid JSON), with an optional finish reason. */
  | { kind: 'content'; content: string; finishReason?: string; usage?: FakeUsage }
  | { kind: 'refusal'; refusal?: string }
  /** The answer was cut off: partial JSON and `finish_reason: length`. */
  | { kind: 'length' }
  /** An HTTP error in OpenAI's error format. */
  | {
      kind: 'error';
      status: number;
      code?: string | null;
      type?: string;
      message?: string;
      headers?: Record<string, string>;
    }
  /** Never answer (until the server closes). */
  | { kind: 'hang' }
  /** Drop the connection without answering. */
  | { kind: 'reset' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean } };
    max_completion_tokens?: number;
    [k: string]: unknown;
  };
}

export type Responder = (req: RecordedRequest) => FakeReply;

export interface FakeOpenAI {
  /** The base URL to give the client (ends in /v1). */
  url: string;
  requests: RecordedRequest[];
  /** Queue replies for the next requests, in order. */
  enqueue(...replies: FakeReply[]): void;
  /** What to answer when the queue is empty. */
  setDefault(responder: Responder | FakeReply): void;
  /** Forget recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeUsage = { prompt_tokens: 900, completion_tokens: 120, cached_tokens: 640 };

export const rateLimited = (retryAfterSeconds?: number): FakeReply => ({
  kind: 'error',
  status: 429,
  code: 'rate_limit_exceeded',
  type: 'requests',
  message: 'Rate limit reached',
  ...(retryAfterSeconds === undefined
    ? {}
    : { headers: { 'retry-after': String(retryAfterSeconds) } }),
});

export const quotaExceeded: FakeReply = {
  kind: 'error',
  status: 429,
  code: 'insufficient_quota',
  type: 'insufficient_quota',
  message: 'You exceeded your current quota, please check your plan and billing details.',
};

export const serverError = (status = 500): FakeReply => ({
  kind: 'error',
  status,
  type: 'server_error',
  message: 'The server had an error while processing your request.',
});

function completion(
  model: string,
  message: { content: string | null; refusal: string | null },
  finishReason: string,
  usage: FakeUsage,
) {
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', ...message },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let responder: Responder = () => ({ kind: 'json', body: { intent: 'other', updates: [] } });

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: RecordedRequest['body'] = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      body = {};
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
      return;
    }
    const reply = queue.shift() ?? responder(recorded);
    const model = body.model ?? 'fake-model';
    switch (reply.kind) {
      case 'json':
        send(
          res,
          200,
          completion(
            model,
            { content: JSON.stringify(reply.body), refusal: null },
            'stop',
            reply.usage ?? DEFAULT_USAGE,
          ),
        );
        return;
      case 'content':
        send(
          res,
          200,
          completion(
            model,
            { content: reply.content, refusal: null },
            reply.finishReason ?? 'stop',
            reply.usage ?? DEFAULT_USAGE,
          ),
        );
        return;
      case 'refusal':
        send(
          res,
          200,
          completion(
            model,
            { content: null, refusal: reply.refusal ?? 'I’m sorry, I can’t help with that.' },
            'stop',
            { prompt_tokens: 900, completion_tokens: 10 },
          ),
        );
        return;
      case 'length':
        send(
          res,
          200,
          completion(
            model,
            { content: '{"intent":"update","updates":[{"account":"Ac', refusal: null },
            'length',
            { prompt_tokens: 900, completion_tokens: 2000 },
          ),
        );
        return;
      case 'error':
        send(
          res,
          reply.status,
          {
            error: {
              message: reply.message ?? 'error',
              type: reply.type ?? 'server_error',
              param: null,
              code: reply.code ?? null,
            },
          },
          reply.headers,
        );
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault(r) {
      responder = typeof r === 'function' ? r : () => r;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

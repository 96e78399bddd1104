/**
 * A small OpenAI-compatible server for tests: POST /v1/chat/completions in the
 * chat-completions wire format (tool calls included). The real openai client
 * talks to it through its base URL; tests script the replies and inspect the
 * requests. Listens on port 0.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the request body as the client sent it.
  body: any;
}

export type FakeReply =
  | { status?: number; json: unknown }
  /** Never answer (the client's timeout fires). */
  | { hang: true };

export interface FakeOpenAI {
  baseURL: string;
  requests: RecordedRequest[];
  /** Queue replies, used in order; with none queued the server answers 500. */
  enqueue(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

let counter = 0;

/** A chat completion whose assistant message calls tools (arguments as given: a string is sent raw). */
export function toolCalls(
  calls: { name: string; arguments: unknown }[],
  content: string | null = null,
): FakeReply {
  return {
    json: {
      id: `chatcmpl-${++counter}`,
      object: 'chat.completion',
      created: 1_764_000_000,
      model: 'fake-model',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content,
            refusal: null,
            tool_calls: calls.map((c, i) => ({
              id: `call_${counter}_${i}`,
              type: 'function',
              function: {
                name: c.name,
                arguments:
                  typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
              },
            })),
          },
        },
      ],
      usage: {
        prompt_tokens: 812,
        completion_tokens: 23,
        total_tokens: 835,
        prompt_tokens_details: { cached_tokens: 512 },
      },
    },
  };
}

/** A chat completion with only text (no tool call). */
export function textOnly(content: string): FakeReply {
  return {
    json: {
      id: `chatcmpl-${++counter}`,
      object: 'chat.completion',
      created: 1_764_000_000,
      model: 'fake-model',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', content, refusal: null },
        },
      ],
      usage: { prompt_tokens: 800, completion_tokens: 12, total_tokens: 812 },
    },
  };
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // keep the raw text
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const reply = queue.shift();
      if (!reply) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'no reply scripted', type: 'server_error' } }));
        return;
      }
      if ('hang' in reply) {
        const end = () => res.destroy();
        hanging.add(end);
        res.on('close', () => hanging.delete(end));
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

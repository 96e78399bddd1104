/**
 * The HTTP side of the openai client: a fetch wrapper that keeps the SDK's
 * retries short and honest, and notes each call's token usage.
 *
 * - The SDK retries 429, 5xx, timeouts and connection resets, and waits as
 *   long as a Retry-After header says. A server that asks for more than
 *   `maxRetryDelayMs` is not retried: the message falls back to the offline
 *   extractor at once and the circuit breaker waits out the Retry-After.
 * - `insufficient_quota` comes as a 429 but will not heal by retrying.
 * - A dropped connection has no response to carry a wait, so the SDK retries
 *   it after its own backoff (about 0.5 s, then 1 s).
 * - Usage is read from the response body here because a completion the SDK
 *   then rejects (truncated, invalid JSON, schema violation) still cost
 *   tokens, and the per-workspace token cap must count them.
 */

export interface TransportOptions {
  /** The first retry waits this long, doubling per retry (the SDK's own default is 500 ms). */
  retryBaseDelayMs: number;
  /** A server asking to wait longer than this (Retry-After) is not retried. */
  maxRetryDelayMs: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = {
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 5_000,
};

/** A request header naming one logical call, so its usage can be found; stripped before sending. */
export const CALL_ID_HEADER = 'x-pipebot-call';

export interface Usage {
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The wait a response asks for (Retry-After-Ms or Retry-After, seconds or an HTTP date), if any. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | null {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return null;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const count = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : null;

function usageOf(body: string): Usage | null {
  try {
    const u = (JSON.parse(body) as { usage?: Record<string, unknown> }).usage;
    if (!u || typeof u !== 'object') return null;
    const details = u.prompt_tokens_details as Record<string, unknown> | undefined;
    return {
      promptTokens: count(u.prompt_tokens),
      completionTokens: count(u.completion_tokens),
      cachedTokens: count(details?.cached_tokens),
    };
  } catch {
    return null;
  }
}

function isQuotaError(body: string): boolean {
  try {
    const e = (JSON.parse(body) as { error?: { code?: unknown; type?: unknown } }).error;
    return e?.code === 'insufficient_quota' || e?.type === 'insufficient_quota';
  } catch {
    return false;
  }
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export interface Transport {
  fetch: Fetch;
  /** The usage reported for a call (and forget it). */
  takeUsage(callId: string): Usage | null;
}

export function createTransport(options: TransportOptions, base: Fetch = fetch): Transport {
  const usage = new Map<string, Usage>();
  const wrapped: Fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const callId = headers.get(CALL_ID_HEADER);
    headers.delete(CALL_ID_HEADER);
    const attempt = Number(headers.get('x-stainless-retry-count') ?? 0) || 0;
    const res = await base(input, { ...init, headers });
    if (res.ok) {
      if (!callId) return res;
      const text = await res.text();
      const u = usageOf(text);
      if (u) usage.set(callId, u);
      return new Response(text, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    }
    if (!retryable(res.status)) return res;
    const body = await res.text();
    const out = new Headers(res.headers);
    const asked = retryAfterMs(res.headers);
    if (isQuotaError(body) || (asked !== null && asked > options.maxRetryDelayMs)) {
      out.set('x-should-retry', 'false');
    } else {
      const backoff = Math.min(options.maxRetryDelayMs, options.retryBaseDelayMs * 2 ** attempt);
      out.set('retry-after-ms', String(Math.max(1, asked ?? backoff)));
    }
    return new Response(body, { status: res.status, statusText: res.statusText, headers: out });
  };
  return {
    fetch: wrapped,
    takeUsage(callId) {
      const u = usage.get(callId) ?? null;
      usage.delete(callId);
      return u;
    },
  };
}

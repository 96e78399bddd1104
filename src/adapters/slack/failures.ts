/**
 * What a failed Web API call means for a retry: wait (429), try again
 * (a timeout, a 5xx — possibly after it went through), or give up.
 */
import { webApi } from '@slack/bolt';

export type Failure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** May be worth another try; `ambiguous`: the post may have gone through. */
  | { kind: 'transient'; ambiguous: boolean }
  | { kind: 'fatal'; error: string };

const TRANSIENT_PLATFORM = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export function classifyFailure(err: unknown): Failure {
  const e = err as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
  };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case webApi.ErrorCode.RequestError:
      return { kind: 'transient', ambiguous: true };
    case webApi.ErrorCode.HTTPError:
      return (e.statusCode ?? 0) >= 500
        ? { kind: 'transient', ambiguous: true }
        : { kind: 'fatal', error: `http ${e.statusCode}` };
    case webApi.ErrorCode.PlatformError: {
      const error = e.data?.error ?? 'unknown';
      if (error === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000 };
      if (TRANSIENT_PLATFORM.has(error)) return { kind: 'transient', ambiguous: true };
      return { kind: 'fatal', error };
    }
    default:
      return { kind: 'fatal', error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Slack request signatures (v0): `v0=` + hex HMAC-SHA256 of
 * `v0:<timestamp>:<raw body>` keyed with the signing secret. A request is
 * accepted only with both headers, a matching signature, and a timestamp
 * within five minutes of now in either direction — stale ones are replays,
 * far-future ones are pre-signed replays waiting to happen.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_SECONDS = 5 * 60;

export type VerifyFailure =
  | 'missing_headers'
  | 'bad_timestamp'
  | 'stale'
  | 'future'
  | 'bad_signature';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  signingSecret: string;
  /** The `X-Slack-Request-Timestamp` header (seconds since the epoch). */
  timestamp: string | undefined;
  /** The `X-Slack-Signature` header. */
  signature: string | undefined;
  rawBody: Buffer | string;
  now: Date;
  maxSkewSeconds?: number;
}

export function signSlackRequest(
  signingSecret: string,
  timestamp: string,
  rawBody: Buffer | string,
) {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

export function verifySlackSignature(input: VerifyInput): VerifyResult {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const skew = Math.floor(input.now.getTime() / 1000) - Number(timestamp);
  const max = input.maxSkewSeconds ?? MAX_SKEW_SECONDS;
  if (skew > max) return { ok: false, reason: 'stale' };
  if (skew < -max) return { ok: false, reason: 'future' };
  const expected = Buffer.from(signSlackRequest(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

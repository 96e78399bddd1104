// Proves Slack signature verification: a correct v0 signature within five minutes passes; a wrong secret, a changed body, stale or far-future timestamps and missing or malformed headers fail with a reason.
import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from '../../../src/adapters/slack/verify.ts';

const secret = 'shh';
const now = new Date('2026-11-25T12:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
const body = 'token=x&team_id=T1&text=hello';

const check = (over: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
  verifySlackSignature({
    signingSecret: secret,
    timestamp: ts,
    signature: signSlackRequest(secret, ts, body),
    rawBody: body,
    now,
    ...over,
  });

describe('verifySlackSignature', () => {
  it('accepts a correct signature, also a few minutes either side of now', () => {
    expect(check({})).toEqual({ ok: true });
    for (const skew of [-299, 299]) {
      const t = String(Number(ts) + skew);
      expect(check({ timestamp: t, signature: signSlackRequest(secret, t, body) })).toEqual({
        ok: true,
      });
    }
  });

  it('refuses each kind of bad request with its reason', () => {
    const stale = String(Number(ts) - 301);
    const future = String(Number(ts) + 301);
    expect(check({ signature: signSlackRequest('other', ts, body) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(check({ rawBody: `${body}&admin=1` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ signature: 'v1=abc' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ timestamp: stale, signature: signSlackRequest(secret, stale, body) })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(check({ timestamp: future, signature: signSlackRequest(secret, future, body) })).toEqual(
      { ok: false, reason: 'future' },
    );
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(check({ timestamp: '12e5' })).toEqual({ ok: false, reason: 'bad_timestamp' });
  });
});

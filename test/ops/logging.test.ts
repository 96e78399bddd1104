// Proves logs are structured JSON that never carry secrets or message text, and that connection strings are printed without passwords.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../src/log.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  it('redacts tokens, keys, authorization headers and message text', () => {
    const { lines, stream } = capture();
    const log = createLogger('debug', stream);
    log.info(
      {
        token: 'xoxb-111-222-secret',
        slack: { botToken: 'xoxb-333', signingSecret: 'shh' },
        llm: { apiKey: 'sk-live-123' },
        headers: { authorization: 'Bearer abc' },
        text: 'met Acme, confidential pricing 50k',
        inboxId: 'abc',
        workspaceId: 'w1',
      },
      'something happened',
    );
    const out = lines.join('');
    const entry = JSON.parse(out) as Record<string, unknown>;
    expect(entry.msg).toBe('something happened');
    expect(entry.inboxId).toBe('abc');
    expect(entry.workspaceId).toBe('w1');
    for (const secret of [
      'xoxb-111-222-secret',
      'xoxb-333',
      'shh',
      'sk-live-123',
      'Bearer abc',
      'confidential pricing',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });

  it('hides passwords in database URLs', () => {
    expect(redactUrl('postgres://bob:hunter2@db.example:5432/pipebot')).toBe(
      'postgres://bob:***@db.example:5432/pipebot',
    );
    expect(redactUrl('postgres://db.example/pipebot')).toBe('postgres://db.example/pipebot');
  });
});

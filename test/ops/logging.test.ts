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
    // Token-shaped, but put together here so that no token-shaped string is committed.
    const botToken = ['xoxb', '111', '222', 'secret'].join('-');
    log.info(
      {
        token: botToken,
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
      botToken,
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

describe('logged errors', () => {
  it('keep the kind of failure but not the query parameters', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    const cause = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), {
      code: 'CONNECTION_CLOSED',
    });
    const err = Object.assign(
      new Error(
        'Failed query: insert into inbox (text) values ($1)\nparams: met Acme, secret price 77k',
        { cause },
      ),
      { query: 'insert into inbox (text) values ($1)', params: ['met Acme, secret price 77k'] },
    );
    log.error({ err }, 'processing failed');
    const out = lines.join('');
    expect(out).not.toContain('secret price');
    const entry = JSON.parse(out) as { err: { message: string; cause: { code: string } } };
    expect(entry.err.message).toBe('Failed query: insert into inbox (text) values ($1)');
    expect(entry.err.cause.code).toBe('CONNECTION_CLOSED');
  });
});

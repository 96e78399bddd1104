// Which failures are retried as lost connections, and the postgres-js crash that is survived.
import { describe, expect, it } from 'vitest';
import { isConnectionError, withReconnect } from '../../src/db/connect.ts';
import { isPostgresClosedSocketError } from '../../src/db/crashGuard.ts';

const coded = (code: string, cause?: unknown) =>
  Object.assign(new Error(`failed: ${code}`), { code }, cause ? { cause } : {});

describe('isConnectionError', () => {
  it('recognises driver, socket and server-shutdown codes, also as a cause', () => {
    expect(isConnectionError(coded('CONNECTION_CLOSED'))).toBe(true);
    expect(isConnectionError(coded('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(coded('57P01'))).toBe(true);
    // Drizzle wraps the driver's error as the cause of "Failed query: …".
    expect(isConnectionError(new Error('Failed query', { cause: coded('ECONNRESET') }))).toBe(true);
  });

  it('does not treat query errors as connection errors', () => {
    expect(isConnectionError(coded('23505'))).toBe(false);
    expect(isConnectionError(new Error('plain'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});

describe('withReconnect', () => {
  it('retries a statement whose connection failed, then returns its result', async () => {
    let calls = 0;
    const result = await withReconnect(
      async () => {
        calls++;
        if (calls < 3) throw coded('CONNECTION_ENDED');
        return 'stored';
      },
      3,
      1,
    );
    expect(result).toBe('stored');
    expect(calls).toBe(3);
  });

  it('gives up after the attempts and rethrows the last error', async () => {
    let calls = 0;
    await expect(
      withReconnect(
        async () => {
          calls++;
          throw coded('ECONNREFUSED');
        },
        3,
        1,
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(3);
  });

  it('never repeats a statement that failed for another reason', async () => {
    let calls = 0;
    await expect(
      withReconnect(async () => {
        calls++;
        throw coded('23505');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });
});

describe('isPostgresClosedSocketError', () => {
  it("matches only the driver's null-socket write", () => {
    const bug = new TypeError("Cannot read properties of null (reading 'write')");
    bug.stack = `${bug.message}\n    at nextWrite (/app/node_modules/postgres/src/connection.js:258:12)`;
    expect(isPostgresClosedSocketError(bug)).toBe(true);
    const ours = new TypeError("Cannot read properties of null (reading 'write')");
    ours.stack = `${ours.message}\n    at send (/app/src/adapters/slack/sender.ts:10:3)`;
    expect(isPostgresClosedSocketError(ours)).toBe(false);
    expect(isPostgresClosedSocketError(new Error('boom'))).toBe(false);
  });
});

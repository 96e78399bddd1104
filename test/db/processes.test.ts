// Proves two pipebot processes starting at once both succeed on one Postgres, and that a second process on the same embedded directory is refused with a clear error instead of corrupting it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import { createEmptyDatabase, DRIVERS } from '../helpers/db.ts';

function pipebot(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/pipebot.js', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('several processes', () => {
  it.runIf(DRIVERS.includes('postgres'))(
    'migrate the same fresh Postgres at the same moment without failing',
    async () => {
      const empty = await createEmptyDatabase('postgres');
      try {
        const results = await Promise.all(
          [1, 2, 3].map(() => pipebot(['migrate'], { DATABASE_URL: empty.url })),
        );
        for (const r of results) {
          expect(r.err).toBe('');
          expect(r.code).toBe(0);
          expect(r.out).toContain('migrations applied');
        }
      } finally {
        await empty.drop();
      }
    },
    60_000,
  );

  it('refuses a second process on an embedded directory that is in use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-lock-'));
    dirs.push(dir);
    const held = await openDatabase({ url: undefined, pgliteDir: join(dir, 'db') });
    try {
      const r = await pipebot(['migrate'], { PGLITE_DIR: join(dir, 'db') });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/in use by process \d+; stop it, or use Postgres/);
    } finally {
      await held.close();
    }
    const after = await pipebot(['migrate'], { PGLITE_DIR: join(dir, 'db') });
    expect(after.code).toBe(0);
  }, 60_000);
});

// Proves `pipebot digest` and `pipebot nudges` on the demo data: dry runs print without posting, a real run posts once through the console outbound, and a second run posts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { createEmptyDatabase, DRIVERS } from '../helpers/db.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += String(c);
  });
  stderr.on('data', (c) => {
    err += String(c);
  });
  const code = await main(args, {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: { LOG_LEVEL: 'silent', PIPEBOT_TIMEZONE: 'UTC' },
  });
  return { code, out, err };
}

// Monday 30 November 2026, 09:00 in New York (the English demo's zone).
const NOW = '2026-11-30T09:00:00-05:00';

describe.each(DRIVERS)('digest and nudges commands on %s', (driver) => {
  let target = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    if (driver === 'postgres') {
      const empty = await createEmptyDatabase('postgres');
      target = empty.url;
      cleanup = empty.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'pipebot-cli-'));
      target = join(dir, 'db');
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    const seeded = await run(['--db', target, '--workspace', 'demo', '--now', NOW, 'seed-demo']);
    expect(seeded.code).toBe(0);
  });
  afterAll(async () => {
    await cleanup();
  });
  const cli = (...args: string[]) =>
    run(['--db', target, '--workspace', 'demo', '--now', NOW, ...args]);

  it('prints the digest on a dry run, posts it once, then refuses to post it again', async () => {
    const dry = await cli('digest', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('(dry run: nothing is posted)');
    expect(dry.out).toContain('■ Pipeline digest — Mon, Nov 30');
    expect(dry.out).toContain('This week: stage conversion');
    const sent = await cli('digest');
    expect(sent.code).toBe(0);
    expect(sent.out).toMatch(/^→ #console\n■ Pipeline digest — Mon, Nov 30/);
    const again = await cli('digest');
    expect(again.out).toBe('the digest for 2026-11-30 was already posted (or is being posted)\n');
  });

  it('prints each member’s nudge on a dry run, sends them once, then not again', async () => {
    const dry = await cli('nudges', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('→ Bob Miller (bob)');
    expect(dry.out).toContain('■ 李娜,今天有 2 项需要你跟进');
    expect(dry.out).toContain('nothing to nudge: Alice Chen');
    const sent = await cli('nudges');
    expect(sent.code).toBe(0);
    expect(sent.out.match(/^→ \w+\n■ /gm)).toHaveLength(5);
    const again = await cli('nudges');
    expect(again.out.match(/today’s nudge was already sent/g)).toHaveLength(5);
    expect(again.out).not.toContain('■');
  });

  it('says when the workspace does not exist', async () => {
    const r = await run(['--db', target, '--workspace', 'nope', 'digest', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no workspace "nope" yet');
  });
});

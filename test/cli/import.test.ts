// Proves a 50,000-row CSV goes through `pipebot import` as one batched operation (bad lines reported, good rows written, a re-import updating instead of duplicating) and comes back out of `pipebot export` streamed, as CSV and as JSON.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createEmptyDatabase, DRIVERS } from '../helpers/db.ts';

const ROWS = 50_000;
const HEADER =
  'account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at';
const STAGES = [
  'prospecting',
  'needs_analysis',
  '方案制定',
  'Quote',
  'negotiation',
  'closed_won',
  '丢单',
];
const CURRENCIES = ['USD', 'EUR', 'CNY'];

function csv(): string {
  const lines = [HEADER];
  for (let i = 0; i < ROWS; i++) {
    lines.push(
      [
        i % 10 === 0 ? `"Company ${i}, Inc."` : `Company ${i}`,
        '',
        `Rep ${i % 23}`,
        STAGES[i % STAGES.length],
        String(1000 + (i % 997) * 10),
        CURRENCIES[i % 3],
        `2027-0${(i % 9) + 1}-15`,
        i % 4 === 0 ? 'follow up' : '',
        i % 4 === 0 ? '2026-12-01' : '',
        '2026-11-20T10:00:00Z',
        '2026-10-01',
      ].join(','),
    );
    // A few bad lines among the good ones.
    if (i === 100) lines.push('Bad Co,,Rep 1,no-such-stage,10,USD,,,,,');
    if (i === 20_000) lines.push('Bad Co,,Rep 1,quote,-5,USD,,,,,');
    if (i === 40_000) lines.push(',,Rep 1,quote,5,USD,,,,,');
  }
  return `${lines.join('\n')}\n`;
}

describe.each(DRIVERS)('a 50,000-row CSV through the CLI on %s', (driver) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void> = async () => {};
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pipebot-import-'));
    file = join(dir, 'deals.csv');
    writeFileSync(file, csv());
    if (driver === 'pglite') db = join(dir, 'db');
    else {
      const empty = await createEmptyDatabase('postgres');
      db = empty.url;
      drop = empty.drop;
    }
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports, re-imports and exports every row', async () => {
    const started = performance.now();
    const first = await runCli(['--db', db, '--now', '2026-11-25T15:00:00Z', 'import', file]);
    const imported = performance.now();
    expect(first.stdout).toBe(
      `imported ${ROWS} rows (${ROWS} new deals, 0 updated); 3 bad rows skipped\n`,
    );
    expect(first.code).toBe(1);
    expect(first.stderr.split('\n').filter(Boolean)).toEqual([
      'line 103: unknown stage "no-such-stage" (use one of prospecting, needs_analysis, proposal, quote, negotiation, closed_won, closed_lost)',
      'line 20004: amount "-5" is not a non-negative number',
      'line 40005: account is empty',
    ]);

    const again = await runCli(['--db', db, '--now', '2026-11-26T15:00:00Z', 'import', file]);
    const reimported = performance.now();
    expect(again.stdout).toBe(
      `imported ${ROWS} rows (0 new deals, ${ROWS} updated); 3 bad rows skipped\n`,
    );

    const exported = await runCli(['--db', db, 'export']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines).toContain(
      '"Company 10, Inc.","Company 10, Inc.",Rep 10,quote,1100,EUR,2027-02-15,,,2026-11-20T10:00:00.000Z,2026-10-01T00:00:00.000Z',
    );
    const json = await runCli(['--db', db, 'export', '--format', 'json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.deals).toHaveLength(ROWS);
    expect(new Set(parsed.deals.map((d: { id: string }) => d.id)).size).toBe(ROWS);
    const done = performance.now();
    // Timings are reported, never asserted.
    console.info(
      `${driver}: import ${Math.round(imported - started)} ms, re-import ${Math.round(reimported - imported)} ms, exports ${Math.round(done - reimported)} ms for ${ROWS} rows`,
    );
  }, 600_000);
});

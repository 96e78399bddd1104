// Proves the `pipebot` command: help for every subcommand, one-line errors with non-zero exits, the console bot driven through stdin, import/export round trip, and the real `npm start` process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/registry.ts';
import { main } from '../../src/cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pipebot-cli-'));
  dirs.push(d);
  return d;
}

async function run(argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]) as Readable & {
    isTTY?: boolean;
  };
  const code = await main(argv, {
    stdin,
    stdout,
    stderr,
    env: { PIPEBOT_TIMEZONE: 'America/New_York', ...options.env },
  });
  return { code, out, err };
}

describe('pipebot command', () => {
  it('prints help for pipebot and every subcommand', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const c of COMMANDS) {
      expect(top.out).toContain(c.name);
      const h = await run([...c.name.split(' '), '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toContain(`pipebot ${c.name}`);
    }
  });

  it('fails with a one-line error and exit 2 on bad arguments', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['export', '--format', 'xml'], /--format must be csv or json/],
      [['export', '--bogus'], /Unknown option '--bogus'/],
      [['chat', '--now', 'next tuesday'], /--now must be ISO 8601/],
      [['import'], /give exactly one CSV file/],
      [['import', '/nonexistent/file.csv'], /no such file/],
      [['--workspace', 'a b', 'export'], /--workspace must be/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(argv, { env: { DATABASE_URL: 'memory://' } });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('reports every bad environment variable with its fix', async () => {
    const r = await run(['migrate'], { env: { PORT: 'abc', PIPEBOT_CURRENCY: 'euros' } });
    expect(r.code).toBe(2);
    expect(r.err).toContain('PORT:');
    expect(r.err).toContain('PIPEBOT_CURRENCY:');
    expect(r.err).toContain('fix:');
  });

  it('logs updates read from stdin into the database, and exports them', async () => {
    const dir = tempDir();
    const env = { PGLITE_DIR: join(dir, 'db') };
    const chat = await run(['start'], {
      stdin: 'met Acme, they need SSO, 50k, follow up Friday\n\npipeline\n',
      env,
    });
    expect(chat.code).toBe(0);
    expect(chat.err).toMatch(/console chat on embedded database at .*offline extractor/);
    expect(chat.out).toContain('New deal: Acme');
    expect(chat.out).toContain('$50,000');
    expect(chat.out).toContain('Open pipeline');
    const exported = await run(['export', '--format', 'json'], { env });
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.out) as {
      deals: { account: string; amount: number; needs: string[] }[];
    };
    expect(data.deals).toHaveLength(1);
    expect(data.deals[0]).toMatchObject({ account: 'Acme', amount: 50000, needs: ['SSO'] });
  });

  it('imports a CSV with good and bad rows, reporting the bad ones by line', async () => {
    const dir = tempDir();
    const file = join(dir, 'deals.csv');
    writeFileSync(
      file,
      [
        'account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at',
        'Acme Corp,,Alice,quote,50000,USD,2026-12-31,send contract,2026-12-01,,',
        '"Globex, Inc.",Renewal,Bob,谈判,"120,000",EUR,,,,,',
        ',,,,,,,,,,',
        'Initech,,Carol,sideways,,,,,,,',
        'Hooli,,Carol,proposal,-1,,,,,,',
      ].join('\n'),
    );
    const env = { PGLITE_DIR: join(dir, 'db') };
    const r = await run(['import', file], { env });
    expect(r.code).toBe(1);
    expect(r.out).toContain('imported 2 rows (2 new deals, 0 updated); 2 bad rows skipped');
    expect(r.err).toContain('line 5: unknown stage "sideways"');
    expect(r.err).toContain('line 6: amount "-1" is not a non-negative number');
    const csv = await run(['export'], { env });
    expect(csv.out.trim().split('\n')).toEqual([
      'account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at',
      expect.stringMatching(
        /^Acme Corp,Acme Corp,Alice,quote,50000,USD,2026-12-31,send contract,2026-12-01,/,
      ),
      expect.stringMatching(/^"Globex, Inc\.",Renewal,Bob,negotiation,120000,EUR,,,,/),
    ]);
  });

  it('seeds a demo workspace once', async () => {
    const dir = tempDir();
    const env = { PGLITE_DIR: join(dir, 'db') };
    const r = await run(['seed-demo', '--now', '2026-11-25T09:00:00-05:00'], { env });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/seeded workspace "local": 6 members, 18 deals/);
    const again = await run(['seed-demo'], { env });
    expect(again.code).toBe(2);
    expect(again.err).toContain('already has deals');
  });

  it('runs as a real process: `npm start` reads a piped update, answers about Acme and exits 0', async () => {
    const dir = tempDir();
    const child = spawn('npm', ['start', '--silent'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        PGLITE_DIR: join(dir, 'db'),
        DATABASE_URL: '',
        SLACK_BOT_TOKEN: '',
        DISCORD_TOKEN: '',
        OPENAI_API_KEY: '',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stdin.end('met Acme Corp, they need SSO, budget 50k, follow up Friday\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/Acme/);
  }, 60_000);
});

// Proves the bot rides out a Postgres restart: a throwaway cluster is stopped and started while updates flow over Slack HTTP; the bot keeps running, reports not ready meanwhile, reconnects, and every update lands exactly once.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../helpers/fakeSlack.ts';
import { freePort } from '../helpers/net.ts';
import { slackBurst } from '../helpers/slackBurst.ts';
import { SIGNING_SECRET } from '../helpers/slackRequests.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PG_BIN = '/usr/lib/postgresql/15/bin';
// A private cluster needs the server binaries and a non-root user to run them as (initdb refuses root).
const canRunCluster =
  existsSync(`${PG_BIN}/initdb`) &&
  (() => {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
      return typeof process.getuid === 'function' && process.getuid() === 0;
    } catch {
      return false;
    }
  })();

function asPostgres(args: string[]): void {
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
}

describe.runIf(canRunCluster)('a database restart while updates flow', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  });

  it('reports not ready while Postgres is down, then catches up with nothing lost or doubled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-pgrestart-'));
    execFileSync('chown', ['postgres', dir]);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const data = join(dir, 'data');
    const pgPort = await freePort();
    asPostgres([`${PG_BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const startPg = () =>
      asPostgres([
        `${PG_BIN}/pg_ctl`,
        '-D',
        data,
        '-w',
        '-l',
        join(dir, 'log'),
        '-o',
        `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        'start',
      ]);
    const stopPg = () => asPostgres([`${PG_BIN}/pg_ctl`, '-D', data, '-w', '-m', 'fast', 'stop']);
    startPg();
    cleanups.push(() => stopPg());
    const dbUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;

    const fake: FakeSlack = await startFakeSlack();
    cleanups.push(() => fake.close());
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [resolve(ROOT, 'bin/pipebot.js'), 'start'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          SLACK_BOT_TOKEN: 'xoxb-fake',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: fake.url,
          PORT: String(port),
          DATABASE_URL: dbUrl,
          PIPEBOT_LLM: 'off',
          PIPEBOT_TIMEZONE: 'UTC',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    await new Promise<void>((done, fail) => {
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('pipebot: running')) done();
      });
      child.once('exit', (code) => fail(new Error(`pipebot exited (${code}): ${stderr}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const ready = async () => (await fetch(`${base}/readyz`)).status;
    expect(await ready()).toBe(200);

    const burst = slackBurst({
      url: `${base}/slack/events`,
      team: 'TRESTART',
      count: 60,
      tsSeconds: 1764400000,
      users: 3,
    });
    const { delivered } = burst;
    // The last status of each delivery Slack did not get a 200 for (0: unreachable).
    const last = new Map<number, number>();
    let refused = 0;
    const deliver = async (i: number, retry = 0) => {
      const status = await burst.deliver(i, retry);
      if (status !== 200) {
        refused++;
        last.set(i, status);
      }
    };

    for (let i = 0; i < 20; i++) await deliver(i);
    stopPg();
    await new Promise((r) => setTimeout(r, 300));
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`pipebot died with the database: ${stderr}`);
    // While the database is down: alive, not ready, and Slack's deliveries are refused (so Slack retries them).
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await ready()).toBe(503);
    for (let i = 20; i < 40; i++) await deliver(i);
    expect(refused).toBeGreaterThan(0);
    expect(child.exitCode).toBeNull();
    startPg();
    const deadline = Date.now() + 60_000;
    while ((await ready()) !== 200 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(await ready()).toBe(200);
    // Slack re-delivers what was refused; then the rest arrives normally.
    for (let attempt = 1; attempt <= 5 && delivered.size < 40; attempt++) {
      for (let i = 0; i < 40; i++) if (!delivered.has(i)) await deliver(i, attempt);
      if (delivered.size < 40) await new Promise((r) => setTimeout(r, 1000));
    }
    for (let i = 40; i < 60; i++) await deliver(i);
    // Slack retries a failed delivery up to three times.
    for (let attempt = 1; attempt <= 3; attempt++)
      for (let i = 40; i < 60; i++) if (!delivered.has(i)) await deliver(i, attempt);
    expect([...last.entries()].filter(([i]) => !delivered.has(i))).toEqual([]);
    expect(delivered.size).toBe(60);

    const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end());
    let counts: { processed: number; deals: number; events: number } | undefined;
    const until = Date.now() + 90_000;
    for (;;) {
      [counts] = await sql<{ processed: number; deals: number; events: number }[]>`
        select (select count(*)::int from inbox where status = 'processed') as processed,
               (select count(*)::int from deals) as deals,
               (select count(*)::int from deal_events) as events`;
      if (counts?.processed === 60 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(counts).toEqual({ processed: 60, deals: 60, events: 60 });
    const keys = fake.messages.map((m) => String(m.metadata?.event_payload?.key));
    expect(new Set(keys).size).toBe(keys.length);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 240_000);
});

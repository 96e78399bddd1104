// Proves that a burst of 200 updates over Slack HTTP survives the process being SIGKILLed halfway: after a restart every message is applied exactly once and answered exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/db/connect.ts';
import { createEmptyDatabase, DRIVERS } from '../helpers/db.ts';
import { type FakeSlack, startFakeSlack } from '../helpers/fakeSlack.ts';
import { freePort } from '../helpers/net.ts';
import { slackBurst } from '../helpers/slackBurst.ts';
import { SIGNING_SECRET } from '../helpers/slackRequests.ts';

const ROOT = resolve(import.meta.dirname, '../..');
function startBot(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/pipebot.js'), 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const ready = new Promise<void>((done, fail) => {
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('pipebot: running')) done();
    });
    child.once('exit', (code) => fail(new Error(`pipebot exited (${code}): ${err}`)));
  });
  return { child, ready };
}

describe.runIf(DRIVERS.includes('postgres'))('crash in the middle of a burst', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('applies and answers all 200 updates exactly once across a SIGKILL and a restart', async () => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const database = await createEmptyDatabase('postgres');
    cleanups.push(() => database.drop());
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-fake',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      PORT: String(port),
      DATABASE_URL: database.url,
      PIPEBOT_LLM: 'off',
      PIPEBOT_TIMEZONE: 'UTC',
      LOG_LEVEL: 'warn',
    };
    const url = `http://127.0.0.1:${port}/slack/events`;

    // 200 distinct messages, each naming its own account.
    const { delivered, deliver } = slackBurst({
      url,
      team: 'TCRASH',
      count: 200,
      tsSeconds: 1764300000,
      users: 7,
    });

    let bot = startBot(env);
    cleanups.push(() => {
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    });
    await bot.ready;
    // The first half in parallel batches; kill the process while the last batch is in flight.
    for (let i = 0; i < 100; i += 10) {
      const batch = Array.from({ length: 10 }, (_, k) => deliver(i + k));
      if (i === 90) {
        await new Promise((r) => setTimeout(r, 15));
        bot.child.kill('SIGKILL');
      }
      await Promise.all(batch);
    }
    await new Promise<void>((done) =>
      bot.child.exitCode !== null || bot.child.signalCode !== null
        ? done()
        : bot.child.once('exit', () => done()),
    );
    bot = startBot(env);
    await bot.ready;
    // Slack re-delivers what it never got a 200 for, and (at times) what it did; then the second half.
    for (let i = 0; i < 100; i++) if (!delivered.has(i) || i % 9 === 0) await deliver(i, 1);
    for (let i = 100; i < 200; i += 10)
      await Promise.all(Array.from({ length: 10 }, (_, k) => deliver(i + k)));
    for (let attempt = 1; attempt <= 3; attempt++) {
      for (let i = 0; i < 200; i++) if (!delivered.has(i)) await deliver(i, attempt + 1);
    }
    expect(delivered.size).toBe(200);

    const check = await openDatabase({ url: database.url, max: 2 });
    cleanups.push(() => check.close());
    const deadline = Date.now() + 150_000;
    let rows: { processed: number; deals: number; creates: number; events: number }[] = [];
    for (;;) {
      rows = await queryRows(
        check.db,
        sql`select (select count(*)::int from inbox where status = 'processed') as processed,
                   (select count(*)::int from deals) as deals,
                   (select count(*)::int from deal_events where kind = 'create') as creates,
                   (select count(*)::int from deal_events) as events`,
      );
      if (
        (rows[0]?.processed === 200 && answeredMessages(fake).size === 200) ||
        Date.now() > deadline
      )
        break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    const statuses = await queryRows(
      check.db,
      sql`select status, count(*)::int as n, min(error) as error from inbox group by status`,
    );
    expect({ ...rows[0], statuses }).toEqual({
      processed: 200,
      deals: 200,
      creates: 200,
      events: 200,
      statuses: [{ status: 'processed', n: 200, error: null }],
    });
    expect(answeredMessages(fake).size).toBe(200);
    // No post went out twice, and none went out without its key.
    expect(
      [...answers(fake).entries()].filter(([k, n]) => n !== 1 || k.startsWith('unkeyed')),
    ).toEqual([]);
    bot.child.kill('SIGTERM');
  }, 300_000);
});

/** How many times each post key was posted (keys are `inbox:<id>:<n>`). */
function answers(fake: FakeSlack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of fake.messages) {
    const key = String(m.metadata?.event_payload?.key ?? `unkeyed:${m.channel}:${m.ts}`);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The messages that got an answer. */
function answeredMessages(fake: FakeSlack): Set<string> {
  return new Set([...answers(fake).keys()].map((k) => k.split(':').slice(0, 2).join(':')));
}

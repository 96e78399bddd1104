// Proves the end-to-end path of a real deployment: `pipebot start` with Slack variables pointing at a fake Slack API runs the Slack service, answers a signed DM with a change card, and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, DRIVERS } from '../../helpers/db.ts';
import { type FakeSlack, startFakeSlack } from '../../helpers/fakeSlack.ts';
import { freePort } from '../../helpers/net.ts';
import {
  eventEnvelope,
  messageEvent,
  postSigned,
  SIGNING_SECRET,
} from '../../helpers/slackRequests.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Bolt's server takes a fixed port from PORT: find a free one first. */
describe.each(DRIVERS)('pipebot start with Slack on %s', (driver) => {
  let fake: FakeSlack;
  let child: ChildProcess;
  let stderr = '';
  let port = 0;
  let drop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    fake = await startFakeSlack();
    const database = await createEmptyDatabase(driver);
    drop = database.drop;
    port = await freePort();
    child = spawn(process.execPath, [resolve(ROOT, 'bin/pipebot.js'), 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: 'xoxb-e2e-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.url,
        PORT: String(port),
        DATABASE_URL: database.url,
        PIPEBOT_LLM: 'off',
        PIPEBOT_TIMEZONE: 'UTC',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('pipebot: running')) {
      if (child.exitCode !== null) throw new Error(`pipebot exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`pipebot did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await fake?.close();
    await drop();
  });

  it('answers a signed DM through the fake Web API and shuts down on SIGTERM', async () => {
    expect(stderr).toContain('slack (events API)');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ev = messageEvent({
      user: 'U1',
      channel: 'D1',
      text: 'met Acme, they need SSO, 50k, follow up Friday',
    });
    const res = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      JSON.stringify(eventEnvelope('T1', ev)),
      'application/json',
    );
    expect(res.status).toBe(200);
    const unsigned = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(eventEnvelope('T1', ev)),
    });
    expect(unsigned.status).toBe(401);
    const deadline = Date.now() + 20_000;
    while (!fake.messages.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(fake.messages.map((m) => [m.channel, m.text])).toEqual([['D1', 'New deal: Acme']]);
    expect(fake.callsTo('auth.test')[0]?.authorization).toBe('Bearer xoxb-e2e-token');

    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toContain('xoxb-e2e-token');
  });
});

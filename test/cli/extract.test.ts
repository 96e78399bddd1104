// Proves `pipebot extract`: the contract's JSON (the acceptance example), text output, --jsonl batches in order with per-line settings and errors, one-line usage errors, no database touched, and --llm on against the fake OpenAI server; and that `pipebot start` reads with the LLM when one is configured.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { type FakeOpenAI, serverError, startFakeOpenAI } from '../helpers/fake-openai-server.ts';

/** The full offline extractor (its intent module) replaces the small placeholder at merge. */
const fullOfflineExtractor = existsSync(
  new URL('../../src/understand/offline/intent.ts', import.meta.url),
);

const dirs: string[] = [];
let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  fake.reset();
  fake.setDefault({ kind: 'json', body: { intent: 'other', updates: [] } });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pipebot-extract-'));
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

const ACCEPTANCE = [
  'extract',
  '--json',
  '--now',
  '2026-11-25T09:30:00+08:00',
  '--tz',
  'Asia/Shanghai',
  '--currency',
  'CNY',
  '今天拜访了华为,需要私有化部署,预算50万,下周五前发方案',
];

const llmEnv = () => ({
  OPENAI_BASE_URL: fake.url,
  OPENAI_API_KEY: 'sk-test',
  PIPEBOT_MODEL: 'test-model',
  PIPEBOT_LLM_TIMEOUT_MS: '5000',
  PIPEBOT_LLM_MAX_RETRIES: '0',
});

describe('pipebot extract', () => {
  it('prints the extraction JSON of the contract for the issue’s example', async () => {
    const r = await run(ACCEPTANCE);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['intent', 'updates']);
    expect(json.intent).toBe('update');
    expect(json.updates).toHaveLength(1);
    expect(json.updates[0]).toMatchObject({
      account: '华为',
      amount: 500000,
      currency: 'CNY',
      nextStepDue: '2026-12-04',
    });
  });

  it.runIf(fullOfflineExtractor)(
    'reads the example as needs analysis with the full offline extractor',
    async () => {
      const r = await run(ACCEPTANCE);
      expect(JSON.parse(r.out).updates[0]).toMatchObject({
        account: '华为',
        stage: 'needs_analysis',
        amount: 500000,
        currency: 'CNY',
        nextStepDue: '2026-12-04',
      });
    },
  );

  it('prints a readable summary without --json, and reads the message from stdin', async () => {
    const r = await run(['extract', '--now', '2026-11-25T09:30:00-05:00'], {
      stdin: 'met Acme, they need SSO, 50k, follow up Friday\n',
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('intent: update (offline rules)');
    expect(r.out).toContain('Acme');
    expect(r.out).toMatch(/amount\s+50000 USD/);
    expect(r.out).toMatch(/next step\s+follow up, due 2026-11-27/);
  });

  it('--jsonl: one result a line in input order, with each line’s now, tz and currency', async () => {
    const lines = [
      { text: 'met Acme, 50k, follow up Friday', now: '2026-11-25T09:30:00-05:00' },
      'not json',
      {
        text: '拜访了华为,预算50万,明天发方案',
        now: '2026-11-25T23:30:00Z',
        tz: 'Asia/Shanghai',
        currency: 'CNY',
      },
      '',
      { text: 'hello', tz: 'Mars/Olympus' },
      { nope: 1 },
      { text: 'met Globex, €80k, follow up tomorrow', now: '2026-11-25T23:30:00Z' },
    ];
    const stdin = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
    const r = await run(['extract', '--jsonl', '--currency', 'USD'], { stdin });
    expect(r.code).toBe(1);
    const out = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0].updates[0]).toMatchObject({
      account: 'Acme',
      amount: 50000,
      currency: 'USD',
      nextStepDue: '2026-11-27',
    });
    expect(out[1]).toEqual({ error: 'line 2: not valid JSON' });
    // 23:30 UTC is already the 26th in Shanghai: tomorrow is the 27th.
    expect(out[2].updates[0]).toMatchObject({
      account: '华为',
      amount: 500000,
      currency: 'CNY',
      nextStepDue: '2026-11-27',
    });
    expect(out[3].error).toMatch(/^line 5: tz must be an IANA timezone/);
    expect(out[4].error).toMatch(/^line 6: expected \{"text"/);
    // …and still the 25th in New York (the default timezone here).
    expect(out[5].updates[0]).toMatchObject({
      account: 'Globex',
      amount: 80000,
      currency: 'EUR',
      nextStepDue: '2026-11-26',
    });
    expect(r.err).toContain('3 bad lines');
  });

  it('opens no database and writes nothing', async () => {
    const dir = join(tempDir(), 'db');
    const r = await run(ACCEPTANCE, { env: { PGLITE_DIR: dir } });
    expect(r.code).toBe(0);
    const batch = await run(['extract', '--jsonl'], {
      stdin: '{"text":"met Acme 50k"}\n',
      env: { PGLITE_DIR: dir },
    });
    expect(batch.code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('fails with a one-line error and exit 2 on bad arguments', async () => {
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['extract', '--tz', 'Mars/Olympus', 'x'], /--tz must be an IANA timezone/],
      [['extract', '--currency', 'euros', 'x'], /--currency must be an ISO 4217 code/],
      [['extract', '--llm', 'maybe', 'x'], /--llm must be on or off/],
      [['extract', '--llm', 'on', 'x'], /--llm on needs OPENAI_API_KEY or OPENAI_BASE_URL/],
      [
        ['extract', '--llm', 'on', 'x'],
        /--llm on needs/,
        { OPENAI_API_KEY: 'sk-x', PIPEBOT_LLM: 'off' },
      ],
      [['extract', '--now', 'tomorrow', 'x'], /--now must be ISO 8601/],
      [['extract'], /give the message as TEXT/],
      [['extract', '--jsonl', 'x'], /--jsonl reads messages from stdin/],
    ];
    for (const [argv, re, env] of cases) {
      const r = await run(argv, { env: env ?? {} });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('--llm on reads with the configured model, and notes the fallback when it fails', async () => {
    fake.enqueue({
      kind: 'json',
      body: {
        intent: 'update',
        updates: [
          {
            account: '华为',
            stage: 'needs_analysis',
            amount: 500000,
            currency: 'CNY',
            closeDate: null,
            nextStep: '发方案',
            nextStepDue: '2026-12-05',
            needs: ['私有化部署'],
            contacts: [],
            competitors: [],
            lostReason: null,
            amountPhrase: '预算50万',
            closeDatePhrase: null,
            nextStepDuePhrase: '下周五前',
          },
        ],
      },
    });
    const r = await run([...ACCEPTANCE.slice(0, 1), '--llm', 'on', ...ACCEPTANCE.slice(1)], {
      env: llmEnv(),
    });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({
      intent: 'update',
      updates: [
        {
          account: '华为',
          stage: 'needs_analysis',
          amount: 500000,
          currency: 'CNY',
          closeDate: null,
          nextStep: '发方案',
          nextStepDue: '2026-12-04',
          needs: ['私有化部署'],
          contacts: [],
          competitors: [],
          lostReason: null,
        },
      ],
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body.messages![0]!.content).toContain('Today: 2026-11-25 (Wednesday');

    fake.setDefault(serverError(500));
    const down = await run(['extract', '--llm', 'on', '--json', 'met Acme, 50k'], {
      env: llmEnv(),
    });
    expect(down.code).toBe(0);
    expect(down.err).toBe(
      'pipebot: the LLM could not be used (server_error); the offline rules answered\n',
    );
    expect(JSON.parse(down.out).updates[0]).toMatchObject({ account: 'Acme', amount: 50000 });

    fake.reset();
    const off = await run(['extract', '--llm', 'off', '--json', 'met Acme, 50k'], {
      env: llmEnv(),
    });
    expect(off.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the console bot with an LLM', () => {
  it('`pipebot start` as a real process reads updates with the configured LLM', async () => {
    fake.setDefault({
      kind: 'json',
      body: {
        intent: 'update',
        updates: [
          {
            account: 'Acme',
            stage: 'proposal',
            amount: 75000,
            currency: 'USD',
            closeDate: null,
            nextStep: null,
            nextStepDue: null,
            needs: [],
            contacts: [{ name: 'Jane Doe', title: 'CTO' }],
            competitors: [],
            lostReason: null,
            amountPhrase: '75k',
            closeDatePhrase: null,
            nextStepDuePhrase: null,
          },
        ],
      },
    });
    const dir = tempDir();
    const child = spawn(process.execPath, ['bin/pipebot.js', 'start'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        PGLITE_DIR: join(dir, 'db'),
        DATABASE_URL: '',
        SLACK_BOT_TOKEN: '',
        DISCORD_TOKEN: '',
        PIPEBOT_LLM: 'auto',
        PIPEBOT_TIMEZONE: 'America/New_York',
        ...llmEnv(),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.stdin.end('showed the demo to Acme and Jane Doe, CTO, 75k\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(err).toMatch(
      /console chat on .*LLM test-model at 127\.0\.0\.1:\d+ with offline fallback/,
    );
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    expect(out).toContain('New deal: Acme');
    expect(out).toContain('Proposal');
    expect(out).toContain('$75,000');
    expect(out).not.toMatch(/unavailable/);
  }, 60_000);
});

// Proves the LLM extractor drives the real openai client through every fault to the offline answer, records every call in llm_calls, honours Retry-After, opens and closes its circuit breaker, caps each workspace, and tells admins once when the quota is gone.
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../src/config.ts';
import { llmCalls, type Workspace } from '../../../src/db/schema.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { DEFAULT_TEMPLATE } from '../../../src/pipeline/stages.ts';
import type { ExtractContext } from '../../../src/understand/extraction.ts';
import { createExtractor, type QuotaNotice } from '../../../src/understand/index.ts';
import { QUOTA_WAIT_MS } from '../../../src/understand/llm/extractor.ts';
import { extractOffline } from '../../../src/understand/offline/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import {
  type FakeOpenAI,
  type FakeReply,
  quotaExceeded,
  rateLimited,
  serverError,
  startFakeOpenAI,
} from '../../helpers/fake-openai-server.ts';
import { makeWorkspace } from '../../helpers/fixtures.ts';

const TEXT = 'met Acme, they need SSO, ~$50k, follow up next Friday';

/** What a good model answers for TEXT, with its own (wrong) arithmetic for the amount and the date. */
const GOOD = {
  intent: 'update',
  updates: [
    {
      account: 'Acme',
      stage: 'needs_analysis',
      amount: 5000,
      currency: 'USD',
      closeDate: null,
      nextStep: 'follow up',
      nextStepDue: '2026-12-05',
      needs: ['SSO'],
      contacts: [],
      competitors: [],
      lostReason: null,
      amountPhrase: '~$50k',
      closeDatePhrase: null,
      nextStepDuePhrase: 'next Friday',
    },
  ],
};

function llmConfig(fake: FakeOpenAI, extra: Record<string, string> = {}): Config {
  return loadConfig({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: 'sk-test-secret',
    PIPEBOT_MODEL: 'test-model',
    // Generous: a loaded test machine must not turn a scripted fault into a timeout.
    PIPEBOT_LLM_TIMEOUT_MS: '5000',
    PIPEBOT_LLM_MAX_RETRIES: '2',
    PIPEBOT_LLM_CALLS_PER_MINUTE: '0',
    PIPEBOT_LLM_TOKENS_PER_DAY: '0',
    PIPEBOT_TIMEZONE: 'UTC',
    ...extra,
  });
}

describe.each(DRIVERS)('LLM extractor (%s)', (driver) => {
  let database: TestDatabase;
  let fake: FakeOpenAI;
  let ws: Workspace;
  let ws2: Workspace;
  let clock: Date;
  let notices: QuotaNotice[];

  beforeAll(async () => {
    database = await openTestDatabase(driver);
    fake = await startFakeOpenAI();
    ws = await makeWorkspace(database.db);
    ws2 = await makeWorkspace(database.db);
  });
  afterAll(async () => {
    await fake?.close();
    await database?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.setDefault({ kind: 'json', body: GOOD });
    clock = new Date('2026-11-25T14:30:00Z');
    notices = [];
  });

  const extractor = (extra: Record<string, string> = {}) =>
    createExtractor(llmConfig(fake, extra), {
      db: database.db,
      logger: silentLogger,
      now: () => clock,
      transport: { retryBaseDelayMs: 5, maxRetryDelayMs: 50 },
      breaker: { failureThreshold: 3, cooldownMs: 60_000 },
      onQuotaExhausted: (n) => {
        notices.push(n);
      },
    });

  const context = (workspace: Workspace = ws): ExtractContext => ({
    now: new Date('2026-11-25T14:30:00Z'),
    timezone: 'America/New_York',
    currency: 'USD',
    locale: 'en',
    template: DEFAULT_TEMPLATE,
    knownAccounts: ['Acme'],
    openDeals: [{ account: 'Acme', stage: 'prospecting' }],
    workspaceId: workspace.id,
    inboxId: randomUUID(),
  });

  const callsOf = (ctx: ExtractContext) =>
    database.db.select().from(llmCalls).where(eq(llmCalls.inboxId, ctx.inboxId!));

  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  it('reads a message with one structured-output call, resolves the phrases in code and records the call', async () => {
    const ctx = context();
    const r = await extractor().extract(TEXT, ctx);
    expect(r.source).toBe('llm');
    expect(r.degraded).toBeUndefined();
    expect(r.extraction).toEqual({
      intent: 'update',
      updates: [
        {
          account: 'Acme',
          stage: 'needs_analysis',
          amount: 50000,
          currency: 'USD',
          closeDate: null,
          nextStep: 'follow up',
          nextStepDue: '2026-12-04',
          needs: ['SSO'],
          contacts: [],
          competitors: [],
          lostReason: null,
        },
      ],
    });

    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test-secret');
    expect(req.headers['x-pipebot-call']).toBeUndefined();
    expect(req.body.model).toBe('test-model');
    expect(req.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'extraction', strict: true },
    });
    const [system, user] = req.body.messages!;
    expect(system?.role).toBe('system');
    expect(system?.content).toContain(
      'Today: 2026-11-25 (Wednesday / 星期三), timezone America/New_York.',
    );
    expect(system?.content).toContain('- "Acme": prospecting');
    expect(user).toEqual({ role: 'user', content: TEXT });

    const rows = await callsOf(ctx);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      workspaceId: ws.id,
      inboxId: ctx.inboxId,
      purpose: 'extract',
      model: 'test-model',
      promptTokens: 900,
      completionTokens: 120,
      cachedTokens: 640,
      outcome: 'ok',
      error: null,
    });
    expect(rows[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  const faults: [string, FakeReply[], string, number, number | null][] = [
    [
      '429 until retries run out',
      [rateLimited(), rateLimited(), rateLimited()],
      'rate_limited',
      3,
      null,
    ],
    [
      '5xx until retries run out',
      [serverError(500), serverError(502), serverError(503)],
      'server_error',
      3,
      null,
    ],
    ['a refusal', [{ kind: 'refusal' }], 'refused', 1, 10],
    ['finish_reason length', [{ kind: 'length' }], 'truncated', 1, 2000],
    [
      'invalid JSON',
      [{ kind: 'content', content: 'Sure! Here is the JSON: {intent: update' }],
      'invalid',
      1,
      120,
    ],
    [
      'JSON that violates the schema',
      [
        {
          kind: 'json',
          body: { intent: 'update', updates: [{ account: 'Acme', amount: 'lots' }] },
        },
      ],
      'invalid',
      1,
      120,
    ],
    ['insufficient_quota (not retried)', [quotaExceeded], 'quota', 1, null],
  ];

  it.each(faults)(
    'falls back to the offline answer on %s',
    async (_, replies, outcome, requests, completionTokens) => {
      const ctx = context();
      fake.enqueue(...replies);
      const r = await extractor().extract(TEXT, ctx);
      expect(r.source).toBe('offline');
      expect(r.degraded).toEqual({ reason: outcome });
      expect(r.extraction).toEqual(extractOffline(TEXT, ctx));
      expect(fake.requests).toHaveLength(requests);
      const rows = await callsOf(ctx);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ outcome, purpose: 'extract', workspaceId: ws.id });
      expect(rows[0]!.error).toBeTruthy();
      expect(rows[0]!.error).not.toContain('Acme');
      expect(rows[0]!.completionTokens).toBe(completionTokens);
    },
  );

  it('falls back to the offline answer on connection resets, after retrying them', async () => {
    const ctx = context();
    fake.setDefault({ kind: 'reset' });
    // The SDK waits its own backoff (about 0.5 s) before retrying a dropped connection.
    const ex = extractor({ PIPEBOT_LLM_TIMEOUT_MS: '5000', PIPEBOT_LLM_MAX_RETRIES: '1' });
    const r = await ex.extract(TEXT, ctx);
    expect(r).toMatchObject({ source: 'offline', degraded: { reason: 'connection' } });
    expect(r.extraction).toEqual(extractOffline(TEXT, ctx));
    expect(fake.requests).toHaveLength(2);
    expect((await callsOf(ctx))[0]).toMatchObject({ outcome: 'connection' });
  });

  it('gives up on a model that hangs past the timeout', async () => {
    const ctx = context();
    fake.setDefault({ kind: 'hang' });
    const r = await extractor({ PIPEBOT_LLM_TIMEOUT_MS: '300' }).extract(TEXT, ctx);
    expect(r).toMatchObject({ source: 'offline', degraded: { reason: 'timeout' } });
    expect(r.extraction).toEqual(extractOffline(TEXT, ctx));
    expect((await callsOf(ctx))[0]).toMatchObject({ outcome: 'timeout' });
  });

  it('retries a 429 with a short Retry-After and uses the answer', async () => {
    const ctx = context();
    fake.enqueue(rateLimited(0.01));
    const r = await extractor().extract(TEXT, ctx);
    expect(r.source).toBe('llm');
    expect(fake.requests).toHaveLength(2);
    expect((await callsOf(ctx))[0]).toMatchObject({ outcome: 'ok' });
  });

  it('does not wait out a long Retry-After: the breaker opens for that long instead', async () => {
    const ex = extractor();
    fake.enqueue(rateLimited(120));
    const first = await ex.extract(TEXT, context());
    expect(first.degraded).toEqual({ reason: 'rate_limited' });
    expect(fake.requests).toHaveLength(1);

    advance(90_000); // past the 60 s cool-down, not past the 120 s the server asked for
    const ctx = context();
    const second = await ex.extract(TEXT, ctx);
    expect(second.degraded).toEqual({ reason: 'circuit_open' });
    expect(fake.requests).toHaveLength(1);
    expect((await callsOf(ctx))[0]).toMatchObject({ outcome: 'circuit_open', latencyMs: 0 });

    advance(31_000);
    expect((await ex.extract(TEXT, context())).source).toBe('llm');
    expect(fake.requests).toHaveLength(2);
  });

  it('opens the circuit breaker after repeated failures and closes it after a good trial call', async () => {
    const ex = extractor();
    fake.setDefault(serverError(503));
    for (let i = 0; i < 3; i++) {
      expect((await ex.extract(TEXT, context())).degraded).toEqual({ reason: 'server_error' });
    }
    expect(fake.requests).toHaveLength(9);

    // Open: nothing reaches the model.
    for (let i = 0; i < 3; i++) {
      expect((await ex.extract(TEXT, context())).degraded).toEqual({ reason: 'circuit_open' });
    }
    expect(fake.requests).toHaveLength(9);

    // After the cool-down one trial call goes out; it fails, so the breaker opens again at once.
    advance(60_000);
    expect((await ex.extract(TEXT, context())).degraded).toEqual({ reason: 'server_error' });
    expect(fake.requests).toHaveLength(12);
    expect((await ex.extract(TEXT, context())).degraded).toEqual({ reason: 'circuit_open' });
    expect(fake.requests).toHaveLength(12);

    // The next trial succeeds and the breaker closes.
    advance(60_000);
    fake.setDefault({ kind: 'json', body: GOOD });
    expect((await ex.extract(TEXT, context())).source).toBe('llm');
    expect((await ex.extract(TEXT, context())).source).toBe('llm');
    expect(fake.requests).toHaveLength(14);
  });

  it('counts garbage answers as failures too', async () => {
    const ex = extractor();
    fake.setDefault({ kind: 'content', content: '<html>502 Bad Gateway</html>' });
    for (let i = 0; i < 3; i++) await ex.extract(TEXT, context());
    expect((await ex.extract(TEXT, context())).degraded).toEqual({ reason: 'circuit_open' });
    expect(fake.requests).toHaveLength(3);
  });

  it('tells each workspace’s admins once when the quota is used up, and again only after it came back', async () => {
    const ex = extractor();
    fake.setDefault(quotaExceeded);
    const a = await ex.extract(TEXT, context(ws));
    expect(a.degraded).toEqual({ reason: 'quota' });
    expect(fake.requests).toHaveLength(1);
    const b = await ex.extract(TEXT, context(ws));
    expect(b.degraded).toEqual({ reason: 'quota' });
    expect(fake.requests).toHaveLength(1);
    await ex.extract(TEXT, context(ws2));
    await ex.extract(TEXT, context(ws2));
    expect(notices.map((n) => n.workspaceId)).toEqual([ws.id, ws2.id]);
    expect(notices[0]).toMatchObject({ model: 'test-model' });

    // Topped up: after the wait a call succeeds and a later exhaustion is told again.
    advance(QUOTA_WAIT_MS);
    fake.setDefault({ kind: 'json', body: GOOD });
    expect((await ex.extract(TEXT, context(ws))).source).toBe('llm');
    fake.setDefault(quotaExceeded);
    await ex.extract(TEXT, context(ws));
    expect(notices.map((n) => n.workspaceId)).toEqual([ws.id, ws2.id, ws.id]);
  });

  it('logs outcomes, never the message, the prompt or the key, even at trace level', async () => {
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (c) => {
      logged += c;
    });
    const ex = createExtractor(llmConfig(fake), {
      db: database.db,
      logger: createLogger('trace', sink),
      now: () => clock,
      transport: { retryBaseDelayMs: 5, maxRetryDelayMs: 50 },
    });
    fake.enqueue(
      { kind: 'json', body: GOOD },
      { kind: 'content', content: `not json: ${TEXT}` },
      quotaExceeded,
    );
    for (let i = 0; i < 3; i++) await ex.extract(TEXT, context());
    await new Promise((r) => setImmediate(r));
    expect(logged).toContain('"outcome":"ok"');
    expect(logged).toContain('"outcome":"invalid"');
    expect(logged).toContain('"outcome":"quota"');
    expect(logged).not.toContain('they need SSO');
    expect(logged).not.toContain('Today:');
    expect(logged).not.toContain('sk-test-secret');
  });

  it('caps one workspace’s calls per minute without touching another’s', async () => {
    const capped = await makeWorkspace(database.db);
    const ex = extractor({ PIPEBOT_LLM_CALLS_PER_MINUTE: '2' });
    expect((await ex.extract(TEXT, context(capped))).source).toBe('llm');
    expect((await ex.extract(TEXT, context(capped))).source).toBe('llm');
    const ctx = context(capped);
    const third = await ex.extract(TEXT, ctx);
    expect(third).toMatchObject({ source: 'offline', degraded: { reason: 'capped' } });
    expect(third.extraction).toEqual(extractOffline(TEXT, ctx));
    expect(fake.requests).toHaveLength(2);
    expect((await callsOf(ctx))[0]).toMatchObject({ outcome: 'capped', promptTokens: null });

    const other = await makeWorkspace(database.db);
    expect((await ex.extract(TEXT, context(other))).source).toBe('llm');

    advance(61_000);
    expect((await ex.extract(TEXT, context(capped))).source).toBe('llm');
  });

  it('caps one workspace’s tokens per 24 hours', async () => {
    const capped = await makeWorkspace(database.db);
    // Each answer costs 900 + 120 tokens.
    const ex = extractor({ PIPEBOT_LLM_TOKENS_PER_DAY: '1500' });
    expect((await ex.extract(TEXT, context(capped))).source).toBe('llm');
    advance(3_600_000);
    expect((await ex.extract(TEXT, context(capped))).source).toBe('llm');
    advance(3_600_000);
    expect((await ex.extract(TEXT, context(capped))).degraded).toEqual({ reason: 'capped' });
    expect(fake.requests).toHaveLength(2);
    advance(23 * 3_600_000);
    expect((await ex.extract(TEXT, context(capped))).source).toBe('llm');
  });
});

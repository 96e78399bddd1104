// Proves the conversation core with the real extractor factory and the real openai client against a fake server: the model's reading is applied, every bad answer or outage leaves deals untouched and the message stored, the offline reading is applied with a note, and quota and caps get their own notes.
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import { en } from '../../src/assistant/i18n/en.ts';
import type { IncomingMessage, Reply } from '../../src/assistant/types.ts';
import { loadConfig } from '../../src/config.ts';
import { dealEvents, deals, inbox, llmCalls, workspaces } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { createExtractor } from '../../src/understand/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import {
  type FakeOpenAI,
  type FakeReply,
  quotaExceeded,
  serverError,
  startFakeOpenAI,
} from '../helpers/fake-openai-server.ts';

const now = new Date('2026-11-25T15:00:00Z');

const update = (fields: Record<string, unknown>) => ({
  account: null,
  stage: null,
  amount: null,
  currency: null,
  closeDate: null,
  nextStep: null,
  nextStepDue: null,
  needs: [],
  contacts: [],
  competitors: [],
  lostReason: null,
  amountPhrase: null,
  closeDatePhrase: null,
  nextStepDuePhrase: null,
  ...fields,
});

const texts = (rs: Reply[]) => rs.flatMap((r) => (r.kind === 'text' ? [r.text] : []));

describe.each(DRIVERS)('assistant with the LLM extractor (%s)', (driver) => {
  let t: TestDatabase;
  let fake: FakeOpenAI;
  let bot: Assistant;
  let seq = 0;

  const build = (extra: Record<string, string> = {}) =>
    createAssistant({
      db: t.db,
      extractor: createExtractor(
        loadConfig({
          OPENAI_BASE_URL: fake.url,
          OPENAI_API_KEY: 'sk-test',
          PIPEBOT_MODEL: 'test-model',
          // Generous: a loaded test machine must not turn a scripted answer into a timeout.
          PIPEBOT_LLM_TIMEOUT_MS: '5000',
          PIPEBOT_LLM_CALLS_PER_MINUTE: '0',
          ...extra,
        }),
        {
          db: t.db,
          logger: silentLogger,
          now: () => now,
          transport: { retryBaseDelayMs: 5, maxRetryDelayMs: 50 },
          // Never open in this file: each bad answer must reach the model.
          breaker: { failureThreshold: 1000 },
        },
      ),
      defaults: { timezone: 'America/New_York', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => now,
    });

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    fake = await startFakeOpenAI();
    bot = build();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });
  beforeEach(() => fake.reset());

  function msg(team: string, text: string): IncomingMessage {
    seq++;
    return {
      platform: 'slack',
      workspace: { externalId: team, name: team },
      sender: { externalId: 'alice', displayName: 'Alice' },
      channel: 'D1',
      messageId: `m${seq}`,
      text,
      sentAt: now,
    };
  }

  async function snapshot(team: string) {
    const [ws] = await t.db.select().from(workspaces).where(eq(workspaces.externalId, team));
    const rows = await t.db.select().from(deals).where(eq(deals.workspaceId, ws!.id));
    const [events] = await t.db
      .select({ n: count() })
      .from(dealEvents)
      .where(eq(dealEvents.workspaceId, ws!.id));
    return { deals: rows, events: events!.n };
  }

  it('applies the model’s reading and records the call against the inbox row', async () => {
    fake.enqueue({
      kind: 'json',
      body: {
        intent: 'update',
        updates: [
          update({
            account: 'Acme',
            stage: 'proposal',
            amount: 50000,
            currency: 'USD',
            amountPhrase: '50k',
            contacts: [{ name: 'Jane Doe', title: 'CTO' }],
            needs: ['SSO'],
          }),
        ],
      },
    });
    const r = await bot.handleMessage(
      msg('T1', 'demoed to Acme and Jane Doe (CTO), need SSO, 50k'),
    );
    expect(r.status).toBe('processed');
    expect(texts(r.replies)).not.toContain(en.aiUnavailable);
    const { deals: rows } = await snapshot('T1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stage: 'proposal', currency: 'USD', needs: ['SSO'] });
    expect(Number(rows[0]!.amount)).toBe(50000);
    const calls = await t.db.select().from(llmCalls).where(eq(llmCalls.inboxId, r.inboxId));
    expect(calls).toEqual([
      expect.objectContaining({
        outcome: 'ok',
        purpose: 'extract',
        workspaceId: rows[0]!.workspaceId,
      }),
    ]);
  });

  const bad: [string, FakeReply][] = [
    [
      'invalid JSON',
      { kind: 'content', content: '{"intent": "update", "updates": [{"account": "Acme",' },
    ],
    [
      'a schema violation',
      {
        kind: 'json',
        body: {
          intent: 'update',
          updates: [{ account: 'Acme', stage: 'closed_won', amount: 'lots' }],
        },
      },
    ],
    ['a refusal', { kind: 'refusal' }],
    ['a truncated answer', { kind: 'length' }],
    ['a server error', serverError(500)],
    ['a hang', { kind: 'hang' }],
  ];

  it.each(bad)(
    'changes no deal on %s, keeps the message, and says the AI was unavailable',
    async (what, reply) => {
      const before = await snapshot('T1');
      fake.setDefault(reply);
      const b = what === 'a hang' ? build({ PIPEBOT_LLM_TIMEOUT_MS: '300' }) : bot;
      // Offline rules find no deal update in this text; the bad answer "meant" to close Acme.
      const r = await b.handleMessage(msg('T1', 'hmm, see above'));
      fake.setDefault({ kind: 'json', body: { intent: 'other', updates: [] } });
      expect(r.status).toBe('processed');
      expect(texts(r.replies)).toContain(en.aiUnavailable);
      expect(await snapshot('T1')).toEqual(before);
      const [row] = await t.db.select().from(inbox).where(eq(inbox.id, r.inboxId));
      expect(row).toMatchObject({ text: 'hmm, see above', status: 'processed' });
      const [call] = await t.db.select().from(llmCalls).where(eq(llmCalls.inboxId, r.inboxId));
      expect(call?.outcome).not.toBe('ok');
    },
  );

  it('applies the offline reading with a note when the model is down', async () => {
    fake.setDefault(serverError(503));
    const r = await bot.handleMessage(msg('T2', 'met Globex, they need SSO, 20k'));
    fake.setDefault({ kind: 'json', body: { intent: 'other', updates: [] } });
    expect(r.replies[0]?.kind).toBe('change');
    expect(texts(r.replies)).toContain(en.aiUnavailable);
    const { deals: rows } = await snapshot('T2');
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.amount)).toBe(20000);
  });

  it('says so when the provider’s quota is used up, and when the workspace reached its cap', async () => {
    fake.enqueue(quotaExceeded);
    const q = await bot.handleMessage(msg('T3', 'hmm'));
    expect(texts(q.replies)).toContain(en.aiQuota);

    const capped = build({ PIPEBOT_LLM_CALLS_PER_MINUTE: '1' });
    fake.setDefault({ kind: 'json', body: { intent: 'other', updates: [] } });
    const first = await capped.handleMessage(msg('T4', 'hello there'));
    expect(texts(first.replies)).not.toContain(en.aiCapped);
    const second = await capped.handleMessage(msg('T4', 'hello again'));
    expect(texts(second.replies)).toContain(en.aiCapped);
    const [ws] = await t.db.select().from(workspaces).where(eq(workspaces.externalId, 'T4'));
    const outcomes = await t.db
      .select({ outcome: llmCalls.outcome })
      .from(llmCalls)
      .where(and(eq(llmCalls.workspaceId, ws!.id)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['capped', 'ok']);
  });
});

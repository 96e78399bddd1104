// Proves the core additions the chat surfaces use: the home overview (own deals by stage, follow-ups, team totals for managers only), identify (identity recorded before processing; guests never admin), followed threads, recovery limited to one platform, and the app's change hook (listeners told, failures contained, unsubscribe).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import type { Session } from '../../src/assistant/context.ts';
import type { Actor, IncomingMessage } from '../../src/assistant/types.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import type { Extraction, Extractor } from '../../src/understand/extraction.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { upd } from '../helpers/fixtures.ts';

const SCRIPT: Record<string, Extraction> = {
  'acme 50k quote, follow up Friday': {
    intent: 'update',
    updates: [
      upd({
        account: 'Acme',
        stage: 'quote',
        amount: 50000,
        currency: 'USD',
        nextStep: 'call',
        nextStepDue: '2026-11-27',
      }),
    ],
  },
  'globex 10k proposal': {
    intent: 'update',
    updates: [upd({ account: 'Globex', stage: 'proposal', amount: 10000, currency: 'USD' })],
  },
  'initech 5k': {
    intent: 'update',
    updates: [upd({ account: 'Initech', amount: 5000, currency: 'USD' })],
  },
};
const extractor: Extractor = {
  name: 'scripted',
  async extract(text) {
    return { extraction: SCRIPT[text] ?? { intent: 'other', updates: [] }, source: 'offline' };
  },
};
const now = new Date('2026-11-25T15:00:00Z');
let seq = 0;

describe.each(DRIVERS)('home, identify, recover and change hooks on %s', (driver) => {
  let t: TestDatabase;
  let bot: Assistant;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    bot = createAssistant({
      db: t.db,
      extractor,
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => now,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const msg = (
    platform: 'slack' | 'discord',
    team: string,
    user: string,
    text: string,
  ): IncomingMessage => ({
    platform,
    workspace: { externalId: team },
    sender: { externalId: user, displayName: user },
    channel: `D-${user}`,
    messageId: `m${++seq}`,
    text,
    sentAt: now,
  });
  const actor = (team: string, user: string): Actor => ({
    platform: 'slack',
    workspace: { externalId: team },
    sender: { externalId: user, displayName: user },
  });

  it('shows a rep their deals by stage and follow-ups, and a manager the team’s totals too', async () => {
    await bot.handleMessage(msg('slack', 'H1', 'boss', 'globex 10k proposal'));
    await bot.handleMessage(msg('slack', 'H1', 'rep', 'acme 50k quote, follow up Friday'));
    const rep = await bot.home(actor('H1', 'rep'));
    expect(rep.map((r) => r.kind)).toEqual(['report', 'list']);
    const deals = rep[0];
    if (deals?.kind !== 'report') throw new Error('expected report');
    expect(deals.title).toBe('Your open deals');
    expect(deals.sections.map((s) => s.heading)).toEqual(['Quote (1)']);
    expect(deals.sections[0]?.items?.[0]).toMatchObject({
      text: 'Acme',
      detail: expect.stringContaining('$50,000'),
    });
    expect(rep[1]).toMatchObject({ kind: 'list', items: [{ text: 'Acme: call' }] });

    const boss = await bot.home(actor('H1', 'boss'));
    expect(boss.map((r) => r.kind)).toEqual(['report', 'list', 'pipeline']);
    expect(boss[2]).toMatchObject({ kind: 'pipeline', title: 'Team pipeline' });
    const empty = await bot.home(actor('H1', 'newcomer'));
    expect(empty[0]).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('No open deals yet'),
    });
  });

  it('identify records who someone is, so a guest’s stored message is processed read-only', async () => {
    const m = msg('slack', 'H2', 'guest', 'initech 5k');
    await bot.handleMessage(msg('slack', 'H2', 'owner', 'hello'));
    const stored = await bot.receive(m);
    const { workspace, member } = await bot.identify({
      ...actor('H2', 'guest'),
      sender: { externalId: 'guest', displayName: 'Guest Person', canWrite: false },
    });
    expect(workspace.externalId).toBe('H2');
    expect(member).toMatchObject({ displayName: 'Guest Person', canWrite: false, role: 'rep' });
    const result = await bot.process(stored.inboxId);
    expect(result.replies[0]).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('can’t change deal data'),
    });
  });

  it('never makes a guest admin, even the first to arrive, and a member who may not write changes no settings', async () => {
    const guest = {
      ...actor('H5', 'guest'),
      sender: { externalId: 'guest', canWrite: false, isAdmin: true },
    };
    const first = await bot.identify(guest);
    expect(first.member.role).toBe('rep');
    const owner = await bot.identify(actor('H5', 'owner'));
    expect(owner.member.role).toBe('admin');
    // An admin later seen as a guest (e.g. made a guest in Slack) keeps the role but loses the power.
    await bot.identify({
      ...actor('H5', 'owner'),
      sender: { externalId: 'owner', canWrite: false },
    });
    const denied = await bot.runCommand(actor('H5', 'owner'), 'settings timezone Asia/Shanghai');
    expect(denied[0]).toMatchObject({ text: 'Only managers and admins can change settings.' });
  });

  it('knows the threads it takes part in: a stored message or one of its own posts', async () => {
    const m = msg('slack', 'H6', 'kim', 'initech 5k');
    await bot.handleMessage(m);
    const where = { platform: 'slack' as const, workspace: { externalId: 'H6' } };
    expect(await bot.followsThread(where, m.channel, m.messageId)).toBe(true);
    expect(await bot.followsThread(where, m.channel, 'elsewhere')).toBe(false);
    expect(
      await bot.followsThread(
        { ...where, workspace: { externalId: 'H7' } },
        m.channel,
        m.messageId,
      ),
    ).toBe(false);
  });

  it('recovers only the platform asked for', async () => {
    const s = await bot.receive(msg('slack', 'H3', 'a', 'initech 5k'));
    const d = await bot.receive(msg('discord', 'G3', 'b', 'initech 5k'));
    const slack = await bot.recover(100, 'slack');
    expect(slack.map((x) => x.row.id)).toContain(s.inboxId);
    expect(slack.map((x) => x.row.id)).not.toContain(d.inboxId);
    const rest = await bot.recover(100);
    expect(rest.map((x) => x.row.id)).toEqual([d.inboxId]);
  });

  it('tells change listeners about a member’s update, survives a failing one, and unsubscribes', async () => {
    const config = loadConfig({ PIPEBOT_TIMEZONE: 'UTC' });
    const app = createApp(
      config,
      { db: t.db, describe: 'test', close: async () => {} } as never,
      silentLogger,
      {
        extractor,
        now: () => now,
      },
    );
    const seen: string[] = [];
    app.onChange(() => {
      throw new Error('listener bug');
    });
    const off = app.onChange((s: Session) => seen.push(s.member.externalId));
    const r = await app.assistant.handleMessage(msg('slack', 'H4', 'zoe', 'initech 5k'));
    expect(r.replies[0]?.kind).toBe('change');
    expect(seen).toEqual(['zoe']);
    off();
    await app.assistant.handleMessage(msg('slack', 'H4', 'zoe', 'globex 10k proposal'));
    expect(seen).toEqual(['zoe']);
  });
});

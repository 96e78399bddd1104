// Proves /pipebot through the real discord.js client against a fake Discord: subcommands answer (ephemerally), slow answers are deferred then edited, an expired token falls back to a DM, account autocomplete, roles and settings go through the assistant's permission checks, follow-ups can be marked done, and two guilds never see each other's deals.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordService } from '../../../src/adapters/discord/service.ts';
import { members, workspaces } from '../../../src/db/schema.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { upd } from '../../helpers/fixtures.ts';
import { click, say, slash } from './fake/events.ts';
import { FakeDiscord, type Json } from './fake/server.ts';
import {
  answerOf,
  guild,
  makeAssistant,
  person,
  scripted,
  startBot,
  withDelays,
} from './harness.ts';

const SCRIPT = {
  'met Acme, 50k, follow up Friday': {
    intent: 'update' as const,
    updates: [
      upd({
        account: 'Acme',
        stage: 'proposal',
        amount: 50000,
        currency: 'USD',
        nextStep: 'send the proposal',
        nextStepDue: '2026-11-27',
      }),
    ],
  },
  'Acorn Labs 5k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Acorn Labs', amount: 5000, currency: 'USD' })],
  },
};

describe.each(DRIVERS)('/pipebot on %s', (driver) => {
  let t: TestDatabase;
  let fake: FakeDiscord;
  let bot: DiscordService;
  const delays: { command?: number; action?: number } = {};
  const alice = person('Alice');
  const carol = person('Carol');
  const bob = person('Bob');
  const dave = person('Dave');
  const erin = person('Erin');
  const a = guild('Acme Sales', alice);
  const b = guild('Bob Co', bob);
  const general = { guild: a, channel: a.channels[0]!.id };
  const bobs = { guild: b, channel: b.channels[0]!.id };

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    fake = await FakeDiscord.start({ guilds: [a, b] });
    bot = await startBot(fake, withDelays(makeAssistant(t.db, scripted(SCRIPT)), delays), {
      deferAfterMs: 400,
    });
    say(fake, general, alice, 'met Acme, 50k, follow up Friday', { mentionBot: true });
    say(fake, general, alice, 'Acorn Labs 5k', { mentionBot: true });
    await fake.until(() => fake.botMessages(general.channel).length >= 2 || undefined);
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    await t?.close();
  });

  it('/pipebot deal shows the deal card only to the asker, with an Edit button', async () => {
    const r = slash(fake, general, alice, 'deal', [{ name: 'account', type: 3, value: 'Acme' }]);
    const card = await answerOf(fake, r);
    expect(card.flags & 64).toBe(64);
    expect(card.embeds[0].title).toBe('Acme');
    expect(card.embeds[0].fields.map((f: Json) => f.name)).toContain('Amount');
    expect(card.components[0].components[0]).toMatchObject({ label: 'Edit' });
  });

  it('defers a slow answer within the three seconds and edits it in when ready', async () => {
    delays.command = 1_500;
    try {
      const r = slash(fake, general, alice, 'pipeline');
      await fake.until(() => r.responses[0]);
      expect(r.responses[0]).toMatchObject({ type: 5, data: { flags: 64 } });
      const answer = await answerOf(fake, r);
      expect(answer.embeds[0].fields.map((f: Json) => f.name)).toContain('Proposal · 1');
      expect(
        fake.requestsTo('PATCH', new RegExp(`/webhooks/\\d+/${r.token}/messages/@original`)),
      ).toHaveLength(1);
    } finally {
      delays.command = 0;
    }
  });

  it('posts the answer as a DM when the interaction token expired before it was ready', async () => {
    delays.command = 1_500;
    try {
      const dm = fake.dmChannel(alice.id);
      const before = fake.botMessages(dm).length;
      const r = slash(fake, general, alice, 'followups');
      await fake.until(() => r.responses[0]);
      fake.expireToken(r.token);
      const posted = await fake.until(() => fake.botMessages(dm)[before]);
      expect(posted.embeds[0].title).toBe('Your follow-ups');
      expect(posted.embeds[0].description).toContain('send the proposal');
    } finally {
      delays.command = 0;
    }
  });

  it('autocompletes account names within the asker’s guild only', async () => {
    const mine = slash(
      fake,
      general,
      alice,
      'deal',
      [{ name: 'account', type: 3, value: 'ac', focused: true }],
      { autocomplete: true },
    );
    await fake.until(() => mine.responses[0]);
    expect(mine.responses[0]?.type).toBe(8);
    expect(mine.responses[0]?.data.choices.map((c: Json) => c.name).sort()).toEqual([
      'Acme',
      'Acorn Labs',
    ]);
    const theirs = slash(
      fake,
      bobs,
      bob,
      'deal',
      [{ name: 'account', type: 3, value: 'ac', focused: true }],
      { autocomplete: true },
    );
    await fake.until(() => theirs.responses[0]);
    expect(theirs.responses[0]?.data.choices).toEqual([]);
  });

  it('keeps two guilds apart: another guild cannot see the deal', async () => {
    const r = slash(fake, bobs, bob, 'deal', [{ name: 'account', type: 3, value: 'Acme' }]);
    const answer = await answerOf(fake, r);
    expect(answer.content).toBe('No deal found for “Acme”.');
    const ws = await t.db.select().from(workspaces).where(eq(workspaces.platform, 'discord'));
    expect(ws.map((w) => w.externalId)).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it('lets the guild owner (an admin) change roles, and refuses a rep', async () => {
    const byOwner = slash(fake, general, alice, 'role', [
      { name: 'member', type: 6, value: carol.id, user: carol },
      { name: 'role', type: 3, value: 'manager' },
    ]);
    expect((await answerOf(fake, byOwner)).content).toBe('Carol is now manager.');
    const [row] = await t.db.select().from(members).where(eq(members.externalId, carol.id));
    expect(row?.role).toBe('manager');

    const byRep = slash(fake, bobs, dave, 'role', [
      { name: 'member', type: 6, value: bob.id, user: bob },
      { name: 'role', type: 3, value: 'rep' },
    ]);
    expect((await answerOf(fake, byRep)).content).toContain('Only admins can change roles.');
  });

  it('changes a setting for a manager, taking a picked channel as its id', async () => {
    const r = slash(fake, general, carol, 'settings', [
      { name: 'key', type: 3, value: 'digest-channel' },
      { name: 'value', type: 3, value: `<#${general.channel}>` },
    ]);
    await answerOf(fake, r);
    const [ws] = await t.db.select().from(workspaces).where(eq(workspaces.externalId, a.id));
    expect(ws?.digestChannel).toBe(general.channel);
  });

  it('marks a follow-up done from the list: that button turns off, the result is private', async () => {
    const r = slash(fake, general, alice, 'followups');
    const list = await answerOf(fake, r);
    const button = list.components[0].components[0];
    expect(button.label).toBe('1 · Done');
    const done = click(fake, general, alice, list, button.custom_id);
    await fake.until(() => done.followUps[0]);
    expect(done.responses[0]?.type).toBe(7);
    expect(done.responses[0]?.data.components[0].components[0].disabled).toBe(true);
    const note = fake.messages.get(done.followUps[0]!);
    expect(note.flags & 64).toBe(64);
    expect(note.content).toContain('Done: send the proposal');
  });

  it('answers in a DM with no shared guild, in a workspace of the user’s own', async () => {
    const r = slash(fake, {}, erin, 'help');
    const help = await answerOf(fake, r);
    expect(help.embeds[0].title).toBeTruthy();
    const [ws] = await t.db
      .select()
      .from(workspaces)
      .where(eq(workspaces.externalId, `dm:${erin.id}`));
    expect(ws).toBeDefined();
  });

  it('sends every message, response and edit with mention parsing turned off', () => {
    const writes = fake.requests.filter(
      (r) =>
        (r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path)) ||
        (r.method === 'POST' && /^\/webhooks\//.test(r.path)) ||
        r.method === 'PATCH' ||
        (/\/callback$/.test(r.path) && [4, 7].includes(r.body?.type)),
    );
    expect(writes.length).toBeGreaterThan(10);
    for (const w of writes) {
      const body = /\/callback$/.test(w.path) ? w.body.data : w.body;
      expect(body.allowed_mentions, `${w.method} ${w.path}`).toEqual({
        parse: [],
        replied_user: false,
      });
    }
  });
});

// Proves the real discord.js client, against a fake Discord, turns DMs, mentions, card replies and watched-channel messages into deal changes with embeds, Undo, the Edit modal and the account picker; writes a message delivered twice (or to two replicas) once; never pings; survives 429s and lost answers without double posts.
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordService } from '../../../src/adapters/discord/service.ts';
import { accounts, deals, inbox, outbound, workspaces } from '../../../src/db/schema.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { upd } from '../../helpers/fixtures.ts';
import { choose, click, messagePayload, say, slash, submitModal } from './fake/events.ts';
import { FakeDiscord, type Json } from './fake/server.ts';
import { answerOf, guild, makeAssistant, person, scripted, startBot } from './harness.ts';

const SCRIPT = {
  'met Acme, they need SSO, 50k, follow up Friday': {
    intent: 'update' as const,
    updates: [
      upd({
        account: 'Acme',
        stage: 'needs_analysis',
        amount: 50000,
        currency: 'USD',
        needs: ['SSO'],
        nextStep: 'follow up',
        nextStepDue: '2026-11-27',
      }),
    ],
  },
  'Initech wants a demo, 20k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Initech', stage: 'proposal', amount: 20000, currency: 'USD' })],
  },
  'they want 60k now': {
    intent: 'update' as const,
    updates: [upd({ account: null, amount: 60000, currency: 'USD' })],
  },
  'Globex Industries 10k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Globex Industries', amount: 10000, currency: 'USD' })],
  },
  'Globex Logistics 20k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Globex Logistics', amount: 20000, currency: 'USD' })],
  },
  'Globex signed': {
    intent: 'update' as const,
    updates: [upd({ account: 'Globex', stage: 'closed_won' })],
  },
  'Hooli call, ping @everyone and <@&42> about it': {
    intent: 'update' as const,
    updates: [upd({ account: 'Hooli', nextStep: 'ping @everyone and <@&42> about it' })],
  },
  'Umbrella 5k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Umbrella', amount: 5000, currency: 'USD' })],
  },
  'Vandelay 7k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Vandelay', amount: 7000, currency: 'USD' })],
  },
  'Wonka 1k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Wonka', amount: 1000, currency: 'USD' })],
  },
  'Wonka 2k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Wonka', amount: 2000, currency: 'USD' })],
  },
  'Soylent 9k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Soylent', amount: 9000, currency: 'USD' })],
  },
};

describe.each(DRIVERS)('Discord messages on %s', (driver) => {
  let t: TestDatabase;
  let fake: FakeDiscord;
  let bot: DiscordService;
  const alice = person('Alice');
  const carol = person('Carol');
  const bob = person('Bob');
  const a = guild('Acme Sales', alice);
  const b = guild('Bob Co', bob);
  const general = { guild: a, channel: a.channels[0]!.id };
  const sales = { guild: a, channel: a.channels[1]!.id };

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    fake = await FakeDiscord.start({ guilds: [a, b] });
    bot = await startBot(fake, makeAssistant(t.db, scripted(SCRIPT)));
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    await t?.close();
  });

  const lastBotMessage = (channel: string, after = 0) =>
    fake.until(() => fake.botMessages(channel).slice(after).at(-1));
  async function eventually<T>(check: () => Promise<T | undefined | null>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await check();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('condition never held');
  }
  const dealOf = async (name: string, guildId: string) => {
    const [row] = await t.db
      .select({ deal: deals })
      .from(deals)
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .innerJoin(workspaces, eq(workspaces.id, deals.workspaceId))
      .where(
        and(eq(accounts.name, name), eq(workspaces.externalId, guildId), ne(deals.status, 'void')),
      );
    return row?.deal;
  };

  it('turns a DM into a deal and answers with a change embed offering Undo and Edit; Undo reverts it', async () => {
    const dm = fake.dmChannel(alice.id);
    const sent = say(fake, {}, alice, 'met Acme, they need SSO, 50k, follow up Friday');
    const card = await lastBotMessage(dm);
    expect(card.embeds[0].title).toBe('New deal: Acme');
    expect(card.embeds[0].description).toContain('**Amount:** $50,000');
    expect(card.components[0].components.map((c: Json) => c.label)).toEqual(['Undo', 'Edit']);
    expect(card.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // The DM went to the guild workspace alice already uses? No: she has none yet, so her own.
    const [row] = await t.db.select().from(inbox).where(eq(inbox.messageId, sent.id));
    expect(row?.status).toBe('processed');
    const [ws] = await t.db.select().from(workspaces).where(eq(workspaces.id, row!.workspaceId));
    expect(ws?.externalId).toBe(`dm:${alice.id}`);
    const [posted] = await t.db.select().from(outbound).where(eq(outbound.messageId, card.id));
    expect(posted?.dealId).not.toBeNull();

    const undo = click(fake, {}, alice, card, card.components[0].components[0].custom_id);
    const after = await answerOf(fake, undo);
    expect(undo.responses[0]?.type).toBe(7);
    expect(after.id).toBe(card.id);
    expect(after.content).toContain('Undone');
    expect(after.embeds).toEqual([]);
    expect(after.components).toEqual([]);
  });

  it('reads a mention in a guild channel, replies to it, and applies a reply to the card to the same deal', async () => {
    const sent = say(fake, general, alice, 'met Acme, they need SSO, 50k, follow up Friday', {
      mentionBot: true,
    });
    const card = await lastBotMessage(general.channel);
    expect(card.message_reference?.message_id).toBe(sent.id);
    expect(card.embeds[0].title).toBe('New deal: Acme');
    const [row] = await t.db.select().from(inbox).where(eq(inbox.messageId, sent.id));
    expect(row?.text).toBe('met Acme, they need SSO, 50k, follow up Friday');

    // The card's message id is recorded just after Discord answers the post.
    await eventually(async () => {
      const [o] = await t.db.select().from(outbound).where(eq(outbound.messageId, card.id));
      return o?.dealId;
    });
    const before = fake.botMessages(general.channel).length;
    say(fake, general, alice, 'they want 60k now', { replyTo: card });
    const change = await lastBotMessage(general.channel, before);
    expect(change.embeds[0].title).toBe('Updated Acme');
    expect(change.embeds[0].description).toBe('**Amount:** $50,000 → $60,000');
    expect(Number((await dealOf('Acme', a.id))?.amount)).toBe(60000);
  });

  it('opens the Edit modal from the card, shows field errors, and saves valid values through the same path', async () => {
    const before = fake.botMessages(general.channel).length;
    say(fake, general, alice, 'Initech wants a demo, 20k', { mentionBot: true });
    const card = await lastBotMessage(general.channel, before);
    const edit = click(fake, general, alice, card, card.components[0].components[1].custom_id);
    await fake.until(() => edit.responses[0]);
    expect(edit.responses[0]?.type).toBe(9);
    const modal = edit.responses[0]?.data;
    expect(modal.components).toHaveLength(5);
    expect(modal.components.every((c: Json) => c.type === 18 && c.label.length <= 45)).toBe(true);
    const stage = modal.components.find((c: Json) => c.component.custom_id === 'stage');
    expect(stage.component.options.find((o: Json) => o.default)?.value).toBe('proposal');
    const amount = modal.components.find((c: Json) => c.component.custom_id === 'amount');
    expect(amount.component.value).toBe('20000 USD');

    const bad = submitModal(fake, general, alice, modal, { closeDate: '2026-02-30' }, card);
    const warning = await answerOf(fake, bad);
    expect(warning.flags & 64).toBe(64);
    expect(warning.content).toContain('Expected close: Use a real date as YYYY-MM-DD');
    expect(warning.components[0].components[0].custom_id).toMatch(/^edit:/);

    const good = submitModal(
      fake,
      general,
      alice,
      modal,
      { stage: 'quote', amount: '60k EUR', closeDate: '2026-12-31' },
      card,
    );
    const updated = await answerOf(fake, good);
    expect(good.responses[0]?.type).toBe(7);
    expect(updated.id).toBe(card.id);
    expect(updated.embeds[0].title).toBe('Updated Initech');
    const deal = await dealOf('Initech', a.id);
    expect([deal?.stage, Number(deal?.amount), deal?.currency, deal?.closeDate]).toEqual([
      'quote',
      60000,
      'EUR',
      '2026-12-31',
    ]);
  });

  it('asks which account with a select menu and continues the update with the choice', async () => {
    const dm = fake.dmChannel(carol.id);
    say(fake, {}, carol, 'Globex Industries 10k');
    say(fake, {}, carol, 'Globex Logistics 20k');
    await fake.until(() => fake.botMessages(dm).length >= 2 || undefined);
    say(fake, {}, carol, 'Globex signed');
    const picker = await fake.until(() =>
      fake.botMessages(dm).find((m) => m.components[0]?.components[0]?.type === 3),
    );
    expect(picker.content).toContain('Globex');
    const menu = picker.components[0].components[0];
    expect(menu.custom_id).toBe('choice');
    expect(menu.options.map((o: Json) => o.label)).toEqual([
      'Globex Industries',
      'Globex Logistics',
      'New account “Globex”',
    ]);
    const pick = choose(fake, {}, carol, picker, 'choice', [menu.options[1].value]);
    const card = await answerOf(fake, pick);
    expect(pick.responses[0]?.type).toBe(7);
    expect(card.embeds[0].title).toContain('Globex Logistics');
    expect(card.content).toBe('');
    // The picker message now shows the card: a reply to it applies to that deal.
    const mapped = await eventually(async () =>
      (await t.db.select().from(outbound).where(eq(outbound.messageId, picker.id))).find(
        (o) => o.dealId,
      ),
    );
    expect(mapped?.dealId).toBe((await dealOf('Globex Logistics', `dm:${carol.id}`))?.id);
    const [won] = await t.db
      .select({ stage: deals.stage })
      .from(deals)
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .where(eq(accounts.name, 'Globex Logistics'));
    expect(won?.stage).toBe('closed_won');
  });

  it('writes a message delivered twice, and to a second replica, once, and answers once', async () => {
    const replica = await startBot(fake, makeAssistant(t.db, scripted(SCRIPT)));
    try {
      const dm = fake.dmChannel(bob.id);
      const payload = messagePayload(fake, {}, bob, 'Umbrella 5k');
      fake.dispatch('MESSAGE_CREATE', payload);
      fake.dispatch('MESSAGE_CREATE', payload);
      await lastBotMessage(dm);
      // Give the slower deliveries every chance to post a second answer.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(fake.botMessages(dm)).toHaveLength(1);
      const rows = await t.db.select().from(inbox).where(eq(inbox.messageId, payload.id));
      expect(rows).toHaveLength(1);
    } finally {
      await replica.stop();
    }
  });

  it('never pings: @everyone and role mentions in a rep’s text are sent with no mentions parsed', async () => {
    const dm = fake.dmChannel(alice.id);
    const before = fake.botMessages(dm).length;
    say(fake, {}, alice, 'Hooli call, ping @everyone and <@&42> about it');
    const card = await lastBotMessage(dm, before);
    expect(card.embeds[0].description).toContain('@\u200beveryone');
    expect(card.embeds[0].description).toContain('<\u200b@&42>');
    say(fake, {}, alice, 'deal @everyone');
    const text = await lastBotMessage(dm, before + 1);
    expect(text.content).toContain('@\u200beveryone');
    const posts = fake.requestsTo('POST', new RegExp(`/channels/${dm}/messages$`));
    expect(posts.length).toBeGreaterThan(0);
    for (const p of posts)
      expect(p.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('reads a watched channel only after /pipebot watch, and ignores bots, webhooks and other channels', async () => {
    const watch = slash(fake, sales, alice, 'watch');
    const ok = await answerOf(fake, watch);
    expect(ok.flags & 64).toBe(0);
    const plain = say(fake, sales, carol, 'Vandelay 7k');
    const card = await lastBotMessage(sales.channel, 1);
    expect(card.embeds[0].title).toBe('New deal: Vandelay');
    expect(card.message_reference?.message_id).toBe(plain.id);

    const ignored = [
      say(fake, general, carol, 'Soylent 9k'),
      say(fake, sales, { ...carol, id: '999', bot: true }, 'Soylent 9k'),
      say(fake, sales, carol, 'Soylent 9k', { webhook: true }),
    ];
    await new Promise((r) => setTimeout(r, 1_000));
    for (const m of ignored) {
      const rows = await t.db.select().from(inbox).where(eq(inbox.messageId, m.id));
      expect(rows).toHaveLength(0);
    }
  });

  it('waits out a 429 from Discord and posts the answer once', async () => {
    const dm = fake.dmChannel(carol.id);
    const before = fake.botMessages(dm).length;
    fake.rateLimit('POST', new RegExp(`/channels/${dm}/messages$`), 1, 0.3);
    say(fake, {}, carol, 'Soylent 9k');
    const card = await lastBotMessage(dm, before);
    expect(card.embeds[0].title).toBe('New deal: Soylent');
    const posts = fake.requestsTo('POST', new RegExp(`/channels/${dm}/messages$`)).slice(-2);
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(fake.botMessages(dm)).toHaveLength(before + 1);
  });

  it('does not post twice when Discord created the message but the answer was lost (nonce)', async () => {
    const dm = fake.dmChannel(bob.id);
    const before = fake.botMessages(dm).length;
    fake.fail('POST', new RegExp(`/channels/${dm}/messages$`), 502, true);
    say(fake, {}, bob, 'Vandelay 7k');
    await lastBotMessage(dm, before);
    await fake.until(
      () => fake.requestsTo('POST', new RegExp(`/channels/${dm}/messages$`)).at(-1)?.status === 200,
    );
    const posts = fake.requestsTo('POST', new RegExp(`/channels/${dm}/messages$`)).slice(-2);
    expect(posts.map((p) => p.status)).toEqual([502, 200]);
    expect(posts[0]?.body.nonce).toBe(posts[1]?.body.nonce);
    expect(posts[0]?.body.enforce_nonce).toBe(true);
    expect(fake.botMessages(dm)).toHaveLength(before + 1);
  });

  it('re-reads an edited update and answers with the new change', async () => {
    const before = fake.botMessages(general.channel).length;
    const sent = say(fake, general, alice, 'Wonka 1k', { mentionBot: true });
    await lastBotMessage(general.channel, before);
    fake.dispatch(
      'MESSAGE_UPDATE',
      {
        ...sent,
        content: `<@${fake.bot.id}> Wonka 2k`,
        edited_timestamp: new Date().toISOString(),
      },
      a.id,
    );
    const again = await lastBotMessage(general.channel, before + 1);
    expect(again.embeds[0].description).toContain('$2,000');
    expect(Number((await dealOf('Wonka', a.id))?.amount)).toBe(2000);
  });

  it('posts images as attachments and reports as embeds through the outbound, once per key', async () => {
    const [ws] = await t.db.select().from(workspaces).where(eq(workspaces.externalId, a.id));
    const replies = [
      {
        kind: 'image' as const,
        locale: 'en' as const,
        title: 'Pipeline',
        png: new Uint8Array([137, 80, 78, 71]),
        alt: 'bars',
      },
      {
        kind: 'report' as const,
        locale: 'en' as const,
        title: 'Daily digest',
        sections: [{ heading: 'Due today', lines: ['Acme: call @everyone'] }],
      },
    ];
    const first = await bot.outbound.send(
      ws!,
      { kind: 'dm', user: alice.id },
      replies,
      'digest:test:1',
    );
    expect(first.status).toBe('sent');
    const dm = fake.dmChannel(alice.id);
    const posts = fake.requestsTo('POST', new RegExp(`/channels/${dm}/messages$`)).slice(-2);
    expect(posts[0]?.files).toEqual([{ name: 'chart.png', size: 4, type: expect.any(String) }]);
    expect(posts[0]?.body.embeds[0].image.url).toBe('attachment://chart.png');
    expect(posts[1]?.body.embeds[0].fields[0]).toEqual({
      name: 'Due today',
      value: 'Acme: call @\u200beveryone',
    });
    const count = fake.requests.length;
    const again = await bot.outbound.send(
      ws!,
      { kind: 'dm', user: alice.id },
      replies,
      'digest:test:1',
    );
    expect(again).toMatchObject({
      status: 'duplicate',
      messageId: first.status === 'sent' ? first.messageId : null,
    });
    expect(fake.requests.slice(count).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('keeps the gateway connection alive with heartbeats', async () => {
    await fake.until(() => fake.heartbeats > 0);
  });

  it('acts on a DM card in the workspace that posted it, even after the user moved on to a guild', async () => {
    const dave = person('Dave');
    const dm = fake.dmChannel(dave.id);
    say(fake, {}, dave, 'Soylent 9k');
    const card = await lastBotMessage(dm);
    await eventually(async () => {
      const [o] = await t.db.select().from(outbound).where(eq(outbound.messageId, card.id));
      return o?.messageId;
    });
    const before = fake.botMessages(general.channel).length;
    say(fake, general, dave, 'Umbrella 5k', { mentionBot: true });
    await lastBotMessage(general.channel, before);
    const undo = click(fake, {}, dave, card, card.components[0].components[0].custom_id);
    expect((await answerOf(fake, undo)).content).toBe('✅ Undone: Soylent is back to how it was.');
  });
});

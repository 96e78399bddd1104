// Proves the Discord connection: without the Message Content intent (refused with 4014, or absent from the application) the bot says so and keeps serving slash commands and mentions instead of failing or looping; a bad token fails start once with a clear error; stop finishes in-flight work before disconnecting.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../../src/db/schema.ts';
import { PipebotError } from '../../../src/errors.ts';
import type { Extractor } from '../../../src/understand/extraction.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { upd } from '../../helpers/fixtures.ts';
import { say, slash } from './fake/events.ts';
import { FakeDiscord } from './fake/server.ts';
import {
  answerOf,
  captureLogger,
  guild,
  makeAssistant,
  person,
  scripted,
  startBot,
} from './harness.ts';

const CONTENT = 1 << 15;
const SCRIPT = {
  'Acme 50k': {
    intent: 'update' as const,
    updates: [upd({ account: 'Acme', amount: 50000, currency: 'USD' })],
  },
};

describe.each(DRIVERS)('Discord connection on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('on 4014 logs why, reconnects without Message Content, and keeps answering slash commands and mentions', async () => {
    const alice = person('Alice');
    const g = guild('Acme Sales', alice);
    const fake = await FakeDiscord.start({ guilds: [g], refuseMessageContent: true });
    const cap = captureLogger();
    const bot = await startBot(fake, makeAssistant(t.db, scripted(SCRIPT)), { logger: cap.logger });
    try {
      expect(fake.closes).toEqual([4014]);
      expect(fake.identifies.map((i) => Boolean(i.intents & CONTENT))).toEqual([false]);
      expect(bot.messageContent()).toBe(false);
      const warning = cap.lines().find((l) => l.closeCode === 4014);
      expect(String(warning?.msg)).toMatch(/Message Content intent/);

      const where = { guild: g, channel: g.channels[0]!.id };
      const help = slash(fake, where, alice, 'help');
      expect((await answerOf(fake, help)).embeds[0].title).toBeTruthy();
      say(fake, where, alice, 'Acme 50k', { mentionBot: true });
      const card = await fake.until(() =>
        fake.botMessages(where.channel).find((m) => m.embeds[0]?.title === 'New deal: Acme'),
      );
      expect(card).toBeDefined();

      // A watched channel's ordinary messages arrive blank: said once in the log, nothing stored.
      await answerOf(fake, slash(fake, where, alice, 'watch'));
      const blank = say(fake, where, alice, 'Acme 50k');
      await fake.until(() =>
        cap.lines().some((l) => String(l.msg).includes('arrived without text')),
      );
      expect(await t.db.select().from(inbox).where(eq(inbox.messageId, blank.id))).toEqual([]);
    } finally {
      await bot.stop();
      await fake.close();
    }
  });

  it('does not ask for Message Content when the application does not have it', async () => {
    const fake = await FakeDiscord.start({ appFlags: 0 });
    const cap = captureLogger();
    const bot = await startBot(fake, makeAssistant(t.db, scripted(SCRIPT)), { logger: cap.logger });
    try {
      expect(fake.closes).toEqual([]);
      expect(fake.identifies).toHaveLength(1);
      expect(fake.identifies[0]!.intents & CONTENT).toBe(0);
      expect(cap.lines().some((l) => l.intent === 'MessageContent' && l.level === 40)).toBe(true);
    } finally {
      await bot.stop();
      await fake.close();
    }
  });

  it('fails start once with a clear error when Discord rejects the token', async () => {
    const fake = await FakeDiscord.start();
    try {
      const start = startBot(fake, makeAssistant(t.db, scripted(SCRIPT)), {
        token: 'wrong-token',
      });
      await expect(start).rejects.toThrow(PipebotError);
      await expect(start).rejects.toThrow(/DISCORD_TOKEN/);
      expect(fake.requestsTo('GET', /^\/gateway\/bot$/)).toHaveLength(1);
      expect(fake.identifies).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it('on stop finishes the message in flight, answers it, then disconnects', async () => {
    const alice = person('Alice');
    const fake = await FakeDiscord.start();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Extractor = {
      name: 'slow',
      async extract(text, ctx) {
        await gate;
        return scripted(SCRIPT).extract(text, ctx);
      },
    };
    const bot = await startBot(fake, makeAssistant(t.db, slow));
    const sent = say(fake, {}, alice, 'Acme 50k');
    for (let i = 0; i < 100; i++) {
      const rows = await t.db.select().from(inbox).where(eq(inbox.messageId, sent.id));
      if (rows[0]?.status === 'processing') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const stopped = bot.stop();
    setTimeout(release, 300);
    await stopped;
    expect(bot.client()).toBeNull();
    const dm = fake.dmChannel(alice.id);
    expect(fake.botMessages(dm).map((m) => m.embeds[0]?.title)).toEqual(['New deal: Acme']);
    await fake.close();
  });
});

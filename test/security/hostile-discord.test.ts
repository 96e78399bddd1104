// Proves the hostile corpus through Discord itself (the real discord.js client against a fake Discord: mentions in a guild channel, /pipebot arguments, forged buttons; offline extractor): every stored message answered, every write sent with mention parsing off and mentions broken in the text, nothing from another guild, no crash.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordService } from '../../src/adapters/discord/service.ts';
import { deals, inbox, workspaces } from '../../src/db/schema.ts';
import { createOfflineExtractor } from '../../src/understand/offline/index.ts';
import { click, say, slash } from '../adapters/discord/fake/events.ts';
import { FakeDiscord, type Json } from '../adapters/discord/fake/server.ts';
import { guild, makeAssistant, person, startBot } from '../adapters/discord/harness.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { FORGED_PAYLOADS, HOSTILE_INPUTS, OTHER_TENANT_SECRET } from './hostile-corpus.ts';

/** Every piece of text in a message body Discord would render. */
function textsOf(body: Json): string[] {
  if (!body || typeof body !== 'object') return [];
  const embeds = (body.embeds ?? []) as Json[];
  return [
    body.content ?? '',
    ...embeds.flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      e.footer?.text ?? '',
      ...((e.fields ?? []) as Json[]).flatMap((f) => [f.name, f.value]),
    ]),
  ].map(String);
}

describe.each(DRIVERS)('hostile input through Discord on %s', (driver) => {
  let t: TestDatabase;
  let fake: FakeDiscord;
  let bot: DiscordService;
  const mallory = person('Mallory');
  const victim = person('Victim');
  const home = guild('Mallory Sales', mallory);
  const otherGuild = guild('Victim Corp', victim);
  const general = { guild: home, channel: home.channels[0]!.id };

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    fake = await FakeDiscord.start({ guilds: [home, otherGuild] });
    bot = await startBot(fake, makeAssistant(t.db, createOfflineExtractor()));
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
    await t?.close();
  });

  async function settled(count: () => Promise<number>, target: number): Promise<number> {
    let n = 0;
    for (let i = 0; i < 600; i++) {
      n = await count();
      if (n >= target) return n;
      await new Promise((r) => setTimeout(r, 50));
    }
    return n;
  }

  it('answers the corpus in a guild channel, as slash arguments and as forged buttons, safely', {
    timeout: 120_000,
  }, async () => {
    say(
      fake,
      { guild: otherGuild, channel: otherGuild.channels[0]!.id },
      victim,
      `met ${OTHER_TENANT_SECRET}, 70k`,
      {
        mentionBot: true,
      },
    );
    const otherWs = async () =>
      (await t.db.select().from(workspaces).where(eq(workspaces.externalId, otherGuild.id)))[0];
    await settled(async () => ((await otherWs()) ? 1 : 0), 1);
    const otherDealRows = async () => {
      const ws = await otherWs();
      return ws ? t.db.select().from(deals).where(eq(deals.workspaceId, ws.id)) : [];
    };
    await settled(async () => (await otherDealRows()).length, 1);
    // The victim's own card (with their deal's id on its buttons) is out before we start counting.
    await settled(async () => fake.botMessages(otherGuild.channels[0]!.id).length, 1);
    await new Promise((r) => setTimeout(r, 300));
    const otherBefore = JSON.stringify(await otherDealRows());
    expect(otherBefore).toContain('70000');
    const requestsBefore = fake.requests.length;

    const sent = HOSTILE_INPUTS.map((input) =>
      say(fake, general, mallory, input.text, { mentionBot: true }),
    );
    const commands = HOSTILE_INPUTS.slice(0, 40).map((input) =>
      slash(fake, general, mallory, 'deal', [
        { name: 'account', type: 3, value: input.text.slice(0, 100) },
      ]),
    );
    const anyCard: Json = { id: '1', channel_id: general.channel, components: [], embeds: [] };
    const clicks = FORGED_PAYLOADS.map((p) => click(fake, general, mallory, anyCard, p));

    // Wait for the bot to store and answer what it stored.
    const stored = async () =>
      (await t.db.select().from(inbox).where(eq(inbox.platform, 'discord'))).filter((r) =>
        sent.some((s) => s.id === r.messageId),
      );
    const answered = await settled(
      async () =>
        (await stored()).filter((r) => ['processed', 'needs_input', 'ignored'].includes(r.status))
          .length,
      sent.length - 10,
    );
    expect(answered).toBeGreaterThan(0);
    await settled(
      async () => [...commands, ...clicks].filter((r) => r.responses.length > 0).length,
      commands.length + clicks.length,
    );
    // Posting follows processing: wait until Discord has heard nothing new for a second.
    for (let last = -1, i = 0; i < 60 && fake.requests.length !== last; i++) {
      last = fake.requests.length;
      await new Promise((r) => setTimeout(r, 1_000));
    }

    const rows = await stored();
    expect(rows.length).toBeGreaterThan(HOSTILE_INPUTS.length / 2);
    expect(rows.filter((r) => !['processed', 'needs_input', 'ignored'].includes(r.status))).toEqual(
      [],
    );
    // Every interaction got an answer (an error would be a generic "something went wrong").
    expect([...commands, ...clicks].filter((r) => r.responses.length === 0)).toEqual([]);

    const writes = fake.requests
      .slice(requestsBefore)
      .filter(
        (r) =>
          (r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path)) ||
          (r.method === 'POST' && /^\/webhooks\//.test(r.path)) ||
          r.method === 'PATCH' ||
          (/\/callback$/.test(r.path) && [4, 7].includes(r.body?.type)),
      );
    expect(writes.length).toBeGreaterThan(HOSTILE_INPUTS.length / 2);
    const otherIds = (await otherDealRows()).flatMap((d) => [d.id, d.accountId]);
    for (const w of writes) {
      const body = /\/callback$/.test(w.path) ? w.body.data : w.body;
      expect(body.allowed_mentions, `${w.method} ${w.path}`).toEqual({
        parse: [],
        replied_user: false,
      });
      for (const text of textsOf(body)) {
        expect(text).not.toMatch(/@(everyone|here)\b/);
        expect(text).not.toMatch(/<@[!&]?\d|<#\d/);
      }
      const raw = JSON.stringify(body);
      for (const id of otherIds) expect(raw).not.toContain(id);
    }
    console.log(
      `hostile via Discord: ${sent.length} messages + ${commands.length} commands + ${clicks.length} buttons; ${rows.length} stored, ${writes.length} writes checked`,
    );
    expect(JSON.stringify(await otherDealRows())).toBe(otherBefore);
  });
});

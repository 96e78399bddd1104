// The known account names kept between messages: written through by this process's updates, read afresh after a command or once stale, and never shared between workspaces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import { HintCache } from '../../src/assistant/hintCache.ts';
import type { IncomingMessage } from '../../src/assistant/types.ts';
import type { Member, Workspace } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/log.ts';
import type { ExtractContext, Extractor } from '../../src/understand/extraction.ts';
import { createOfflineExtractor } from '../../src/understand/offline/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe('HintCache', () => {
  const key = HintCache.key({ platform: 'slack', externalId: 'T1' });

  it('serves names until they are stale, then reads afresh', () => {
    let clock = 0;
    const known = new HintCache({ ttlMs: 1000, clock: () => clock });
    expect(known.get(key)).toBeUndefined();
    known.set(key, 'ws1', ['Acme', 'Globex']);
    clock = 999;
    expect(known.get(key)).toMatchObject({ workspaceId: 'ws1', names: ['Acme', 'Globex'] });
    clock = 1000;
    expect(known.get(key)).toBeUndefined();
  });

  const deal = (id: string, account: string, ownerId = 'm1', status = 'open' as const) => ({
    id,
    account,
    stage: 'proposal',
    status,
    ownerId,
  });

  it('moves written accounts to the front, keeps the limit, and keeps the list when nothing moved', () => {
    const known = new HintCache({ clock: () => 0 });
    const names = Array.from({ length: 200 }, (_, i) => `Account ${i}`);
    known.set(key, 'ws1', names);
    // Written in this order: the last written is the most recent.
    known.written(key, 'ws1', [
      deal('d1', 'New Co'),
      deal('d2', 'New Co'),
      deal('d3', 'Account 5'),
    ]);
    const after = known.get(key)?.names ?? [];
    expect(after.slice(0, 3)).toEqual(['Account 5', 'New Co', 'Account 0']);
    expect(after).toHaveLength(200);
    expect(after).not.toContain('Account 199');
    expect(after.filter((n) => n === 'Account 5')).toHaveLength(1);
    known.written(key, 'ws1', [deal('d1', 'New Co'), deal('d3', 'Account 5')]);
    expect(known.get(key)?.names).toBe(after);
  });

  it('keeps each member’s open deals in order: written first, closed ones out, others’ untouched', () => {
    const known = new HintCache({ clock: () => 0 });
    const open = (id: string, account: string) => ({ account, stage: 'proposal', dealId: id });
    known.setOpenDeals(key, 'ws1', { id: 'm1', externalId: 'U1' }, [
      open('a', 'A'),
      open('b', 'B'),
    ]);
    known.setOpenDeals(key, 'ws1', { id: 'm2', externalId: 'U2' }, [open('c', 'C')]);
    known.written(key, 'ws1', [
      deal('b', 'B'),
      deal('n', 'N'),
      deal('a', 'A', 'm1', 'won' as never),
      deal('c', 'C', 'm1'),
    ]);
    // c moved to m1 (a manager reassigned it); a was won; n is new; latest first.
    expect(known.openDeals(key, 'U1')?.deals.map((d) => d.dealId)).toEqual(['c', 'n', 'b']);
    expect(known.openDeals(key, 'U2')?.deals).toEqual([]);
    expect(known.openDeals(key, 'U3')).toBeUndefined();
    // Written open and then won by one message: its latest state counts.
    known.written(key, 'ws1', [deal('n', 'N'), deal('n', 'N', 'm1', 'won' as never)]);
    expect(known.openDeals(key, 'U1')?.deals.map((d) => d.dealId)).toEqual(['c', 'b']);
  });

  it('ignores writes for another workspace row, and forgets on request', () => {
    const known = new HintCache({ clock: () => 0 });
    known.set(key, 'ws1', ['Acme']);
    known.written(key, 'ws2', [deal('x', 'Other Tenant Co')]);
    expect(known.get(key)?.names).toEqual(['Acme']);
    known.forget(key);
    expect(known.get(key)).toBeUndefined();
  });

  it('lets go of stale entries, so what it holds is what was recently used', () => {
    let clock = 0;
    const known = new HintCache({ ttlMs: 1000, clock: () => clock });
    const k = (id: string) => HintCache.key({ platform: 'slack', externalId: id });
    for (let i = 0; i < 50; i++) {
      known.set(k(`T${i}`), `ws${i}`, ['Acme']);
      known.setOpenDeals(k(`T${i}`), `ws${i}`, { id: `m${i}`, externalId: `U${i}` }, []);
    }
    expect(known.size).toEqual({ workspaces: 50, members: 50 });
    clock = 1500;
    known.set(k('T0'), 'ws0', ['Acme']);
    expect(known.size).toEqual({ workspaces: 1, members: 0 });
  });

  it('keeps at most the configured number of members per workspace', () => {
    const known = new HintCache({ clock: () => 0, maxMembers: 2 });
    for (const u of ['U1', 'U2', 'U3'])
      known.setOpenDeals(key, 'ws1', { id: `m-${u}`, externalId: u }, []);
    expect(known.openDeals(key, 'U1')).toBeUndefined();
    expect(known.openDeals(key, 'U3')?.memberId).toBe('m-U3');
    expect(known.size.members).toBe(2);
  });

  it('guesses a member’s rows only with both hints fresh and the rows seen for that very member', () => {
    let clock = 0;
    const known = new HintCache({ ttlMs: 1000, clock: () => clock });
    const workspace = { id: 'ws1' } as Workspace;
    const member = { id: 'm1', externalId: 'U1', workspaceId: 'ws1' } as Member;
    known.set(key, 'ws1', ['Acme']);
    known.setOpenDeals(key, 'ws1', member, []);
    expect(known.guess(key, 'U1')).toBeUndefined();
    // Rows of another member with the same platform id (a replaced row) are not kept.
    known.seen(key, workspace, { ...member, id: 'm-old' });
    expect(known.guess(key, 'U1')).toBeUndefined();
    known.seen(key, { id: 'ws-other' } as Workspace, member);
    expect(known.guess(key, 'U1')).toBeUndefined();
    known.seen(key, workspace, member);
    expect(known.guess(key, 'U1')).toMatchObject({ workspace, member, names: ['Acme'], open: [] });
    expect(known.guess(key, 'U2')).toBeUndefined();
    clock = 1000;
    expect(known.guess(key, 'U1')).toBeUndefined();
  });

  it('keeps at most the configured number of workspaces, dropping the oldest', () => {
    const known = new HintCache({ clock: () => 0, maxWorkspaces: 2 });
    const k = (id: string) => HintCache.key({ platform: 'slack', externalId: id });
    known.set(k('A'), 'a', ['A1']);
    known.set(k('B'), 'b', ['B1']);
    known.set(k('C'), 'c', ['C1']);
    expect(known.get(k('A'))).toBeUndefined();
    expect(known.get(k('B'))?.names).toEqual(['B1']);
    expect(known.get(k('C'))?.names).toEqual(['C1']);
  });
});

describe.each(DRIVERS)('known accounts in the assistant on %s', (driver) => {
  let t: TestDatabase;
  let clock = 0;
  let seen: ExtractContext[] = [];
  let one: Assistant;
  let other: Assistant;
  let seq = 0;
  const now = new Date('2026-11-24T15:00:00Z');

  /** The offline extractor, recording the context each message came with. */
  function recording(): Extractor {
    const offline = createOfflineExtractor();
    return {
      name: 'recording',
      extract(text, ctx) {
        seen.push(ctx);
        return offline.extract(text, ctx);
      },
    };
  }
  const make = (hintCache: HintCache) =>
    createAssistant({
      db: t.db,
      extractor: recording(),
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => now,
      hintCache,
    });

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    // Two replicas of the bot on one database, each with its own names.
    one = make(new HintCache({ ttlMs: 30_000, clock: () => clock }));
    other = make(new HintCache({ ttlMs: 30_000, clock: () => clock }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const msg = (team: string, text: string): IncomingMessage => ({
    platform: 'slack',
    workspace: { externalId: team, name: team },
    sender: { externalId: `${team}-rep`, displayName: 'Rep' },
    channel: 'D1',
    messageId: `k${++seq}`,
    text,
    sentAt: now,
  });
  /** The known names the extractor was given for one message. */
  async function knownFor(bot: Assistant, team: string, text: string): Promise<readonly string[]> {
    seen = [];
    const r = await bot.handleMessage(msg(team, text));
    expect(r.status).toBe('processed');
    expect(seen).toHaveLength(1);
    return seen[0]?.knownAccounts ?? [];
  }

  it('puts an account this replica just wrote first, without waiting for a fresh read', async () => {
    expect(await knownFor(one, 'KA', 'met Acme Robotics, 50k, follow up Friday')).toEqual([]);
    // The list is now held: the first message read it (empty), the write went through.
    expect(await knownFor(one, 'KA', 'met Globex Labs, 20k')).toEqual(['Acme Robotics']);
    expect(await knownFor(one, 'KA', 'thanks')).toEqual(['Globex Labs', 'Acme Robotics']);
  });

  it('sees another replica’s new account once its names are stale, or right after a command', async () => {
    await knownFor(other, 'KA', 'met Initech Systems, 30k');
    expect(await knownFor(one, 'KA', 'thanks')).not.toContain('Initech Systems');
    clock += 30_000;
    expect(await knownFor(one, 'KA', 'thanks')).toContain('Initech Systems');

    await knownFor(other, 'KA', 'met Hooli Cloud, 40k');
    expect(await knownFor(one, 'KA', 'thanks')).not.toContain('Hooli Cloud');
    const help = await one.handleMessage(msg('KA', 'help'));
    expect(help.status).toBe('processed');
    expect(await knownFor(one, 'KA', 'thanks')).toContain('Hooli Cloud');
  });

  it('keeps the sender’s open deals current for its own writes, and reads another replica’s once stale', async () => {
    const openFor = async (bot: Assistant, text: string) => {
      seen = [];
      await bot.handleMessage(msg('KC', text));
      return (seen[0]?.openDeals ?? []).map((d) => d.account);
    };
    expect(await openFor(one, 'met Soylent Corp, 10k')).toEqual([]);
    expect(await openFor(one, 'met Vandelay Industries, 20k')).toEqual(['Soylent Corp']);
    expect(await openFor(one, 'thanks')).toEqual(['Vandelay Industries', 'Soylent Corp']);
    // Written here: the won deal leaves the list at once.
    await openFor(one, 'Vandelay Industries closed won');
    expect(await openFor(one, 'thanks')).toEqual(['Soylent Corp']);
    // Written by another replica: seen once the held list is stale.
    await openFor(other, 'Soylent Corp closed won');
    expect(await openFor(one, 'thanks')).toEqual(['Soylent Corp']);
    clock += 30_000;
    expect(await openFor(one, 'thanks')).toEqual([]);
  });

  it('holds the hints for messages processed after their ack too (the Slack HTTP path)', async () => {
    const later = async (bot: Assistant, text: string) => {
      seen = [];
      const stored = await bot.receive(msg('KD', text));
      const r = await bot.process(stored.inboxId);
      expect(r.claimed).toBe(true);
      return seen[0]?.knownAccounts ?? [];
    };
    expect(await later(one, 'met Wonka Foods, 10k')).toEqual([]);
    await knownFor(other, 'KD', 'met Oceanic Air, 20k');
    // Wonka was written here; Oceanic, by the other replica, shows once the names are stale.
    expect(await later(one, 'thanks')).toEqual(['Wonka Foods']);
    clock += 30_000;
    // (Both were written at the test's one instant, so their order is the database's choice.)
    expect([...(await later(one, 'thanks'))].sort()).toEqual(['Oceanic Air', 'Wonka Foods']);
  });

  it('never gives one workspace’s names to another, whichever replica answers', async () => {
    expect(await knownFor(one, 'KB', 'met Umbrella Health, 10k')).toEqual([]);
    const b = await knownFor(one, 'KB', 'thanks');
    expect(b).toEqual(['Umbrella Health']);
    const a = await knownFor(one, 'KA', 'thanks');
    expect(a).not.toContain('Umbrella Health');
    expect(a).toContain('Acme Robotics');
    // A bare mention of the other workspace's account is not an update there.
    seen = [];
    const r = await one.handleMessage(msg('KB', 'Acme Robotics'));
    expect(r.replies.some((x) => x.kind === 'change')).toBe(false);
  });
});

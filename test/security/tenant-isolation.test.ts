// Proves tenant isolation as a property: random operations across three workspaces (updates, commands, questions, buttons with ids taken from other workspaces) never return or change another workspace's rows.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import type { Actor, Reply } from '../../src/assistant/types.ts';
import { queryRows } from '../../src/db/connect.ts';
import { silentLogger } from '../../src/log.ts';
import type { Extraction, Extractor } from '../../src/understand/extraction.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { upd } from '../helpers/fixtures.ts';

/** Mulberry32: a small seeded PRNG, so a failing sequence can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['TA', 'TB', 'TC'] as const;
// Every workspace's accounts carry its own marker, so a leak is visible in any reply text.
const ACCOUNTS: Record<string, string[]> = {
  TA: ['Alpha Apples', 'Alpha Anvils', 'Alpha Arches'],
  TB: ['Bravo Boats', 'Bravo Bricks', 'Bravo Bells'],
  TC: ['Charlie Chips', 'Charlie Clocks', 'Charlie Canes'],
};

/** The scripted extractor reads a tiny command language: "upd <account>|<stage>|<amount>". */
const extractor: Extractor = {
  name: 'scripted',
  async extract(text) {
    const m = /^upd (.+)\|(\w*)\|(\d*)$/.exec(text);
    if (m) {
      const e: Extraction = {
        intent: 'update',
        updates: [
          upd({
            account: m[1]!,
            stage: m[2] || null,
            amount: m[3] ? Number(m[3]) : null,
            currency: m[3] ? 'USD' : null,
          }),
        ],
      };
      return { extraction: e, source: 'offline' };
    }
    if (text.endsWith('?'))
      return { extraction: { intent: 'question', updates: [] }, source: 'offline' };
    return { extraction: { intent: 'other', updates: [] }, source: 'offline' };
  },
};

const STAGES = ['prospecting', 'needs_analysis', 'proposal', 'quote', 'negotiation', 'closed_won'];

function textOf(r: Reply): string {
  return JSON.stringify(r);
}

describe.each(DRIVERS)('tenant isolation on %s', (driver) => {
  let t: TestDatabase;
  let bot: Assistant;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    bot = createAssistant({
      db: t.db,
      extractor,
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => new Date('2026-11-25T15:00:00Z'),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds over 400 random operations', async () => {
    const rand = prng(20261128);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const payloads: Record<string, string[]> = { TA: [], TB: [], TC: [] };
    let n = 0;
    let forged = 0;
    let ownChanged = 0;
    const actor = (team: string, user: string): Actor => ({
      platform: 'slack',
      workspace: { externalId: team },
      sender: { externalId: `${team}-${user}`, displayName: `${team}-${user}` },
      channel: `C-${team}`,
    });
    const check = (team: string, replies: Reply[]) => {
      for (const other of TEAMS.filter((x) => x !== team)) {
        for (const name of ACCOUNTS[other]!) {
          for (const r of replies) expect(textOf(r), `${team} saw ${name}`).not.toContain(name);
        }
      }
      for (const r of replies) {
        if (r.kind === 'change') payloads[team]!.push(...r.actions.map((a) => a.payload));
        if (r.kind === 'choice') payloads[team]!.push(...r.options.map((o) => o.payload));
        if (r.kind === 'deal') payloads[team]!.push(...r.card.actions.map((a) => a.payload));
      }
    };

    for (let i = 0; i < 400; i++) {
      const team = pick(TEAMS);
      const user = pick(['u1', 'u2', 'u3']);
      const op = rand();
      if (op < 0.45) {
        const account = pick(ACCOUNTS[team]!);
        const text = `upd ${account}|${pick(STAGES)}|${rand() < 0.5 ? Math.floor(rand() * 100000) : ''}`;
        const r = await bot.handleMessage({
          platform: 'slack',
          workspace: { externalId: team },
          sender: { externalId: `${team}-${user}`, displayName: `${team}-${user}` },
          channel: `C-${team}`,
          messageId: `m${n++}`,
          text,
          sentAt: new Date(),
        });
        check(team, r.replies);
      } else if (op < 0.6) {
        // A name from another workspace: must create nothing there and show nothing from there.
        const other = pick(TEAMS.filter((x) => x !== team));
        const name = pick(ACCOUNTS[other]!);
        const r = await bot.runCommand(actor(team, user), `deal ${name}`);
        // The only mention of the name is the echo of what the user typed.
        expect(r).toEqual([{ kind: 'text', locale: 'en', text: `No deal found for “${name}”.` }]);
      } else if (op < 0.7) {
        check(
          team,
          await bot.runCommand(actor(team, user), pick(['pipeline', 'followups', 'help', 'undo'])),
        );
      } else {
        // Press a button: usually one from ANOTHER workspace (forged), sometimes our own.
        const source = rand() < 0.8 ? pick(TEAMS.filter((x) => x !== team)) : team;
        const candidates = payloads[source]!;
        if (candidates.length === 0) continue;
        const payload = pick(candidates);
        const r = await bot.handleAction(actor(team, user), payload);
        check(team, r.replies);
        if (source !== team) {
          forged++;
          expect(r.changed ?? false, `forged ${payload} changed something`).toBe(false);
          expect(r.form).toBeUndefined();
        } else if (r.changed || r.form) ownChanged++;
      }
    }

    // The run really exercised both sides: forged presses refused, genuine ones acting.
    expect(forged).toBeGreaterThan(50);
    expect(ownChanged).toBeGreaterThan(3);

    // Database invariants: every row points only at rows of its own workspace.
    const crossRefs = await queryRows<{ n: number }>(
      t.db,
      sql`select
            (select count(*) from deals d join accounts a on a.id = d.account_id where a.workspace_id <> d.workspace_id) +
            (select count(*) from deals d join members m on m.id = d.owner_id where m.workspace_id <> d.workspace_id) +
            (select count(*) from deal_events e join deals d on d.id = e.deal_id where d.workspace_id <> e.workspace_id) +
            (select count(*) from deal_events e join members m on m.id = e.actor_id where m.workspace_id <> e.workspace_id) +
            (select count(*) from followups f join deals d on d.id = f.deal_id where d.workspace_id <> f.workspace_id) +
            (select count(*) from inbox i join members m on m.id = i.member_id where m.workspace_id <> i.workspace_id) as n`,
    );
    expect(Number(crossRefs[0]?.n)).toBe(0);
    const names = await queryRows<{ team: string; name: string }>(
      t.db,
      sql`select w.external_id as team, a.name from accounts a join workspaces w on w.id = a.workspace_id`,
    );
    for (const r of names) expect(ACCOUNTS[r.team], `${r.name} in ${r.team}`).toContain(r.name);
    expect(names.length).toBeGreaterThan(3);
  });
});

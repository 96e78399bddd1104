// Proves the daily nudge on both drivers: what it groups (due, overdue, gone quiet, past close, after-sales), one item per deal, and Done / Snooze / Close +2w through assistant.handleAction redrawing the message, audited, and not repeated.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import { encodePayload, parsePayload } from '../../src/assistant/payloads.ts';
import type { Actor, Reply } from '../../src/assistant/types.ts';
import { dealEvents, deals, followups, type Member, type Workspace } from '../../src/db/schema.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import { nudgeKey } from '../../src/jobs/slots.ts';
import { silentLogger } from '../../src/log.ts';
import { collectNudgeItems } from '../../src/pipeline/nudges.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember } from '../helpers/fixtures.ts';
import { type Post, recordingOutbound } from '../helpers/outbound.ts';
import { jobWorkspace, retire, update } from './fixtures.ts';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const daysBefore = (d: Date, n: number) => new Date(d.getTime() - n * DAY);

type Report = Extract<Reply, { kind: 'report' }>;
const asReport = (r: Reply | undefined): Report => {
  if (r?.kind !== 'report') throw new Error(`expected a report, got ${r?.kind}`);
  return r;
};
const itemsOf = (r: Report) =>
  r.sections.flatMap((s) => (s.items ?? []).map((i) => ({ ...i, heading: s.heading })));

describe('nudge payloads', () => {
  it('round-trips the deal-level buttons and refuses anything else', () => {
    const dealId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    for (const p of [
      { type: 'dn_snooze', dealId, days: 7 },
      { type: 'dn_push', dealId, days: 14 },
    ] as const) {
      const raw = encodePayload(p);
      expect(raw.length).toBeLessThanOrEqual(100);
      expect(parsePayload(raw)).toEqual(p);
    }
    expect(parsePayload(`dn_snooze:${dealId}:2`)).toBeNull();
    expect(parsePayload(`dn_push:${dealId}:365`)).toBeNull();
    expect(parsePayload(`dn_push:${dealId.toUpperCase()}:14`)).toBeNull();
  });
});

describe.each(DRIVERS)('nudges on %s', (driver) => {
  let db: TestDatabase;
  let clock = at('2026-11-23T09:00:00Z');
  let bot: Assistant;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    bot = createAssistant({
      db: db.db,
      extractor: {
        name: 'none',
        extract: async () => ({ extraction: { intent: 'other', updates: [] }, source: 'offline' }),
      },
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await db?.close();
  });
  const created: Workspace[] = [];
  afterEach(async () => {
    await retire(db.db, ...created.splice(0));
  });

  async function setup() {
    const ws = await jobWorkspace(db.db, { workingDays: [1, 2, 3, 4, 5, 6, 7] });
    created.push(ws);
    const bob = await makeMember(db.db, ws, `bob-${ws.id.slice(0, 6)}`);
    const carol = await makeMember(db.db, ws, `carol-${ws.id.slice(0, 6)}`);
    const now = at('2026-11-23T09:00:00Z');
    const u = (when: Date, fields: Parameters<typeof update>[4], who: Member = bob) =>
      update(db.db, ws, who, when, fields);
    const acme = await u(daysBefore(now, 2), {
      account: 'Acme',
      stage: 'negotiation',
      amount: 62000,
      currency: 'USD',
      nextStep: 'send redlines',
      nextStepDue: '2026-11-22',
    });
    const globex = await u(daysBefore(now, 1), {
      account: 'Globex',
      stage: 'quote',
      nextStep: 'pricing call',
      nextStepDue: '2026-11-23',
    });
    const initech = await u(daysBefore(now, 20), {
      account: 'Initech',
      stage: 'proposal',
      amount: 18000,
      currency: 'USD',
    });
    const umbrella = await u(daysBefore(now, 1), {
      account: 'Umbrella',
      stage: 'quote',
      closeDate: '2026-11-20',
    });
    const hooli = await u(daysBefore(now, 40), {
      account: 'Hooli',
      amount: 480000,
      currency: 'USD',
    });
    await u(daysBefore(now, 30), { account: 'Hooli', stage: 'closed_won' });
    // Gone quiet and overdue: one item, the follow-up.
    const soylent = await u(daysBefore(now, 25), {
      account: 'Soylent',
      stage: 'needs_analysis',
      nextStep: 'case studies',
      nextStepDue: '2026-11-01',
    });
    await u(daysBefore(now, 1), { account: 'Stark', nextStep: 'intro', nextStepDue: '2026-11-24' });
    await u(daysBefore(now, 30), { account: 'Carolco', stage: 'proposal' }, carol);
    return { ws, bob, carol, now, acme, globex, initech, umbrella, hooli, soylent };
  }

  async function tick(ws: Workspace, when: Date, posts: Post[]) {
    clock = when;
    const s = createScheduler({
      db: db.db,
      outbounds: { console: recordingOutbound(db.db, { posts, now: () => when }) },
      logger: silentLogger,
    });
    await s.tick(when);
    return posts.filter((p) => p.workspaceId === ws.id && p.key.startsWith('nudge:'));
  }

  const actor = (ws: Workspace, m: Member, post?: Post): Actor => ({
    platform: 'console',
    workspace: { externalId: ws.externalId },
    sender: { externalId: m.externalId },
    ...(post ? { channel: post.channel, messageId: post.messageId } : {}),
  });

  it('groups one DM per member, most urgent first, one item per deal, with a button set per kind', async () => {
    const { ws, bob, carol, now } = await setup();
    const posts = await tick(ws, now, []);
    expect(posts.map((p) => p.key).sort()).toEqual(
      [nudgeKey(bob.id, '2026-11-23'), nudgeKey(carol.id, '2026-11-23')].sort(),
    );
    const bobs = posts.find((p) => p.key === nudgeKey(bob.id, '2026-11-23')) as Post;
    expect(bobs.to).toEqual({ kind: 'dm', user: bob.externalId });
    const report = asReport(bobs.replies[0]);
    expect(report.title).toBe(`${bob.displayName}, 6 things need you today`);
    expect(itemsOf(report).map((i) => [i.heading, i.text, i.detail])).toEqual([
      ['Overdue follow-ups', 'Soylent — case studies', '22 days overdue · Needs analysis'],
      ['Overdue follow-ups', 'Acme — send redlines', '1 day overdue · $62,000 · Negotiation'],
      ['Due today', 'Globex — pricing call', 'due today · Quote'],
      [
        'Past the expected close date',
        'Umbrella — Quote',
        'was due to close Fri, Nov 20 · no activity for 1 day',
      ],
      ['Gone quiet', 'Initech — $18,000 · Proposal', 'no activity for 20 days'],
      ['After-sales check-ins', 'Hooli — after-sales check-in', 'due today · $480,000'],
    ]);
    const labels = (i: number) => itemsOf(report)[i]?.actions?.map((a) => a.label);
    expect(labels(0)).toEqual(['Done', 'Snooze 1d', 'Snooze 3d', 'Snooze 1w', 'Log update']);
    expect(labels(3)).toEqual([
      'Close date +2w',
      'Snooze 1d',
      'Snooze 3d',
      'Snooze 1w',
      'Log update',
    ]);
    expect(labels(4)).toEqual(['Log update', 'Snooze 1d', 'Snooze 3d', 'Snooze 1w']);
    for (const i of itemsOf(report))
      for (const a of i.actions ?? []) expect(parsePayload(a.payload)).not.toBeNull();
    // Nothing is repeated the same day: everything sent is remembered.
    const again = await collectNudgeItems(db.db, ws, [bob], now);
    expect(again.get(bob.id)).toEqual([]);
  });

  it('acts on Done, Snooze and Close +2w from the nudge, redraws it, audits, and leaves those items out later', async () => {
    const { ws, bob, carol, now, acme, globex, initech, umbrella } = await setup();
    const posts = await tick(ws, now, []);
    const post = posts.find((p) => p.key === nudgeKey(bob.id, '2026-11-23')) as Post;
    const payloadFor = (account: string, label: string) => {
      const item = itemsOf(asReport(post.replies[0])).find((i) => i.text.startsWith(account));
      const a = item?.actions?.find((x) => x.label === label);
      if (!a) throw new Error(`no ${label} on ${account}`);
      return a.payload;
    };

    clock = new Date(now.getTime() + 3_600_000);
    const done = await bot.handleAction(actor(ws, bob, post), payloadFor('Acme', 'Done'));
    expect(done.changed).toBe(true);
    const redrawn = itemsOf(asReport(done.replies[0]));
    expect(redrawn[1]).toMatchObject({
      text: '✓ Acme — send redlines',
      detail: 'Done',
      actions: [],
    });
    expect(redrawn[2]?.actions?.length).toBe(5);
    const [fu] = await db.db
      .select()
      .from(followups)
      .where(and(eq(followups.dealId, acme.id), eq(followups.kind, 'next_step')));
    expect(fu?.status).toBe('done');
    const audit = await db.db
      .select()
      .from(dealEvents)
      .where(and(eq(dealEvents.dealId, acme.id), eq(dealEvents.kind, 'followup')));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actorId).toBe(bob.id);

    const snoozed = await bot.handleAction(actor(ws, bob, post), payloadFor('Globex', 'Snooze 3d'));
    expect(itemsOf(asReport(snoozed.replies[0]))[2]).toMatchObject({
      text: 'Globex — pricing call',
      detail: 'Snoozed until Thu, Nov 26',
      actions: [],
    });
    const quiet = await bot.handleAction(actor(ws, bob, post), payloadFor('Initech', 'Snooze 1w'));
    expect(itemsOf(asReport(quiet.replies[0]))[4]?.detail).toBe('Snoozed until Mon, Nov 30');
    // The deal itself did not change: snoozing a reminder is not activity.
    const [ini] = await db.db.select().from(deals).where(eq(deals.id, initech.id));
    expect(ini?.lastActivityAt.getTime()).toBe(initech.lastActivityAt.getTime());

    const pushed = await bot.handleAction(
      actor(ws, bob, post),
      payloadFor('Umbrella', 'Close date +2w'),
    );
    expect(itemsOf(asReport(pushed.replies[0]))[3]).toMatchObject({
      text: '✓ Umbrella — Quote',
      detail: 'Expected close moved to Mon, Dec 7',
    });
    const [umb] = await db.db.select().from(deals).where(eq(deals.id, umbrella.id));
    expect(umb?.closeDate).toBe('2026-12-07');

    // Without the message (e.g. typed elsewhere) the answer is a short line.
    const plain = await bot.handleAction(actor(ws, bob), payloadFor('Soylent', 'Snooze 1d'));
    expect(plain.replies[0]).toMatchObject({
      kind: 'text',
      text: 'Snoozed until Tue, Nov 24: case studies',
    });
    // A teammate cannot act on Bob's follow-up, nor see his nudge redrawn.
    const forged = await bot.handleAction(actor(ws, carol, post), payloadFor('Hooli', 'Done'));
    expect(forged.replies[0]).toMatchObject({ kind: 'text', ephemeral: true });

    // Next day: done, snoozed and rescheduled items stay out; Soylent's one-day snooze is over.
    const next = await tick(ws, at('2026-11-24T09:00:00Z'), []);
    const tomorrow = next.find((p) => p.key === nudgeKey(bob.id, '2026-11-24')) as Post;
    expect(itemsOf(asReport(tomorrow.replies[0])).map((i) => i.text)).toEqual([
      'Soylent — case studies',
      'Stark — intro',
      'Hooli — after-sales check-in',
    ]);
    // Globex's three-day snooze ends on the 26th.
    const later = await tick(ws, at('2026-11-26T09:00:00Z'), []);
    const thursday = later.find((p) => p.key === nudgeKey(bob.id, '2026-11-26')) as Post;
    expect(itemsOf(asReport(thursday.replies[0])).map((i) => i.text)).toContain(
      'Globex — pricing call',
    );
    expect(globex.id).toBeTruthy();
  });
});

// Proves exactly-once scheduling on both drivers with an injected clock: three racing schedulers, crash recovery by lease, catch-up inside and outside the window, Chicago and Kolkata across the DST change, quiet hours, weekends, caps, and a clean stop.
import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/connect.ts';
import { jobRuns, members, type Workspace } from '../../src/db/schema.ts';
import { claimSlots } from '../../src/jobs/claims.ts';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import { digestKey, nudgeKey } from '../../src/jobs/slots.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember } from '../helpers/fixtures.ts';
import { type Post, recordingOutbound } from '../helpers/outbound.ts';
import { jobWorkspace, retire, update } from './fixtures.ts';

const MIN = 60_000;
const at = (iso: string) => new Date(iso);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

describe.each(DRIVERS)('scheduler on %s', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await db?.close();
  });
  // Each test's workspaces stop having slots afterwards, so later tests' ticks do not see them.
  const created: Workspace[] = [];
  afterEach(async () => {
    await retire(db.db, ...created.splice(0));
  });
  async function workspace(opts: Parameters<typeof jobWorkspace>[1] = {}) {
    const ws = await jobWorkspace(db.db, opts);
    created.push(ws);
    return ws;
  }

  /** A scheduler whose outbound runs on the same injected clock as its ticks. */
  function scheduler(posts: Post[], extra: Partial<Parameters<typeof createScheduler>[0]> = {}) {
    let clock = new Date(0);
    const s = createScheduler({
      db: db.db,
      outbounds: { console: recordingOutbound(db.db, { posts, now: () => clock }) },
      logger: silentLogger,
      ...extra,
    });
    return {
      ...s,
      tick: (t: Date) => {
        clock = t;
        return s.tick(t);
      },
    };
  }

  it('claims every slot exactly once when three schedulers race on the same database', async () => {
    const ws = await workspace({ workingDays: [1, 2, 3, 4, 5, 6, 7] });
    const day = '2026-11-20';
    const reps = [];
    for (const name of ['ann', 'ben', 'cat', 'dev']) {
      const m = await makeMember(db.db, ws, `${name}-${ws.id.slice(0, 6)}`);
      await update(db.db, ws, m, at('2026-11-10T12:00:00Z'), {
        account: `${name} Co`,
        amount: 1000,
        currency: 'USD',
        nextStep: 'call',
        nextStepDue: '2026-11-18',
      });
      reps.push(m);
    }
    // On Postgres each replica has its own connection pool, as separate processes would.
    const extra: Database[] =
      driver === 'postgres'
        ? await Promise.all([1, 2].map(() => openDatabase({ url: db.url, max: 4 })))
        : [];
    const posts: Post[] = [];
    const dbs = [db.db, ...(extra.length ? extra.map((d) => d.db) : [db.db, db.db])];
    let clock = new Date(0);
    const replicas = dbs.map((d, i) =>
      createScheduler({
        db: d,
        outbounds: { console: recordingOutbound(d, { posts, now: () => clock }) },
        logger: silentLogger,
        owner: `replica-${i}`,
      }),
    );
    const ran: string[] = [];
    try {
      for (let t = at(`${day}T09:00:00Z`); t <= at(`${day}T09:05:00Z`); t = plus(t, MIN)) {
        clock = t;
        const reports = await Promise.all(replicas.map((r) => r.tick(t)));
        for (const r of reports)
          ran.push(...r.ran.filter((x) => x.key.endsWith(day)).map((x) => `${x.key} ${x.outcome}`));
      }
    } finally {
      for (const d of extra) await d.close();
    }
    const expected = [digestKey(ws.id, day), ...reps.map((m) => nudgeKey(m.id, day))].sort();
    // Each slot ran once, on one replica: no replica even reached the outbound's own duplicate guard.
    expect(ran.sort()).toEqual(expected.map((k) => `${k} sent`));
    const mine = posts.filter((p) => p.workspaceId === ws.id);
    expect(mine.map((p) => p.key).sort()).toEqual(expected);
    const runs = (await db.db.select().from(jobRuns).where(eq(jobRuns.workspaceId, ws.id))).filter(
      (r) => r.slot.endsWith(day),
    );
    expect(runs).toHaveLength(5);
    for (const r of runs) {
      expect(r.status).toBe('done');
      expect(r.attempts).toBe(1);
    }
  });

  it('recovers a crash between claim and send once, after the lease', async () => {
    const ws = await workspace({ workingDays: [1, 2, 3, 4, 5, 6, 7] });
    const day = '2026-11-21';
    const nine = at(`${day}T09:00:00Z`);
    const slot = {
      job: 'digest' as const,
      key: digestKey(ws.id, day),
      workspaceId: ws.id,
      memberId: null,
      date: day,
      dueAt: nine,
    };
    // A replica claims the slot and dies before sending anything.
    expect(await claimSlots(db.db, [slot], 'dead-replica', nine, 5 * MIN)).toHaveLength(1);
    const posts: Post[] = [];
    const s = scheduler(posts, { owner: 'survivor', leaseMs: 5 * MIN });
    await s.tick(plus(nine, 1 * MIN));
    await s.tick(plus(nine, 4 * MIN));
    expect(posts.filter((p) => p.workspaceId === ws.id)).toHaveLength(0);
    const after = await s.tick(plus(nine, 6 * MIN));
    expect(after.ran).toContainEqual({ key: slot.key, outcome: 'sent' });
    await s.tick(plus(nine, 12 * MIN));
    await s.tick(plus(nine, 20 * MIN));
    expect(posts.filter((p) => p.workspaceId === ws.id).map((p) => p.key)).toEqual([slot.key]);
    const [run] = await db.db.select().from(jobRuns).where(eq(jobRuns.slot, slot.key));
    expect(run).toMatchObject({ status: 'done', attempts: 2, claimedBy: 'survivor' });
  });

  it('never posts twice when it dies after posting and before recording', async () => {
    const ws = await workspace({ workingDays: [1, 2, 3, 4, 5, 6, 7] });
    const rep = await makeMember(db.db, ws, `eve-${ws.id.slice(0, 6)}`);
    await update(db.db, ws, rep, at('2026-11-10T12:00:00Z'), {
      account: 'Crashco',
      nextStep: 'send contract',
      nextStepDue: '2026-11-20',
    });
    const day = '2026-11-22';
    const nine = at(`${day}T09:00:00Z`);
    const posts: Post[] = [];
    let crashes = 1;
    const s = scheduler(posts, {
      outbounds: {
        console: recordingOutbound(db.db, {
          posts,
          now: () => nine,
          afterPost: () => {
            if (crashes-- > 0) throw new Error('process died');
          },
        }),
      },
      leaseMs: 5 * MIN,
    });
    const first = await s.tick(nine);
    expect(first.ran.map((r) => r.outcome).sort()).toEqual(['retry', 'sent']);
    await s.tick(plus(nine, 2 * MIN));
    const again = await s.tick(plus(nine, 6 * MIN));
    expect(again.ran).toEqual([
      { key: expect.stringMatching(/^(digest|nudge):/), outcome: 'duplicate' },
    ]);
    const mine = posts.filter((p) => p.workspaceId === ws.id);
    expect(mine.map((p) => p.key).sort()).toEqual(
      [digestKey(ws.id, day), nudgeKey(rep.id, day)].sort(),
    );
    const runs = await db.db.select().from(jobRuns).where(eq(jobRuns.workspaceId, ws.id));
    expect(runs.filter((r) => r.slot.endsWith(day)).map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('sends slots missed during downtime within the catch-up window and skips (and logs once) older ones', async () => {
    const ws = await workspace({ workingDays: [1, 2, 3, 4, 5, 6, 7] });
    const lines: string[] = [];
    const logger = createLogger(
      'warn',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const posts: Post[] = [];
    const s = scheduler(posts, { logger, catchUpMs: 3 * 3_600_000 });
    // Down from 08:00 to 11:30: the 09:00 digest goes out late.
    const inside = await s.tick(at('2026-11-23T11:30:00Z'));
    expect(inside.ran).toContainEqual({ key: digestKey(ws.id, '2026-11-23'), outcome: 'sent' });
    // Next day down until 12:30: 3.5 hours late is too late.
    const outside = await s.tick(at('2026-11-24T12:30:00Z'));
    expect(outside.skipped).toContain(digestKey(ws.id, '2026-11-24'));
    const later = await s.tick(at('2026-11-24T12:31:00Z'));
    expect(later.skipped).not.toContain(digestKey(ws.id, '2026-11-24'));
    expect(posts.filter((p) => p.workspaceId === ws.id).map((p) => p.key)).toEqual([
      digestKey(ws.id, '2026-11-23'),
    ]);
    const skippedLogs = lines.filter((l) => l.includes(digestKey(ws.id, '2026-11-24')));
    expect(skippedLogs).toHaveLength(1);
    expect(JSON.parse(skippedLogs[0] as string)).toMatchObject({
      msg: 'skipped a slot missed by more than the catch-up window',
      dueAt: '2026-11-24T09:00:00.000Z',
    });
    const [run] = await db.db
      .select()
      .from(jobRuns)
      .where(eq(jobRuns.slot, digestKey(ws.id, '2026-11-24')));
    expect(run?.status).toBe('skipped');
  });

  it('posts at 09:00 local in Chicago and Kolkata across the US DST change, weekdays only, nudges after quiet hours', async () => {
    const chicago = await workspace({ timezone: 'America/Chicago' });
    const kolkata = await workspace({ timezone: 'Asia/Kolkata' });
    const past = at('2026-10-20T12:00:00Z');
    const chiRep = await makeMember(db.db, chicago, `chi-${chicago.id.slice(0, 6)}`);
    const kolRep = await makeMember(db.db, kolkata, `kol-${kolkata.id.slice(0, 6)}`);
    await db.db
      .update(members)
      .set({ quietStart: '19:00', quietEnd: '09:45' })
      .where(eq(members.id, kolRep.id));
    for (const [ws, m] of [
      [chicago, chiRep],
      [kolkata, kolRep],
    ] as const) {
      await update(db.db, ws, m, past, {
        account: 'Overdue Inc',
        nextStep: 'call',
        nextStepDue: '2026-10-22',
      });
    }
    const posts: Post[] = [];
    const s = scheduler(posts);
    // Friday 30 October to Tuesday 3 November; clocks in Chicago go back on Sunday 1 November.
    for (
      let t = at('2026-10-30T00:00:00Z');
      t < at('2026-11-04T00:00:00Z');
      t = plus(t, 15 * MIN)
    ) {
      await s.tick(t);
    }
    const sent = (wsId: string) =>
      posts
        .filter((p) => p.workspaceId === wsId)
        .map((p) => `${p.key.split(':')[0]} ${p.at.toISOString()}`);
    expect(sent(chicago.id)).toEqual([
      'digest 2026-10-30T14:00:00.000Z',
      'nudge 2026-10-30T14:00:00.000Z',
      'digest 2026-11-02T15:00:00.000Z',
      'nudge 2026-11-02T15:00:00.000Z',
      'digest 2026-11-03T15:00:00.000Z',
      'nudge 2026-11-03T15:00:00.000Z',
    ]);
    expect(sent(kolkata.id)).toEqual([
      'digest 2026-10-30T03:30:00.000Z',
      // The member's quiet hours run to 09:45 IST (04:15 UTC).
      'nudge 2026-10-30T04:15:00.000Z',
      'digest 2026-11-02T03:30:00.000Z',
      'nudge 2026-11-02T04:15:00.000Z',
      'digest 2026-11-03T03:30:00.000Z',
      'nudge 2026-11-03T04:15:00.000Z',
    ]);
  });

  it('waits for quiet hours to end before a catch-up nudge, and caps the items', async () => {
    const ws = await workspace({
      settings: { nudgeCap: 3, quietHours: { start: '10:00', end: '11:30' } },
    });
    const rep = await makeMember(db.db, ws, `cap-${ws.id.slice(0, 6)}`);
    const names = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Soylent', 'Stark'];
    for (const [i, account] of names.entries()) {
      await update(db.db, ws, rep, at('2026-11-01T12:00:00Z'), {
        account,
        nextStep: `step ${i + 1}`,
        nextStepDue: `2026-11-0${i + 2}`,
      });
    }
    const posts: Post[] = [];
    const s = scheduler(posts);
    // Down until 10:10, inside the team's quiet hours: the 09:00 nudge waits until 11:30.
    await s.tick(at('2026-11-25T10:10:00Z'));
    await s.tick(at('2026-11-25T11:29:00Z'));
    expect(posts.filter((p) => p.key.startsWith('nudge:') && p.workspaceId === ws.id)).toEqual([]);
    await s.tick(at('2026-11-25T11:30:00Z'));
    const nudge = posts.find((p) => p.key === nudgeKey(rep.id, '2026-11-25'));
    expect(nudge?.at.toISOString()).toBe('2026-11-25T11:30:00.000Z');
    const reply = nudge?.replies[0];
    if (reply?.kind !== 'report') throw new Error('expected a report');
    const items = reply.sections.flatMap((s) => s.items ?? []);
    expect(items.map((i) => i.text)).toEqual([
      'Acme — step 1',
      'Globex — step 2',
      'Initech — step 3',
    ]);
    expect(reply.footer).toContain('4 more');
  });

  it('stops cleanly: no more ticks, the tick in flight finishes, leases are released', async () => {
    const ws = await workspace();
    const now = at('2026-11-26T09:00:00Z');
    const s: Scheduler = createScheduler({
      db: db.db,
      outbounds: {},
      logger: silentLogger,
      now: () => now,
    });
    const slot = {
      job: 'digest' as const,
      key: digestKey(ws.id, '2026-11-26'),
      workspaceId: ws.id,
      memberId: null,
      date: '2026-11-26',
      dueAt: now,
    };
    await claimSlots(db.db, [slot], s.owner, now, 5 * MIN);
    s.start();
    await s.stop();
    const [run] = await db.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, 'digest'), eq(jobRuns.slot, slot.key)));
    expect(run).toMatchObject({ status: 'claimed', claimedBy: null });
    expect(run?.leaseUntil?.getTime()).toBe(now.getTime());
  });
});

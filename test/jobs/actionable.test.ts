// Proves how a tick decides which slots to act on: new slots and lapsed claims are open; held claims are not; finished slots are remembered and never asked about again, and forgotten once they leave the window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionableSlots, claimSlots, finishRun, skipSlots } from '../../src/jobs/claims.ts';
import { nudgeKey, type Slot } from '../../src/jobs/slots.ts';
import { ensureWorkspace } from '../../src/pipeline/workspaces.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe.each(DRIVERS)('actionable slots on %s', (driver) => {
  let db: TestDatabase;
  let queries = 0;
  beforeAll(async () => {
    db = await openTestDatabase(driver, { queryLogger: { logQuery: () => void queries++ } });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('opens new and lapsed slots, skips held and finished ones, and remembers what is finished', async () => {
    const ws = await ensureWorkspace(
      db.db,
      { platform: 'slack', externalId: 'TACT' },
      { timezone: 'UTC', locale: 'en', currency: 'USD' },
    );
    const now = new Date('2026-12-01T15:00:00Z');
    const slot = (n: number): Slot => ({
      job: 'nudge',
      key: nudgeKey(`00000000-0000-4000-8000-00000000000${n}`, '2026-12-01'),
      workspaceId: ws.id,
      memberId: null,
      date: '2026-12-01',
      dueAt: new Date('2026-12-01T09:00:00Z'),
    });
    const [fresh, done, held, lapsed, skipped] = [1, 2, 3, 4, 5].map(slot) as Slot[];
    const [doneRun] = await claimSlots(db.db, [done!], 'a', now, 60_000);
    await finishRun(db.db, doneRun!, 'a', {}, now);
    await claimSlots(db.db, [held!], 'a', now, 60_000);
    await claimSlots(db.db, [lapsed!], 'a', new Date(now.getTime() - 120_000), 60_000);
    await skipSlots(db.db, [skipped!], now, 'missed');

    const finished = new Set<string>();
    const all = [fresh!, done!, held!, lapsed!, skipped!];
    const open = await actionableSlots(db.db, all, now, finished);
    expect([...open].sort()).toEqual([fresh!.key, lapsed!.key].sort());
    expect([...finished].sort()).toEqual([done!.key, skipped!.key].sort());

    // Once everything is finished, a tick sends no query at all.
    for (const s of [fresh!, held!, lapsed!]) {
      const [run] = await claimSlots(db.db, [s], 'b', new Date(now.getTime() + 3_600_000), 60_000);
      if (run) await finishRun(db.db, run, 'b', {}, now);
    }
    await actionableSlots(db.db, all, now, finished);
    expect(finished.size).toBe(5);
    queries = 0;
    expect((await actionableSlots(db.db, all, now, finished)).size).toBe(0);
    expect(queries).toBe(0);

    // Slots that left the window are forgotten.
    await actionableSlots(db.db, [fresh!], now, finished);
    expect([...finished]).toEqual([fresh!.key]);
  });
});

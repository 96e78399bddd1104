// Proves no update is lost when two writers change one deal at the same moment, over many trials: both changes land, the version counts both, and each has its event.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/connect.ts';
import { applyUpdate } from '../../src/pipeline/deals.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember, makeWorkspace, upd } from '../helpers/fixtures.ts';

describe.each(DRIVERS)('two writers on one deal on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  // Postgres runs the writers truly in parallel; PGlite serialises them, so fewer trials prove as much.
  const trials = driver === 'postgres' ? 1000 : 200;

  it(`keeps both changes in ${trials} trials`, async () => {
    const ws = await makeWorkspace(t.db);
    const owner = await makeMember(t.db, ws, 'owner', 'admin');
    const manager = await makeMember(t.db, ws, 'manager', 'manager');
    const now = new Date('2026-11-25T15:00:00Z');
    for (let i = 0; i < trials; i++) {
      const account = `Trial ${String(i).padStart(4, '0')} Corp`;
      // Numbered names look alike on purpose: say it is a new account rather than answer the question.
      const created = await applyUpdate(
        t.db,
        { workspace: ws, member: owner, now },
        upd({ account, stage: 'prospecting' }),
        { newAccount: true },
      );
      expect(created.status).toBe('applied');
      const [a, b] = await Promise.all([
        applyUpdate(
          t.db,
          { workspace: ws, member: owner, now },
          upd({ account, amount: 1000 + i, currency: 'USD' }),
        ),
        applyUpdate(
          t.db,
          { workspace: ws, member: manager, now },
          upd({ account, competitors: [`Rival ${i}`], stage: 'quote' }),
        ),
      ]);
      expect(a.status).toBe('applied');
      expect(b.status).toBe('applied');
    }
    const lost = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from deals d
          where d.workspace_id = ${ws.id}
            and not (d.amount is not null and jsonb_array_length(d.competitors) = 1 and d.stage = 'quote' and d.version = 3)`,
    );
    expect(lost[0]?.n).toBe(0);
    const events = await queryRows<{ deals: number; bad: number }>(
      t.db,
      sql`select count(*)::int as deals,
                 count(*) filter (where e.n <> d.version or e.maxv <> d.version)::int as bad
          from deals d
          join (select deal_id, count(*) as n, max(version) as maxv from deal_events group by deal_id) e on e.deal_id = d.id
          where d.workspace_id = ${ws.id}`,
    );
    expect(events[0]).toEqual({ deals: trials, bad: 0 });
  }, 300_000);
});

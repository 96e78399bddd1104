/**
 * Scheduled work at company scale: the daily digest of a workspace with 200
 * reps and about 20,000 open deals (time and statement count, beside a
 * 20-rep workspace to show the count does not grow), and one scheduler tick
 * deciding the slots of 1,000 workspaces.
 */
import { eq, sql } from 'drizzle-orm';
import type { Outbound } from '../../src/assistant/outbound.ts';
import { type Driver, queryRows } from '../../src/db/connect.ts';
import { type Workspace, workspaces } from '../../src/db/schema.ts';
import { buildDigest } from '../../src/jobs/digest.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import { silentLogger } from '../../src/log.ts';
import { generate } from '../generate.ts';
import { type BenchOptions, type Figure, freshDatabase } from '../lib/harness.ts';
import { fmtMs, median, timeRuns } from '../lib/stats.ts';

/** About 70% of generated deals are open: this many deals give ~20,000 open ones. */
const DIGEST_DEALS = 28_600;

export async function benchDigest(driver: Driver, options: BenchOptions): Promise<Figure[]> {
  const database = await freshDatabase(driver, options, 'digest');
  try {
    const bigDeals = options.quick ? 1_400 : DIGEST_DEALS;
    const big = await generate(
      database.db,
      { deals: bigDeals, bigShare: 1, workspaces: 1, bigReps: options.quick ? 20 : 200 },
      options.now,
    );
    // A second, small workspace in the same database: 20 reps, 2,000 deals.
    const small = await generate(
      database.db,
      { deals: 2_000, bigShare: 1, workspaces: 1, bigReps: 20 },
      options.now,
    ).catch(async () => {
      // generate() names workspaces BENCH0…; the second call collides, so rename the first and retry.
      await database.db.execute(
        sql`update workspaces set external_id = 'BENCH-BIG' where id = ${big.bigWorkspaceId}`,
      );
      return generate(
        database.db,
        { deals: 2_000, bigShare: 1, workspaces: 1, bigReps: 20 },
        options.now,
      );
    });
    const load = async (id: string) =>
      (await database.db.select().from(workspaces).where(eq(workspaces.id, id)))[0] as Workspace;
    const [wsBig, wsSmall] = [await load(big.bigWorkspaceId), await load(small.bigWorkspaceId)];
    const [open] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from deals where workspace_id = ${wsBig.id} and status = 'open'`,
    );
    const until = options.now;
    const period = { from: new Date(until.getTime() - 86_400_000), until };
    const statementsOf = async (ws: Workspace) => {
      database.statements.length = 0;
      await buildDigest(database.db, ws, period);
      return database.statements.length;
    };
    const times = await timeRuns(() => buildDigest(database.db, wsBig, period), options.runs, 2);
    const p50 = median(times);
    const figure: Figure = {
      figure: `daily digest, workspace of ${options.quick ? 20 : 200} reps and ${Number(open?.n ?? 0).toLocaleString('en')} open deals`,
      driver,
      value: `p50 ${fmtMs(p50)}`,
      goal: '≤ 1 s, a constant number of queries',
      met: p50 <= 1_000,
    };
    if (driver === 'postgres') {
      const nBig = await statementsOf(wsBig);
      const nSmall = await statementsOf(wsSmall);
      figure.value += `; ${nBig} queries (${nSmall} for 20 reps and 2,000 deals)`;
      figure.met = p50 <= 1_000 && nBig === nSmall;
    }
    return [figure];
  } finally {
    await database.drop();
  }
}

/** Accepts every post and remembers nothing: the tick's deciding is what is measured. */
const nullOutbound: Outbound = {
  platform: 'slack',
  async send() {
    return { status: 'sent', channel: 'C-DIGEST', messageId: String(Math.random()) };
  },
  async edit() {},
};

export async function benchSchedulerTick(driver: Driver, options: BenchOptions): Promise<Figure[]> {
  const database = await freshDatabase(driver, options, 'tick');
  try {
    const n = options.quick ? 50 : 1_000;
    const zones = [
      'America/New_York',
      'Europe/Berlin',
      'Asia/Shanghai',
      'America/Los_Angeles',
      'UTC',
    ];
    await database.db.execute(sql`
      insert into workspaces (platform, external_id, name, timezone, locale, digest_channel)
      select 'slack', 'TICK' || i, 'Team ' || i, (${sql.raw(`array[${zones.map((z) => `'${z}'`).join(',')}]`)})[1 + i % 5],
             case when i % 3 = 0 then 'zh-CN' else 'en' end, 'C-DIGEST'
      from generate_series(1, ${n}) i`);
    await database.db.execute(sql`
      insert into members (workspace_id, external_id, display_name, role)
      select w.id, 'U' || j, 'Rep ' || j, case when j = 1 then 'admin' else 'rep' end
      from workspaces w cross join generate_series(1, 10) j`);
    await database.db.execute(sql`analyze`);
    const scheduler = createScheduler({
      db: database.db,
      outbounds: { slack: nullOutbound },
      logger: silentLogger,
      owner: 'bench',
    });
    // A Tuesday at 15:00 UTC: digests and morning nudges are due somewhere, yesterday's are past.
    const at = new Date('2026-12-01T15:00:00Z');
    const t0 = performance.now();
    const first = await scheduler.tick(at);
    const firstMs = performance.now() - t0;
    const times = await timeRuns(
      (i) => scheduler.tick(new Date(at.getTime() + Math.max(i, 0) * 1_000)),
      options.runs,
      2,
    );
    const p50 = median(times);
    return [
      {
        figure: `scheduler tick deciding the slots of ${n.toLocaleString('en')} workspaces (${(n * 10).toLocaleString('en')} members)`,
        driver,
        value: `p50 ${fmtMs(p50)}`,
        goal: '≤ 200 ms',
        met: p50 <= 200,
        note: `every minute's tick once the day's slots are claimed; the first tick of the day, which also claimed and ran ${first.ran.length} slots and recorded ${first.skipped.length} missed ones as skipped, took ${fmtMs(firstMs)}`,
      },
    ];
  } finally {
    await database.drop();
  }
}

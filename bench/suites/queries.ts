/**
 * The manager's questions at company scale: pipeline by stage, stage funnel,
 * stalled deals and deals closing in the next 14 days, asked of the largest
 * workspace at 10k, 100k and 1M deals (1M on Postgres only). Each is timed
 * beside the best hand-written SQL for the same answer, run in the same loop;
 * the two answers are compared first, so a fast wrong query cannot pass.
 * On Postgres the plans of our queries are kept for BENCHMARKS.md.
 */
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Db, type Driver, queryRows } from '../../src/db/connect.ts';
import { members, workspaces } from '../../src/db/schema.ts';
import { addDays } from '../../src/lib/time.ts';
import { listDealsClosing } from '../../src/pipeline/queries/closing.ts';
import { computeStageFunnel } from '../../src/pipeline/queries/funnel.ts';
import { summarizePipelineByStage } from '../../src/pipeline/queries/pipeline.ts';
import { type QueryScope, queryScope } from '../../src/pipeline/queries/scope.ts';
import { listStalledDeals } from '../../src/pipeline/queries/stalled.ts';
import { openStages } from '../../src/pipeline/stages.ts';
import { generate, shapeFor } from '../generate.ts';
import {
  type BenchDatabase,
  type BenchOptions,
  type Figure,
  freshDatabase,
} from '../lib/harness.ts';
import { fmtMs, median, timeRuns } from '../lib/stats.ts';

interface Case {
  name: string;
  ours: (db: Db, scope: QueryScope) => Promise<number>;
  /** The same answer by hand; returns the same checksum (a count) as `ours`. */
  hand: (db: Db, scope: QueryScope) => Promise<number>;
}

const count = (rows: { n: number | string }[]) => rows.reduce((a, r) => a + Number(r.n), 0);

function closingRange(scope: QueryScope) {
  return { from: scope.today, to: addDays(scope.today, 14) };
}

const CASES: Case[] = [
  {
    name: 'pipeline by stage',
    ours: async (db, scope) => (await summarizePipelineByStage(db, scope)).count,
    hand: async (db, scope) =>
      count(
        await queryRows<{ n: number }>(
          db,
          sql`select stage, currency, count(*)::int as n, sum(amount) as total
              from deals where workspace_id = ${scope.workspaceId} and status = 'open'
              group by stage, currency`,
        ),
      ),
  },
  {
    name: 'stage funnel',
    ours: async (db, scope) => (await computeStageFunnel(db, scope)).deals,
    hand: async (db, scope) => {
      // The whole funnel in SQL from the stages each deal reached: deals counted
      // per distinct set of reached stages, then for each stage the deals whose
      // set holds it or a later one.
      const order = [
        ...openStages(scope.template),
        ...scope.template.stages.filter((st) => st.phase === 'won'),
      ];
      const counts = sql.join(
        order.map((_, i) => {
          const later = sql.join(
            order.slice(i).map((st) => sql`${st.key}`),
            sql`, `,
          );
          return sql`coalesce(sum(n) filter (where r && array[${later}]::text[]), 0)::int as ${sql.raw(`n${i}`)}`;
        }),
        sql`, `,
      );
      const rows = await queryRows<{ n0: number }>(
        db,
        sql`with s as (select reached_stages as r, count(*) as n from deals
                       where workspace_id = ${scope.workspaceId} and status <> 'void'
                       group by reached_stages)
            select ${counts} from s`,
      );
      return Number(rows[0]?.n0 ?? 0);
    },
  },
  {
    name: 'stalled deals',
    ours: async (db, scope) => (await listStalledDeals(db, scope)).count,
    hand: async (db, scope) => {
      const stale = openStages(scope.template).filter((s) => s.staleDays > 0);
      const cases = sql.join(
        stale.map((s) => sql`when ${s.key} then ${s.staleDays}::int`),
        sql` `,
      );
      const cond = sql`d.workspace_id = ${scope.workspaceId} and d.status = 'open'
        and d.last_activity_at < ${scope.now.toISOString()}::timestamptz
            - make_interval(days => case d.stage ${cases} end)`;
      const [items, [n]] = await Promise.all([
        queryRows(
          db,
          sql`select d.id, a.name, m.display_name, d.stage, d.amount, d.last_activity_at
              from deals d join accounts a on a.id = d.account_id join members m on m.id = d.owner_id
              where ${cond} order by d.last_activity_at limit 20`,
        ),
        queryRows<{ n: number }>(db, sql`select count(*)::int as n from deals d where ${cond}`),
      ]);
      if (items.length > 20) throw new Error('limit ignored');
      return Number(n?.n ?? 0);
    },
  },
  {
    name: 'deals closing in the next 14 days',
    ours: async (db, scope) =>
      (await listDealsClosing(db, scope, { range: closingRange(scope) })).count,
    hand: async (db, scope) => {
      const r = closingRange(scope);
      const cond = sql`d.workspace_id = ${scope.workspaceId} and d.status = 'open'
        and d.close_date between ${r.from}::date and ${r.to}::date`;
      const [items, sums] = await Promise.all([
        queryRows(
          db,
          sql`select d.id, a.name, m.display_name, d.stage, d.amount, d.currency, d.close_date
              from deals d join accounts a on a.id = d.account_id join members m on m.id = d.owner_id
              where ${cond} order by d.close_date, d.amount desc nulls last limit 20`,
        ),
        queryRows<{ n: number }>(
          db,
          sql`select currency, count(*)::int as n, sum(amount) as total from deals d
              where ${cond} group by currency`,
        ),
      ]);
      if (items.length > 20) throw new Error('limit ignored');
      return count(sums);
    },
  },
];

/** The plans Postgres chose for our statements (costs off: the shape, not the estimates). */
async function explain(database: BenchDatabase): Promise<string> {
  if (!database.url) return '';
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const plans: string[] = [];
    for (const q of database.captured) {
      const rows = await client.unsafe(
        `explain (costs off) ${q.query}`,
        q.params as postgres.ParameterOrJSON<never>[],
      );
      plans.push(
        `${q.query.replace(/\s+/g, ' ').slice(0, 160)}…\n${rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`,
      );
    }
    return plans.join('\n\n');
  } finally {
    await client.end();
  }
}

export async function benchQueries(driver: Driver, options: BenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const size of options.sizes) {
    if (driver === 'pglite' && size > 100_000) continue;
    const database = await freshDatabase(driver, options, `q${size}`);
    try {
      const t0 = performance.now();
      const gen = await generate(database.db, shapeFor(size), options.now);
      options.log(
        `bench: queries: ${size.toLocaleString('en')} deals on ${driver} generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
      const [ws] = await database.db
        .select()
        .from(workspaces)
        .where(eq(workspaces.id, gen.bigWorkspaceId));
      const [manager] = await database.db
        .select()
        .from(members)
        .where(eq(members.id, gen.managerId));
      const scope = queryScope(ws!, manager!, options.now);
      const runs = size >= 1_000_000 ? Math.min(options.runs, 9) : options.runs;
      const goal = size >= 1_000_000 ? 300 : 50;
      for (const c of CASES) {
        const a = await c.ours(database.db, scope);
        const b = await c.hand(database.db, scope);
        if (a !== b) throw new Error(`${c.name}: ours counts ${a}, hand-written SQL ${b}`);
        // Interleaved, so that both see the same cache state.
        const ours: number[] = [];
        const hand: number[] = [];
        await timeRuns(
          async () => {
            let s = performance.now();
            await c.ours(database.db, scope);
            ours.push(performance.now() - s);
            s = performance.now();
            await c.hand(database.db, scope);
            hand.push(performance.now() - s);
          },
          runs,
          3,
        );
        ours.splice(0, 3);
        hand.splice(0, 3);
        database.captured.length = 0;
        database.capture = true;
        await c.ours(database.db, scope);
        database.capture = false;
        const p50 = median(ours);
        const sizeLabel = `${size.toLocaleString('en')} deals`;
        figures.push({
          figure: `${c.name} (largest workspace: ${gen.bigWorkspaceDeals.toLocaleString('en')} of ${sizeLabel})`,
          driver,
          size: sizeLabel,
          value: `p50 ${fmtMs(p50)} (${runs} runs; answer: ${a.toLocaleString('en')} deals)`,
          goal: driver === 'postgres' ? `p50 ≤ ${goal} ms` : 'report',
          met: driver === 'postgres' ? p50 <= goal : null,
          ratio: `${(p50 / median(hand)).toFixed(2)}× hand-written SQL (p50 ${fmtMs(median(hand))})`,
          ...(driver === 'postgres' && size === 100_000 ? { detail: await explain(database) } : {}),
        });
      }
    } finally {
      await database.drop();
    }
  }
  return figures;
}

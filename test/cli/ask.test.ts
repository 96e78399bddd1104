// Proves `pipebot ask` on `pipebot seed-demo` data answers a manager's common questions in English and Chinese with figures that match plain SQL, prints the --json contract, handles --chart through the renderer hook (absent in this build), and uses the LLM when one is configured.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src/assistant/answers/charts.ts';
import { createAskCommand } from '../../src/cli/ask.ts';
import type { CliContext } from '../../src/cli/command.ts';
import { loadConfig } from '../../src/config.ts';
import { type Database, openDatabase, queryRows } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';
import { silentLogger } from '../../src/log.ts';
import { type CliRun, runCli } from '../helpers/cli.ts';
import { createEmptyDatabase, DRIVERS } from '../helpers/db.ts';
import { type FakeOpenAI, startFakeOpenAI, toolCalls } from '../helpers/fake-openai.ts';

const NOW = '2026-11-25T15:00:00Z';
/** The demo workspace is in New York: these are its local periods as instants. */
const NOV = ['2026-11-01T04:00:00Z', '2026-12-01T05:00:00Z'];
const QUARTER = ['2026-10-01T04:00:00Z', '2027-01-01T05:00:00Z'];

interface Asked {
  question: string;
  as: string;
  run: CliRun;
  // biome-ignore lint/suspicious/noExplicitAny: parsed --json output
  json: any;
}

const QUESTIONS: [string, string][] = [
  ["what's in the pipeline?", 'dan'],
  ['how much is bob carrying?', 'dan'],
  ["what's closing this month?", 'dan'],
  ['which follow-ups are overdue?', 'dan'],
  ['which deals are stuck?', 'dan'],
  ['win rate this quarter', 'dan'],
  ['why are we losing deals?', 'dan'],
  ['status of Acme', 'dan'],
  ['show me the funnel', 'dan'],
  ['how much did we win this month?', 'dan'],
  ['pipeline by rep', 'dan'],
  ['which stage is the bottleneck?', 'dan'],
  ['销售管道怎么样?', 'dan'],
  ['本月有哪些单子要签?', 'lina'],
  ['哪个阶段卡得最久?', 'lina'],
  ['谈判阶段有哪些单子?', 'lina'],
  ['哪些单子停滞了?', 'lina'],
  ['华为的进展怎么样?', 'lina'],
  ['本季度赢单率是多少?', 'lina'],
  ['丢单原因有哪些?', 'lina'],
  ['哪些跟进逾期了?', 'lina'],
  ['本月赢了多少钱?', 'lina'],
];

const toRecord = (rows: { currency: string; total: string | number }[]) =>
  Object.fromEntries(rows.map((r) => [r.currency, Number(r.total)]));
// biome-ignore lint/suspicious/noExplicitAny: a MoneyTotal from --json
const money = (m: any) => Object.fromEntries(m.byCurrency.map((x: any) => [x.currency, x.amount]));

describe.each(DRIVERS)('pipebot ask on %s', (driver) => {
  let target: string;
  let cleanup: () => Promise<void>;
  let database: Database;
  let ws: string;
  const asked = new Map<string, Asked>();
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(database.db, q);

  beforeAll(async () => {
    if (driver === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'pipebot-ask-'));
      target = join(dir, 'db');
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const empty = await createEmptyDatabase('postgres');
      target = empty.url;
      cleanup = empty.drop;
    }
    const seeded = await runCli(['--db', target, '--workspace', 'demo', '--now', NOW, 'seed-demo']);
    expect(seeded.code, seeded.stderr).toBe(0);
    for (const [question, as] of QUESTIONS) {
      const run = await runCli([
        '--db',
        target,
        '--workspace',
        'demo',
        '--now',
        NOW,
        'ask',
        '--json',
        '--as',
        as,
        question,
      ]);
      asked.set(question, {
        question,
        as,
        run,
        json: run.code === 0 ? JSON.parse(run.stdout) : null,
      });
    }
    database = await openDatabase(
      target.startsWith('postgres') ? { url: target } : { url: undefined, pgliteDir: target },
    );
    const [w] = await rows<{ id: string }>(
      sql`select id from workspaces where external_id = 'demo'`,
    );
    ws = w!.id;
  }, 240_000);
  afterAll(async () => {
    await database?.close();
    await cleanup?.();
  });

  const a = (q: string) => {
    const x = asked.get(q)!;
    expect(x.run.code, x.run.stderr).toBe(0);
    return x.json;
  };

  it('prints the --json contract for every question, in the asker’s language', () => {
    for (const [question, as] of QUESTIONS) {
      const j = a(question);
      expect(Object.keys(j)).toEqual(['query', 'result', 'text']);
      expect(j.query.name, question).toMatch(/^[a-z]+[A-Za-z]+$/);
      expect(typeof j.text).toBe('string');
      // Lina's replies are in Chinese (her setting); Dan's in English, whatever the question's language.
      if (as === 'lina') expect(j.text, question).toMatch(/\p{Script=Han}{2}/u);
      if (as === 'dan') expect(j.text, question).toMatch(/[A-Za-z]{4}/);
    }
  });

  it('pipeline totals and per-owner figures match SQL', async () => {
    const open = await rows<{ currency: string; total: string }>(
      sql`select currency, sum(amount) as total from deals
          where workspace_id = ${ws} and status = 'open' and amount is not null group by currency`,
    );
    const [n] = await rows<{ n: number }>(
      sql`select count(*)::int as n from deals where workspace_id = ${ws} and status = 'open'`,
    );
    for (const q of ["what's in the pipeline?", '销售管道怎么样?']) {
      expect(money(a(q).result.total)).toEqual(toRecord(open));
      expect(a(q).result.count).toBe(n!.n);
    }
    const bob = await rows<{ currency: string; total: string }>(
      sql`select d.currency, sum(d.amount) as total from deals d join members m on m.id = d.owner_id
          where d.workspace_id = ${ws} and d.status = 'open' and m.external_id = 'bob' group by 1`,
    );
    expect(a('how much is bob carrying?').query).toEqual({
      name: 'summarizePipelineByStage',
      args: { owner: 'Bob Miller' },
    });
    expect(money(a('how much is bob carrying?').result.total)).toEqual(toRecord(bob));
    const [owners] = await rows<{ n: number }>(
      sql`select count(distinct owner_id)::int as n from deals where workspace_id = ${ws} and status = 'open'`,
    );
    expect(a('pipeline by rep').result.owners).toHaveLength(owners!.n);
    const neg = await rows<{ name: string }>(
      sql`select a.name from deals d join accounts a on a.id = d.account_id
          where d.workspace_id = ${ws} and d.status = 'open' and d.stage = 'negotiation'`,
    );
    expect(
      a('谈判阶段有哪些单子?')
        .result.items.map((i: { account: string }) => i.account)
        .sort(),
    ).toEqual(neg.map((r) => r.name).sort());
  });

  it('closing this month, overdue follow-ups and stalled deals match SQL', async () => {
    const closing = await rows<{ name: string }>(
      sql`select a.name from deals d join accounts a on a.id = d.account_id
          where d.workspace_id = ${ws} and d.status = 'open'
            and d.close_date between '2026-11-01' and '2026-11-30'
          order by d.close_date`,
    );
    for (const q of ["what's closing this month?", '本月有哪些单子要签?'])
      expect(a(q).result.items.map((i: { account: string }) => i.account)).toEqual(
        closing.map((r) => r.name),
      );
    const overdue = await rows<{ name: string }>(
      sql`select a.name from followups f join deals d on d.id = f.deal_id join accounts a on a.id = d.account_id
          where f.workspace_id = ${ws} and d.status <> 'void'
            and ((f.status = 'open' and f.due_date < '2026-11-25') or (f.status = 'snoozed' and f.snoozed_until < '2026-11-25'))`,
    );
    for (const q of ['which follow-ups are overdue?', '哪些跟进逾期了?']) {
      expect(a(q).result.count).toBe(overdue.length);
      expect(
        a(q)
          .result.items.map((i: { account: string }) => i.account)
          .sort(),
      ).toEqual(overdue.map((r) => r.name).sort());
    }
    const stalled = await rows<{ name: string }>(
      sql`select a.name from deals d join accounts a on a.id = d.account_id
          where d.workspace_id = ${ws} and d.status = 'open'
            and d.last_activity_at < ${NOW}::timestamptz - (case d.stage
                when 'prospecting' then 14 when 'needs_analysis' then 14 when 'proposal' then 10
                when 'quote' then 7 when 'negotiation' then 7 end) * interval '1 day'`,
    );
    for (const q of ['which deals are stuck?', '哪些单子停滞了?'])
      expect(
        a(q)
          .result.items.map((i: { account: string }) => i.account)
          .sort(),
      ).toEqual(stalled.map((r) => r.name).sort());
    expect(stalled.length).toBeGreaterThan(0);
  });

  it('win rate, won totals and loss reasons match SQL', async () => {
    const [wr] = await rows<{ won: number; lost: number }>(
      sql`select count(*) filter (where status = 'won')::int as won, count(*) filter (where status = 'lost')::int as lost
          from deals where workspace_id = ${ws} and closed_at >= ${QUARTER[0]}::timestamptz and closed_at < ${QUARTER[1]}::timestamptz`,
    );
    for (const q of ['win rate this quarter', '本季度赢单率是多少?']) {
      expect(a(q).result).toMatchObject({ won: wr!.won, lost: wr!.lost });
      expect(a(q).result.winRate).toBeCloseTo(wr!.won / (wr!.won + wr!.lost), 6);
    }
    const won = await rows<{ currency: string; total: string }>(
      sql`select currency, sum(amount) as total from deals where workspace_id = ${ws} and status = 'won'
            and closed_at >= ${NOV[0]}::timestamptz and closed_at < ${NOV[1]}::timestamptz group by currency`,
    );
    for (const q of ['how much did we win this month?', '本月赢了多少钱?'])
      expect(money(a(q).result.total)).toEqual(toRecord(won));
    const [lost] = await rows<{ n: number }>(
      sql`select count(*)::int as n from deals where workspace_id = ${ws} and status = 'lost'`,
    );
    for (const q of ['why are we losing deals?', '丢单原因有哪些?'])
      expect(a(q).result.lost).toBe(lost!.n);
  });

  it('a deal’s status, the funnel and the bottleneck match SQL', async () => {
    const [acme] = await rows<{ amount: string; stage: string }>(
      sql`select d.amount, d.stage from deals d join accounts a on a.id = d.account_id
          where d.workspace_id = ${ws} and a.name = 'Acme Corp'`,
    );
    expect(a('status of Acme').result.deals[0]).toMatchObject({
      amount: Number(acme!.amount),
      stage: acme!.stage,
    });
    const [hw] = await rows<{ amount: string }>(
      sql`select d.amount from deals d join accounts a on a.id = d.account_id
          where d.workspace_id = ${ws} and a.name = '华为'`,
    );
    expect(a('华为的进展怎么样?').result.deals[0].amount).toBe(Number(hw!.amount));

    const reached = await rows<{ stage: string; n: number }>(
      sql`with ord(stage, k) as (values ('prospecting', 1), ('needs_analysis', 2), ('proposal', 3),
                                        ('quote', 4), ('negotiation', 5), ('closed_won', 6)),
          best as (select e.deal_id, max(o.k) as k from deal_events e join ord o on o.stage = e.to_stage
                   where e.workspace_id = ${ws} group by e.deal_id)
          select o.stage, (select count(*) from best b where b.k >= o.k)::int as n from ord o order by o.k`,
    );
    expect(
      a('show me the funnel').result.stages.map((s: { stage: string; reached: number }) => [
        s.stage,
        s.reached,
      ]),
    ).toEqual(reached.map((r) => [r.stage, r.n]));

    const medians = await rows<{ stage: string; median: number }>(
      sql`with m as (select to_stage, created_at,
                       lag(to_stage) over w as prev_stage, lag(created_at) over w as prev_at
                     from deal_events where workspace_id = ${ws} and to_stage is not null
                     window w as (partition by deal_id order by created_at))
          select prev_stage as stage,
            percentile_cont(0.5) within group (order by extract(epoch from created_at - prev_at) / 86400) as median
          from m where prev_stage is not null
            and prev_stage not in ('closed_won', 'closed_lost')
          group by prev_stage order by median desc`,
    );
    for (const q of ['which stage is the bottleneck?', '哪个阶段卡得最久?']) {
      expect(a(q).result.bottleneck).toBe(medians[0]!.stage);
      for (const m of medians)
        expect(
          a(q).result.stages.find((s: { stage: string }) => s.stage === m.stage).medianDays,
        ).toBeCloseTo(Math.round(Number(m.median) * 10) / 10, 5);
    }
  });
});

describe('pipebot ask without a database round', () => {
  it('explains what it can do for a question it cannot map, and refuses bad flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-ask-'));
    try {
      const base = ['--db', join(dir, 'db'), '--now', NOW];
      const r = await runCli([...base, 'ask', '--json', 'write me a poem']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ query: null, result: null });
      expect(j.text).toContain('Here is what you can ask');
      const none = await runCli([...base, 'ask']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('give a question');
      const badChart = await runCli([...base, 'ask', '--chart', 'out.svg', 'pipeline']);
      expect(badChart.code).toBe(2);
      expect(badChart.stderr).toContain('.png');
      const help = await runCli(['ask', '--help']);
      expect(help.stdout).toContain('pipebot ask [--json] [--as NAME] [--chart FILE.png] QUESTION');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--chart writes a real PNG for the funnel, the pipeline and the trend, in both languages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-chart-'));
    try {
      const base = ['--db', join(dir, 'db'), '--workspace', 'demo', '--now', NOW];
      await runCli([...base, 'seed-demo']);
      for (const [question, name] of [
        ['show me the funnel', 'funnel'],
        ['what is in the pipeline?', 'pipeline'],
        ['weekly trend', 'trend'],
        ['销售漏斗', 'funnel-zh'],
      ] as const) {
        const out = join(dir, `${name}.png`);
        const r = await runCli([...base, 'ask', '--chart', out, question]);
        expect(r.code, `${question}: ${r.stderr}`).toBe(0);
        const png = readFileSync(out);
        expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        // IHDR width: the charts render at twice their CSS size.
        expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1200);
        expect(png.length).toBeGreaterThan(10_000);
      }
      const noChart = await runCli([
        ...base,
        'ask',
        '--chart',
        join(dir, 'x.png'),
        'which deals are stuck?',
      ]);
      expect(noChart.code).toBe(1);
      expect(noChart.stderr).toContain('There is no chart for this kind of answer.');
      expect(existsSync(join(dir, 'x.png'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('--chart hands the renderer the chart data and writes its PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-chart-'));
    try {
      const base = ['--db', join(dir, 'db'), '--workspace', 'demo', '--now', NOW];
      await runCli([...base, 'seed-demo']);
      const seen: ChartSpec[] = [];
      const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      const command = createAskCommand(async (spec) => {
        seen.push(spec);
        return png;
      });
      const databases: Database[] = [];
      const err = { text: '' };
      const ctx: CliContext = {
        io: {
          stdin: Readable.from([]),
          stdout: new Writable({ write: (_c, _e, d) => d() }),
          stderr: new Writable({
            write(c, _e, d) {
              err.text += c.toString();
              d();
            },
          }),
          env: {},
        },
        global: { workspace: 'demo', now: new Date(NOW), db: join(dir, 'db') },
        config: () => ({
          ...loadConfig({ PIPEBOT_TIMEZONE: 'UTC' }),
          database: { url: undefined, pgliteDir: join(dir, 'db'), prepare: true },
        }),
        openDb: async () => {
          const d = await openDatabase({ url: undefined, pgliteDir: join(dir, 'db') });
          databases.push(d);
          await migrate(d.db);
          return d;
        },
        logger: () => silentLogger,
        now: () => new Date(NOW),
        print: () => {},
      };
      try {
        for (const [q, file] of [
          ['show me the funnel', 'funnel.png'],
          ["what's in the pipeline?", 'pipeline.png'],
          ['weekly trend', 'trend.png'],
        ] as const) {
          expect(await command.run(ctx, { chart: join(dir, file) }, [q]), err.text).toBe(0);
          expect(readFileSync(join(dir, file))).toEqual(Buffer.from(png));
        }
      } finally {
        for (const d of databases) await d.close();
      }
      expect(seen.map((s) => s.kind)).toEqual(['funnel', 'pipeline', 'trend']);
      const [funnel, pipeline, trend] = seen as [
        Extract<ChartSpec, { kind: 'funnel' }>,
        Extract<ChartSpec, { kind: 'pipeline' }>,
        Extract<ChartSpec, { kind: 'trend' }>,
      ];
      expect(funnel.data.stages.map((s) => s.key)).toEqual([
        'prospecting',
        'needs_analysis',
        'proposal',
        'quote',
        'negotiation',
        'closed_won',
      ]);
      expect(funnel.data.stages[0]).toMatchObject({ label: 'Prospecting', conversion: null });
      // The demo has USD, EUR and CNY with rates for each: one converted unit.
      expect(pipeline.data.convertedTo).toBe('USD');
      expect(pipeline.data.currencies).toEqual(['USD']);
      expect(pipeline.data.stages).toHaveLength(5);
      expect(
        pipeline.data.amounts.every((x) => x.currency === 'USD' && x.total >= x.weighted),
      ).toBe(true);
      expect(trend.data.weeks).toHaveLength(8);
      expect(trend.data.weeks.at(-1)).toMatchObject({ weekStart: '2026-11-23', label: 'Nov 23' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('pipebot ask with an LLM configured', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('lets the model choose the query and records the call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-ask-llm-'));
    try {
      const base = ['--db', join(dir, 'db'), '--workspace', 'demo', '--now', NOW];
      await runCli([...base, 'seed-demo']);
      fake.enqueue(
        toolCalls([
          { name: 'listStalledDeals', arguments: { owner: null, stage: 'proposal', limit: null } },
        ]),
      );
      const env = { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-cli', PIPEBOT_MODEL: 'm1' };
      const r = await runCli(
        [...base, 'ask', '--json', '--as', 'dan', 'anything stuck at the proposal step?'],
        env,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).query).toEqual({
        name: 'listStalledDeals',
        args: { stage: 'proposal' },
      });
      expect(fake.requests).toHaveLength(1);
      const d = await openDatabase({ url: undefined, pgliteDir: join(dir, 'db') });
      try {
        const calls = await queryRows<{ purpose: string; model: string; outcome: string }>(
          d.db,
          sql`select purpose, model, outcome from llm_calls`,
        );
        expect(calls).toEqual([{ purpose: 'ask', model: 'm1', outcome: 'ok' }]);
      } finally {
        await d.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

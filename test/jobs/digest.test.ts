// Proves the daily digest on both drivers: every figure of a seeded pipeline (computed independently here), the Monday summary, zh-CN wording, the one-line quiet day, the period since the last digest, and a query count that does not grow with deals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/assistant/types.ts';
import {
  accounts,
  dealEvents,
  deals,
  jobRuns,
  type Member,
  type Workspace,
} from '../../src/db/schema.ts';
import { buildDigest, digestStart } from '../../src/jobs/digest.ts';
import { digestKey } from '../../src/jobs/slots.ts';
import { collectNudgeItems } from '../../src/pipeline/nudges.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember } from '../helpers/fixtures.ts';
import { jobWorkspace, update } from './fixtures.ts';

const DAY = 86_400_000;
type Report = Extract<Reply, { kind: 'report' }>;
const asReport = (r: Reply): Report => {
  if (r.kind !== 'report')
    throw new Error(`expected a report, got ${r.kind}: ${JSON.stringify(r)}`);
  return r;
};
const section = (r: Report, heading: string) => {
  const s = r.sections.find((x) => x.heading === heading);
  if (!s)
    throw new Error(`no section "${heading}" in ${r.sections.map((x) => x.heading).join(', ')}`);
  return s;
};

/** Monday 30 November 2026, 09:00 in New York. */
const NOW = new Date('2026-11-30T14:00:00Z');
const TODAY = '2026-11-30';

interface Step {
  daysAgo: number;
  stage?: string;
  amount?: number;
  currency?: string;
  closeDate?: string;
  nextStep?: string;
  nextStepDue?: string;
  lostReason?: string;
}
const PIPELINE: { rep: string; account: string; steps: Step[] }[] = [
  {
    rep: 'ann',
    account: 'Acme',
    steps: [
      { daysAgo: 40, amount: 50000, currency: 'USD' },
      { daysAgo: 20, stage: 'proposal' },
      {
        daysAgo: 2,
        stage: 'negotiation',
        amount: 62000,
        currency: 'USD',
        closeDate: '2026-12-09',
        nextStep: 'redlines',
        nextStepDue: '2026-11-29',
      },
    ],
  },
  {
    rep: 'ann',
    account: 'Initech',
    steps: [
      { daysAgo: 25, stage: 'needs_analysis', amount: 18000, currency: 'USD' },
      { daysAgo: 20, stage: 'proposal', nextStep: 'demo', nextStepDue: '2026-11-18' },
    ],
  },
  {
    rep: 'ann',
    account: 'Umbrella',
    steps: [
      { daysAgo: 60, stage: 'quote', amount: 120000, currency: 'USD' },
      { daysAgo: 1, stage: 'closed_lost', lostReason: 'price' },
    ],
  },
  {
    rep: 'ben',
    account: 'Globex',
    steps: [
      { daysAgo: 50, stage: 'proposal', amount: 80000, currency: 'EUR' },
      { daysAgo: 21, stage: 'quote' },
    ],
  },
  {
    rep: 'ben',
    account: 'Wayne',
    steps: [
      { daysAgo: 70, amount: 250000, currency: 'USD' },
      { daysAgo: 40, stage: 'negotiation' },
      { daysAgo: 5, stage: 'closed_won', amount: 240000, currency: 'USD' },
    ],
  },
  {
    rep: 'ben',
    account: 'Vandelay',
    steps: [
      { daysAgo: 1, amount: 9500, currency: 'USD', nextStep: 'intro', nextStepDue: '2026-12-02' },
    ],
  },
  {
    rep: 'cat',
    account: 'Tyrell',
    steps: [
      { daysAgo: 45, amount: 300000, currency: 'USD' },
      { daysAgo: 28, stage: 'proposal', closeDate: '2026-11-27' },
    ],
  },
  {
    rep: 'cat',
    account: 'Cyberdyne',
    steps: [
      { daysAgo: 19, stage: 'quote', amount: 70000, currency: 'USD', closeDate: '2026-12-12' },
    ],
  },
  {
    rep: 'cat',
    account: 'Soylent',
    steps: [
      { daysAgo: 6, amount: 15000, currency: 'EUR' },
      { daysAgo: 2, stage: 'needs_analysis' },
    ],
  },
  {
    rep: 'ann',
    account: 'Hooli',
    steps: [
      { daysAgo: 10, stage: 'quote', amount: 40000, currency: 'USD' },
      { daysAgo: 6, stage: 'closed_lost', lostReason: 'no budget' },
    ],
  },
];

/** The default template's figures, written out here rather than read from the code under test. */
const PROBABILITY: Record<string, number> = {
  prospecting: 0.1,
  needs_analysis: 0.2,
  proposal: 0.4,
  quote: 0.6,
  negotiation: 0.8,
};

async function seed(db: TestDatabase, ws: Workspace, spec: typeof PIPELINE, now: Date) {
  const reps = new Map<string, Awaited<ReturnType<typeof makeMember>>>();
  for (const d of spec) {
    let rep = reps.get(d.rep);
    if (!rep) {
      rep = await makeMember(db.db, ws, d.rep);
      reps.set(d.rep, rep);
    }
    for (const { daysAgo, ...fields } of d.steps) {
      await update(db.db, ws, rep, new Date(now.getTime() - daysAgo * DAY), {
        account: d.account,
        ...fields,
      });
    }
  }
}

/** The final state of each seeded deal, folded from the spec. */
function finalStates(spec: typeof PIPELINE) {
  return spec.map((d) => {
    const s = { account: d.account, stage: 'prospecting', amount: 0, currency: '' };
    for (const step of d.steps) {
      if (step.stage) s.stage = step.stage;
      if (step.amount !== undefined) {
        s.amount = step.amount;
        s.currency = step.currency ?? 'USD';
      }
    }
    return s;
  });
}

describe.each(DRIVERS)('digest on %s', (driver) => {
  let db: TestDatabase;
  let counting = false;
  let queries = 0;
  beforeAll(async () => {
    db = await openTestDatabase(driver, {
      queryLogger: {
        logQuery: () => {
          if (counting) queries++;
        },
      },
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports a seeded pipeline figure by figure, with the Monday summary', async () => {
    const ws = await jobWorkspace(db.db, {
      timezone: 'America/New_York',
      settings: { fxRates: { EUR: 1.1 } },
    });
    await seed(db, ws, PIPELINE, NOW);
    const from = await digestStart(db.db, ws, TODAY, NOW);
    // No digest was sent before: the period starts at Friday's digest time.
    expect(from.toISOString()).toBe('2026-11-27T14:00:00.000Z');
    const { reply, figures } = await buildDigest(db.db, ws, { from, until: NOW });

    // Pipeline: folded from the spec, summed per stage and currency, weighted by the table above.
    const open = finalStates(PIPELINE).filter((d) => d.stage in PROBABILITY);
    const expectStages = Object.keys(PROBABILITY).flatMap((stage) => {
      const here = open.filter((d) => d.stage === stage);
      if (here.length === 0) return [];
      const totals: Record<string, number> = {};
      const weighted: Record<string, number> = {};
      for (const d of here) {
        totals[d.currency] = (totals[d.currency] ?? 0) + d.amount;
        weighted[d.currency] =
          (weighted[d.currency] ?? 0) + d.amount * (PROBABILITY[stage] as number);
      }
      return [{ stage, count: here.length, totals, weighted }];
    });
    expect(figures.pipeline.stages).toEqual(expectStages);
    expect(figures.pipeline.count).toBe(7);
    expect(figures.pipeline.totals).toEqual({ USD: 459500, EUR: 95000 });
    expect(figures.pipeline.weighted).toEqual({ USD: 219750, EUR: 51000 });
    expect(figures.pipeline.converted).toEqual({
      currency: 'USD',
      total: 459500 + 95000 * 1.1,
      weighted: 219750 + 51000 * 1.1,
      rates: { EUR: 1.1 },
    });

    // Since Friday 09:00: Umbrella lost, Vandelay new, Acme and Soylent moved, Acme's amount changed.
    const c = figures.changes;
    expect(c.won).toEqual([]);
    expect(c.lost.map((d) => [d.account, d.amount, d.reason, d.owner])).toEqual([
      ['Umbrella', 120000, 'price', 'ann'],
    ]);
    expect(c.created.map((d) => [d.account, d.amount, d.stage])).toEqual([
      ['Vandelay', 9500, 'prospecting'],
    ]);
    expect(c.moved.map((d) => [d.account, d.from, d.to])).toEqual([
      ['Acme', 'proposal', 'negotiation'],
      ['Soylent', 'prospecting', 'needs_analysis'],
    ]);
    expect(c.amounts.map((d) => [d.account, d.before, d.amount])).toEqual([['Acme', 50000, 62000]]);

    expect(figures.closing.map((d) => [d.account, d.closeDate])).toEqual([
      ['Acme', '2026-12-09'],
      ['Cyberdyne', '2026-12-12'],
    ]);
    expect(
      figures.atRisk.map((r) => [r.account, r.closePassed, r.overdueSince, r.staleDays]),
    ).toEqual([
      ['Tyrell', '2026-11-27', null, 28],
      ['Initech', null, '2026-11-18', 20],
      ['Acme', null, '2026-11-29', null],
      ['Globex', null, null, 21],
      ['Cyberdyne', null, null, 19],
    ]);
    expect(
      figures.activity.map((a) => [a.name, a.updates, a.deals, a.created, a.won, a.lost]),
    ).toEqual([
      ['ann', 2, 2, 0, 0, 1],
      ['ben', 1, 1, 1, 0, 0],
      ['cat', 1, 1, 0, 0, 0],
    ]);
    // The week: moves out of each stage, and Wayne won five days ago.
    expect(figures.week?.conversion).toEqual([
      { stage: 'prospecting', advanced: 1, lost: 0, back: 0, total: 1 },
      { stage: 'proposal', advanced: 1, lost: 0, back: 0, total: 1 },
      { stage: 'quote', advanced: 0, lost: 2, back: 0, total: 2 },
      { stage: 'negotiation', advanced: 1, lost: 0, back: 0, total: 1 },
    ]);
    expect(figures.week?.wins.map((w) => [w.account, w.amount])).toEqual([['Wayne', 240000]]);

    // And as the team reads it.
    const r = asReport(reply);
    expect(r.title).toBe('Pipeline digest — Mon, Nov 30');
    expect(section(r, 'Since Fri, Nov 27').items?.map((i) => i.text)).toEqual([
      'Lost: Umbrella — $120,000',
      'New: Vandelay — $9,500 · Prospecting',
      'Moved: Acme — Proposal → Negotiation · $62,000 (was $50,000)',
      'Moved: Soylent — Prospecting → Needs analysis',
    ]);
    expect(section(r, 'Open pipeline').lines).toEqual([
      'Prospecting: 1 deal · $9,500 (weighted $950)',
      'Needs analysis: 1 deal · €15,000 (weighted €3,000)',
      'Proposal: 2 deals · $318,000 (weighted $127,200)',
      'Quote: 2 deals · €80,000 + $70,000 (weighted €48,000 + $42,000)',
      'Negotiation: 1 deal · $62,000 (weighted $49,600)',
      'Total: 7 deals · $459,500 + €95,000 (weighted $219,750 + €51,000)',
      '≈ $564,000 in all (weighted $275,850), converted at 1 EUR = 1.1 USD',
    ]);
    expect(section(r, 'At risk').items?.[0]).toEqual({
      text: 'Tyrell — $300,000 · Proposal',
      detail: 'was due to close Fri, Nov 27 · no activity for 28 days · cat',
    });
    expect(section(r, 'Activity by rep').lines).toEqual([
      'ann: 2 updates on 2 deals · 1 lost',
      'ben: 1 update on 1 deal · 1 new',
      'cat: 1 update on 1 deal',
    ]);
    expect(section(r, 'This week: stage conversion').lines).toEqual([
      'Prospecting: 1 of 1 moved forward (100%)',
      'Proposal: 1 of 1 moved forward (100%)',
      'Quote: 0 of 2 moved forward (0%), 2 lost',
      'Negotiation: 1 of 1 moved forward (100%)',
    ]);
    expect(section(r, 'Won this week')).toMatchObject({
      items: [{ text: 'Wayne — $240,000', detail: 'ben' }],
      lines: ['1 deal won this week: $240,000'],
    });

    // The next digest starts where this one ended.
    await db.db.insert(jobRuns).values({
      job: 'digest',
      slot: digestKey(ws.id, TODAY),
      workspaceId: ws.id,
      status: 'done',
      result: { plan: { from: from.toISOString(), until: '2026-11-30T14:03:00.000Z' } },
    });
    const tuesday = new Date('2026-12-01T14:00:00Z');
    expect((await digestStart(db.db, ws, '2026-12-01', tuesday)).toISOString()).toBe(
      '2026-11-30T14:03:00.000Z',
    );
  });

  it('keeps currencies apart without a rate and says so', async () => {
    const ws = await jobWorkspace(db.db, { timezone: 'UTC' });
    const rep = await makeMember(db.db, ws, 'solo');
    const now = new Date('2026-11-25T09:00:00Z');
    await update(db.db, ws, rep, new Date(now.getTime() - DAY), {
      account: 'Yen Co',
      amount: 1000000,
      currency: 'JPY',
    });
    await update(db.db, ws, rep, new Date(now.getTime() - DAY), {
      account: 'Dollar Co',
      amount: 5000,
      currency: 'USD',
    });
    const { reply, figures } = await buildDigest(db.db, ws, {
      from: new Date(now.getTime() - DAY * 2),
      until: now,
    });
    expect(figures.pipeline.converted).toBeNull();
    expect(figures.pipeline.missingRates).toEqual(['JPY']);
    expect(section(asReport(reply), 'Open pipeline').lines?.at(-1)).toBe(
      'Totals stay per currency: no exchange rate for JPY (settings fx CODE RATE).',
    );
  });

  it('writes the digest in Chinese for a zh-CN workspace', async () => {
    const ws = await jobWorkspace(db.db, {
      timezone: 'Asia/Shanghai',
      locale: 'zh-CN',
      currency: 'CNY',
      settings: { fxRates: { USD: 7.1 } },
    });
    const now = new Date('2026-11-30T01:00:00Z');
    await seed(
      db,
      ws,
      [
        {
          rep: '李娜',
          account: '华为',
          steps: [
            { daysAgo: 10, amount: 500000, currency: 'CNY' },
            {
              daysAgo: 1,
              stage: 'quote',
              amount: 560000,
              currency: 'CNY',
              closeDate: '2026-12-10',
            },
          ],
        },
        { rep: '王伟', account: '美团', steps: [{ daysAgo: 1, amount: 20000, currency: 'USD' }] },
        {
          rep: '王伟',
          account: '小米',
          steps: [
            { daysAgo: 20, stage: 'proposal', amount: 300000, currency: 'CNY' },
            { daysAgo: 4, stage: 'closed_won', amount: 280000, currency: 'CNY' },
          ],
        },
      ],
      now,
    );
    const from = await digestStart(db.db, ws, '2026-11-30', now);
    const r = asReport((await buildDigest(db.db, ws, { from, until: now })).reply);
    expect(r.locale).toBe('zh-CN');
    expect(r.title).toBe('销售日报 — 11月30日周一');
    expect(section(r, '自 11月27日周五 以来').items?.map((i) => i.text)).toEqual([
      '新建: 美团 — $20,000 · 潜在客户识别',
      '阶段变化: 华为 — 潜在客户识别 → 报价 · ¥560,000 (原为 ¥500,000)',
    ]);
    expect(section(r, '进行中的管道').lines).toEqual([
      '潜在客户识别: 1 个商机 · $20,000 (加权 $2,000)',
      '报价: 1 个商机 · ¥560,000 (加权 ¥336,000)',
      '合计: 2 个商机 · ¥560,000 + $20,000 (加权 ¥336,000 + $2,000)',
      '折合约 ¥702,000(加权 ¥350,200),汇率 1 USD = 7.1 CNY',
    ]);
    expect(section(r, '未来 14 天预计成交').items).toEqual([
      { text: '华为 — ¥560,000 · 报价', detail: '12月10日周四 · 李娜' },
    ]);
    expect(section(r, '本周赢单').lines).toEqual(['本周共赢单 1 个:¥280,000']);
    expect(r.footer).toBe('加权金额按各阶段赢单概率计算。');
  });

  it('sends one short line on a day with nothing to say', async () => {
    const ws = await jobWorkspace(db.db, { timezone: 'UTC' });
    const rep = await makeMember(db.db, ws, 'calm');
    const now = new Date('2026-11-25T09:00:00Z');
    await update(db.db, ws, rep, new Date(now.getTime() - 5 * DAY), {
      account: 'Steady Ltd',
      amount: 1000,
      currency: 'USD',
    });
    const from = await digestStart(db.db, ws, '2026-11-25', now);
    const { reply } = await buildDigest(db.db, ws, { from, until: now });
    expect(reply).toEqual({
      kind: 'text',
      locale: 'en',
      text: 'All quiet since Tue, Nov 24: no pipeline changes, nothing closing soon or at risk.',
    });
  });

  it('runs the same number of queries for 3 deals and for 60 (digest and nudge list alike)', async () => {
    const counts: number[] = [];
    const nudgeCounts: number[] = [];
    for (const n of [3, 60]) {
      const ws = await jobWorkspace(db.db, { timezone: 'UTC' });
      const team: Member[] = [];
      for (let i = 0; i < n / 3; i++) team.push(await makeMember(db.db, ws, `many-${n}-${i}`));
      const rep = team[0] as Member;
      const now = new Date('2026-11-30T09:00:00Z');
      const accs = await db.db
        .insert(accounts)
        .values(
          Array.from({ length: n }, (_, i) => ({
            workspaceId: ws.id,
            name: `acct ${i}`,
            normalizedName: `acct-${n}-${i}`,
          })),
        )
        .returning();
      const rows = await db.db
        .insert(deals)
        .values(
          accs.map((a, i) => ({
            workspaceId: ws.id,
            accountId: a.id,
            ownerId: (team[i % team.length] as Member).id,
            title: a.name,
            stage: i % 2 ? 'proposal' : 'quote',
            amount: 1000 * (i + 1),
            currency: i % 3 ? 'USD' : 'EUR',
            closeDate: i % 4 ? '2026-12-05' : '2026-11-20',
            lastActivityAt: new Date(now.getTime() - (i % 30) * DAY),
          })),
        )
        .returning();
      await db.db.insert(dealEvents).values(
        rows.map((d) => ({
          workspaceId: ws.id,
          dealId: d.id,
          actorId: rep.id,
          kind: 'update',
          diff: {
            stage: { before: 'proposal', after: d.stage },
            amount: { before: 500, after: d.amount },
          },
          fromStage: 'proposal',
          toStage: d.stage,
          version: 2,
          createdAt: new Date(now.getTime() - DAY / 2),
        })),
      );
      const from = await digestStart(db.db, ws, '2026-11-30', now);
      queries = 0;
      counting = true;
      const { figures } = await buildDigest(db.db, ws, { from, until: now });
      counting = false;
      expect(figures.pipeline.count).toBe(n);
      counts.push(queries);
      queries = 0;
      counting = true;
      const items = await collectNudgeItems(db.db, ws, team, now);
      counting = false;
      expect([...items.values()].flat().length).toBeGreaterThan(0);
      nudgeCounts.push(queries);
    }
    expect(counts[0]).toBe(3);
    expect(counts[1]).toBe(counts[0]);
    expect(nudgeCounts[0]).toBe(2);
    expect(nudgeCounts[1]).toBe(nudgeCounts[0]);
  });
});

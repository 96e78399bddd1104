// Proves every query of the library returns the figures computed independently (plain JS over the fixture plan), scoped by workspace and visibility, on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member, Workspace } from '../../src/db/schema.ts';
import { ForbiddenError } from '../../src/errors.ts';
import { addDays } from '../../src/lib/time.ts';
import { applyUpdate } from '../../src/pipeline/deals.ts';
import { summarizeRepActivity } from '../../src/pipeline/queries/activity.ts';
import { listDealsClosing } from '../../src/pipeline/queries/closing.ts';
import { getDealStatus } from '../../src/pipeline/queries/deal-status.ts';
import { listOverdueFollowups } from '../../src/pipeline/queries/followups.ts';
import { computeStageFunnel } from '../../src/pipeline/queries/funnel.ts';
import { rankLossReasons } from '../../src/pipeline/queries/loss-reasons.ts';
import { type MoneyTotal, moneyTotal } from '../../src/pipeline/queries/money.ts';
import { listOpenDeals } from '../../src/pipeline/queries/open-deals.ts';
import {
  summarizePipelineByOwner,
  summarizePipelineByStage,
} from '../../src/pipeline/queries/pipeline.ts';
import { type QueryScope, queryScope } from '../../src/pipeline/queries/scope.ts';
import { measureStageDurations } from '../../src/pipeline/queries/stage-times.ts';
import { listStalledDeals } from '../../src/pipeline/queries/stalled.ts';
import { sumDeals } from '../../src/pipeline/queries/totals.ts';
import { summarizeWeeklyTrend } from '../../src/pipeline/queries/trend.ts';
import { measureWinRate } from '../../src/pipeline/queries/win-rate.ts';
import { DEFAULT_TEMPLATE, findStage, openStages } from '../../src/pipeline/stages.ts';
import { resolvePeriod } from '../../src/understand/periods.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember, makeWorkspace, upd } from '../helpers/fixtures.ts';
import {
  buildPipeline,
  type Fixture,
  FX,
  localDay,
  type ModelDeal,
  modelDeals,
  NOW,
  PEOPLE,
  TODAY,
} from '../helpers/pipeline-fixture.ts';

const DAY = 86_400_000;
const model = modelDeals();
const open = model.filter((d) => d.status === 'open');
const nameOf = (owner: ModelDeal['owner']) => PEOPLE[owner].name;
const prob = (stage: string) => findStage(DEFAULT_TEMPLATE, stage)?.probability ?? 0;
const rate = (c: string) => (c === 'USD' ? 1 : FX[c as keyof typeof FX]);

/** Per-currency sums of some deals' amounts (optionally weighted by stage probability). */
function sums(deals: ModelDeal[], weighted = false): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of deals) {
    if (d.amount === null || !d.currency) continue;
    out[d.currency] = (out[d.currency] ?? 0) + d.amount * (weighted ? prob(d.stage) : 1);
  }
  return out;
}

function expectMoney(total: MoneyTotal, expected: Record<string, number>) {
  const got = Object.fromEntries(total.byCurrency.map((m) => [m.currency, m.amount]));
  expect(Object.keys(got).sort()).toEqual(
    Object.keys(expected)
      .filter((k) => expected[k])
      .sort(),
  );
  for (const [c, v] of Object.entries(expected)) if (v) expect(got[c]).toBeCloseTo(v, 2);
  const codes = Object.keys(expected).filter((k) => expected[k]);
  if (codes.length > 1) {
    const converted = codes.reduce((s, c) => s + expected[c]! * rate(c), 0);
    expect(total.converted?.currency).toBe('USD');
    expect(total.converted?.amount).toBeCloseTo(converted, 1);
  } else {
    expect(total.converted).toBeNull();
  }
}

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  const pos = (v.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

const inRange = (d: Date | null, from: string, to: string) =>
  d !== null && localDay(d) >= from && localDay(d) <= to;

describe.each(DRIVERS)('query library on %s', (driver) => {
  let t: TestDatabase;
  let fx: Fixture;
  let team: QueryScope;
  let other: { workspace: Workspace; rep: Member };

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    fx = await buildPipeline(t.db);
    team = queryScope(fx.workspace, fx.people.maya, NOW);
    // A second workspace with a same-named account: it must never show up in the first.
    const ws = await makeWorkspace(t.db, { currency: 'GBP', timezone: 'Europe/London' });
    const rep = await makeMember(t.db, ws, 'Other Rep', 'manager');
    for (const [account, amount] of [
      ['Acme Corp', 777],
      ['Elsewhere Ltd', 5000],
    ] as const) {
      await applyUpdate(
        t.db,
        { workspace: ws, member: rep, now: new Date(NOW.getTime() - 3 * DAY) },
        upd({ account, stage: 'negotiation', amount, currency: 'GBP', closeDate: '2026-11-27' }),
      );
    }
    other = { workspace: ws, rep };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pipeline by stage: counts, per-currency totals, weighted totals and conversion', async () => {
    const r = await summarizePipelineByStage(t.db, team);
    expect(r.stages.map((s) => s.stage)).toEqual(openStages(DEFAULT_TEMPLATE).map((s) => s.key));
    for (const s of r.stages) {
      const here = open.filter((d) => d.stage === s.stage);
      expect(s.count, s.stage).toBe(here.length);
      expect(s.unpriced).toBe(here.filter((d) => d.amount === null).length);
      expectMoney(s.total, sums(here));
      expectMoney(s.weighted, sums(here, true));
    }
    expect(r.count).toBe(open.length);
    expectMoney(r.total, sums(open));
    expectMoney(r.weighted, sums(open, true));
    // Filtered by owner and by stage.
    const ben = await summarizePipelineByStage(t.db, team, { ownerId: fx.people.ben.id });
    expect(ben.count).toBe(open.filter((d) => d.owner === 'ben').length);
    expectMoney(ben.total, sums(open.filter((d) => d.owner === 'ben')));
    const neg = await summarizePipelineByStage(t.db, team, { stage: 'negotiation' });
    expect(neg.stages.map((s) => [s.stage, s.count])).toEqual([
      ['negotiation', open.filter((d) => d.stage === 'negotiation').length],
    ]);
  });

  it('pipeline by owner', async () => {
    const r = await summarizePipelineByOwner(t.db, team);
    const owners = [...new Set(open.map((d) => d.owner))];
    expect(r.owners.map((o) => o.owner).sort()).toEqual(owners.map(nameOf).sort());
    for (const o of r.owners) {
      const key = owners.find((k) => nameOf(k) === o.owner)!;
      const mine = open.filter((d) => d.owner === key);
      expect(o.count).toBe(mine.length);
      expectMoney(o.total, sums(mine));
      expectMoney(o.weighted, sums(mine, true));
    }
    // Most deals first.
    const counts = r.owners.map((o) => o.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('open deals in a stage, biggest first by converted amount, with totals of the whole set', async () => {
    const r = await listOpenDeals(t.db, team, { stage: 'negotiation' });
    const neg = open.filter((d) => d.stage === 'negotiation');
    const expected = [...neg].sort(
      (a, b) => b.amount! * rate(b.currency!) - a.amount! * rate(a.currency!),
    );
    expect(r.items.map((i) => i.account)).toEqual(expected.map((d) => d.account));
    expect(r.count).toBe(neg.length);
    expectMoney(r.total, sums(neg));
    const top2 = await listOpenDeals(t.db, team, { sort: 'amount', limit: 2 });
    const all = [...open]
      .filter((d) => d.amount !== null)
      .sort((a, b) => b.amount! * rate(b.currency!) - a.amount! * rate(a.currency!));
    expect(top2.items.map((i) => i.account)).toEqual(all.slice(0, 2).map((d) => d.account));
    expect(top2.count).toBe(open.length);
    expect(top2.unpriced).toBe(open.filter((d) => d.amount === null).length);
  });

  it('totals for a period: won, lost, new and open', async () => {
    const month = resolvePeriod('this_month', TODAY)!;
    const closedIn = (status: string) =>
      model.filter((d) => d.status === status && inRange(d.closedAt, month.from, month.to));
    const won = await sumDeals(t.db, team, { status: 'won', range: month });
    expect(won.count).toBe(closedIn('won').length);
    expectMoney(won.total, sums(closedIn('won')));
    const lost = await sumDeals(t.db, team, { status: 'lost', range: month });
    expect(lost.count).toBe(closedIn('lost').length);
    expectMoney(lost.total, sums(closedIn('lost')));
    const week = resolvePeriod('this_week', TODAY)!;
    const created = model.filter((d) => inRange(d.createdAt, week.from, week.to));
    const fresh = await sumDeals(t.db, team, { status: 'new', range: week });
    expect(fresh.count).toBe(created.length);
    expect(fresh.unpriced).toBe(created.filter((d) => d.amount === null).length);
    const openAll = await sumDeals(t.db, team, { status: 'open' });
    expect(openAll.count).toBe(open.length);
    expectMoney(openAll.total, sums(open));
    expectMoney(openAll.weighted, sums(open, true));
    // The removed deal (999,999) is nowhere.
    expect(JSON.stringify(openAll)).not.toContain('999999');
  });

  it('deals closing in a period, soonest first', async () => {
    const month = resolvePeriod('this_month', TODAY)!;
    const r = await listDealsClosing(t.db, team, { range: month });
    const closing = open
      .filter((d) => d.closeDate && d.closeDate >= month.from && d.closeDate <= month.to)
      .sort((a, b) => a.closeDate!.localeCompare(b.closeDate!));
    expect(r.items.map((i) => [i.account, i.closeDate])).toEqual(
      closing.map((d) => [d.account, d.closeDate]),
    );
    expectMoney(r.total, sums(closing));
    expectMoney(r.weighted, sums(closing, true));
  });

  it('"this month" follows the asker’s timezone', async () => {
    // 20:00 UTC on Nov 30 is still November in New York and already December in Shanghai.
    const instant = new Date('2026-11-30T20:00:00Z');
    const ny = queryScope(fx.workspace, fx.people.maya, instant, 'America/New_York');
    const sh = queryScope(fx.workspace, fx.people.maya, instant, 'Asia/Shanghai');
    const nov = await listDealsClosing(t.db, ny, { range: resolvePeriod('this_month', ny.today)! });
    const dec = await listDealsClosing(t.db, sh, { range: resolvePeriod('this_month', sh.today)! });
    const by = (m: string) =>
      open
        .filter((d) => d.closeDate?.startsWith(m))
        .map((d) => d.account)
        .sort();
    expect(nov.items.map((i) => i.account).sort()).toEqual(by('2026-11'));
    expect(dec.items.map((i) => i.account).sort()).toEqual(by('2026-12'));
    expect(by('2026-12').length).toBeGreaterThan(0);
  });

  it('overdue follow-ups (snoozed and done ones excluded), oldest first', async () => {
    const r = await listOverdueFollowups(t.db, team);
    const expected = model
      .flatMap((d) =>
        d.followups.map((f) => ({
          account: d.account,
          text: f.text,
          due: f.status === 'snoozed' ? f.snoozedUntil! : f.due,
          status: f.status,
        })),
      )
      .filter((f) => f.status !== 'done' && f.due < TODAY)
      .sort((a, b) => a.due.localeCompare(b.due));
    expect(r.count).toBe(expected.length);
    expect(r.items.map((i) => [i.account, i.text, i.dueDate])).toEqual(
      expected.map((f) => [f.account, f.text, f.due]),
    );
    for (const i of r.items)
      expect(i.daysOverdue).toBe(Math.round((Date.parse(TODAY) - Date.parse(i.dueDate)) / DAY));
    const mine = await listOverdueFollowups(t.db, team, { ownerId: fx.people.ann.id });
    expect(mine.items.every((i) => i.owner === PEOPLE.ann.name)).toBe(true);
  });

  it('stalled deals: no activity beyond the stage’s stale threshold', async () => {
    const r = await listStalledDeals(t.db, team);
    const expected = open
      .filter((d) => {
        const stale = findStage(DEFAULT_TEMPLATE, d.stage)!.staleDays;
        return NOW.getTime() - d.lastActivityAt.getTime() > stale * DAY;
      })
      .sort((a, b) => a.lastActivityAt.getTime() - b.lastActivityAt.getTime());
    expect(r.count).toBe(expected.length);
    expect(r.items.map((i) => i.account)).toEqual(expected.map((d) => d.account));
    for (const [n, i] of r.items.entries())
      expect(i.idleDays).toBe(
        Math.floor((NOW.getTime() - expected[n]!.lastActivityAt.getTime()) / DAY),
      );
    const proposal = await listStalledDeals(t.db, team, { stage: 'proposal' });
    expect(proposal.items.map((i) => i.account)).toEqual(
      expected.filter((d) => d.stage === 'proposal').map((d) => d.account),
    );
  });

  it('one deal’s status with its history newest first', async () => {
    const r = await getDealStatus(t.db, team, { account: 'acme' });
    if (r.found !== 'deals') throw new Error(r.found);
    const acme = model.find((d) => d.account === 'Acme Corp')!;
    const [deal] = r.deals;
    expect(deal).toMatchObject({
      account: 'Acme Corp',
      stage: acme.stage,
      status: 'open',
      amount: acme.amount,
      currency: acme.currency,
      closeDate: acme.closeDate,
      owner: PEOPLE.ann.name,
    });
    expect(deal!.events.map((e) => e.at)).toEqual(
      [...acme.events].reverse().map((e) => e.at.toISOString()),
    );
    expect(deal!.events.map((e) => e.toStage)).toEqual(
      [...acme.events].reverse().map((e) => e.stage),
    );
    const entered = acme.timeline[acme.timeline.length - 1]!.at;
    expect(deal!.daysInStage).toBe(Math.floor((NOW.getTime() - entered.getTime()) / DAY));
    expect(await getDealStatus(t.db, team, { account: 'Nobody Inc' })).toEqual({ found: 'none' });
    expect((await getDealStatus(t.db, team, { account: 'Void Co' })).found).toBe('none');
  });

  it('stage funnel and conversion between consecutive stages', async () => {
    const order = [...openStages(DEFAULT_TEMPLATE).map((s) => s.key), 'closed_won'];
    const furthest = model.map((d) =>
      Math.max(...d.timeline.map((e) => order.indexOf(e.stage)).filter((i) => i >= 0)),
    );
    const reached = order.map((_, i) => furthest.filter((f) => f >= i).length);
    const r = await computeStageFunnel(t.db, team);
    expect(r.stages.map((s) => [s.stage, s.reached])).toEqual(order.map((s, i) => [s, reached[i]]));
    for (const [i, s] of r.stages.entries()) {
      if (i === 0) expect(s.conversion).toBeNull();
      else expect(s.conversion).toBeCloseTo(reached[i]! / reached[i - 1]!, 6);
    }
    expect(r.overall).toBeCloseTo(reached[reached.length - 1]! / reached[0]!, 6);
    // Cyberdyne's undone move to Quote does not count.
    expect(furthest[model.findIndex((d) => d.account === 'Cyberdyne')]).toBe(1);
    // Deals created this month only.
    const month = resolvePeriod('this_month', TODAY)!;
    const cohort = await computeStageFunnel(t.db, team, { range: month });
    expect(cohort.deals).toBe(
      model.filter((d) => inRange(d.createdAt, month.from, month.to)).length,
    );
  });

  it('median and 90th-percentile days in each stage, and the bottleneck', async () => {
    const perStage = new Map<string, number[]>();
    for (const d of model) {
      const perDeal = new Map<string, number>();
      for (let i = 0; i + 1 < d.timeline.length; i++) {
        const stay = (d.timeline[i + 1]!.at.getTime() - d.timeline[i]!.at.getTime()) / DAY;
        const s = d.timeline[i]!.stage;
        perDeal.set(s, (perDeal.get(s) ?? 0) + stay);
      }
      for (const [s, v] of perDeal) perStage.set(s, [...(perStage.get(s) ?? []), v]);
    }
    const r = await measureStageDurations(t.db, team);
    let bottleneck = '';
    let longest = -1;
    for (const s of r.stages) {
      const v = perStage.get(s.stage) ?? [];
      expect(s.deals, s.stage).toBe(v.length);
      if (!v.length) {
        expect(s.medianDays).toBeNull();
        continue;
      }
      const median = percentile(v, 0.5);
      expect(s.medianDays).toBeCloseTo(Math.round(median * 10) / 10, 5);
      expect(s.p90Days).toBeCloseTo(Math.round(percentile(v, 0.9) * 10) / 10, 5);
      if (median > longest) {
        longest = median;
        bottleneck = s.stage;
      }
    }
    expect(r.bottleneck).toBe(bottleneck);
    // Stark went back to Proposal: its two stays in Quote add up to one sample.
    expect(perStage.get('quote')).toContain(15);
  });

  it('win rate, average won size and sales cycle over a period', async () => {
    const quarter = resolvePeriod('this_quarter', TODAY)!;
    const closed = model.filter(
      (d) => d.status !== 'open' && inRange(d.closedAt, quarter.from, quarter.to),
    );
    const won = closed.filter((d) => d.status === 'won');
    const r = await measureWinRate(t.db, team, { range: quarter });
    expect(r.won).toBe(won.length);
    expect(r.lost).toBe(closed.length - won.length);
    expect(r.winRate).toBeCloseTo(won.length / closed.length, 6);
    expectMoney(r.wonTotal, sums(won));
    const avg: Record<string, number> = {};
    for (const c of new Set(won.map((d) => d.currency!))) {
      const these = won.filter((d) => d.currency === c);
      avg[c] = these.reduce((s, d) => s + d.amount!, 0) / these.length;
    }
    const got = Object.fromEntries(r.averageWon.byCurrency.map((m) => [m.currency, m.amount]));
    for (const [c, v] of Object.entries(avg)) expect(got[c]).toBeCloseTo(v, 2);
    expect(r.averageWon.converted?.amount).toBeCloseTo(
      won.reduce((s, d) => s + d.amount! * rate(d.currency!), 0) / won.length,
      2,
    );
    const cycles = won.map((d) => (d.closedAt!.getTime() - d.createdAt.getTime()) / DAY);
    expect(r.cycleDays.median).toBeCloseTo(Math.round(percentile(cycles, 0.5) * 10) / 10, 5);
    expect(r.cycleDays.average).toBeCloseTo(
      Math.round((cycles.reduce((a, b) => a + b, 0) / cycles.length) * 10) / 10,
      5,
    );
    const empty = await measureWinRate(t.db, team, { range: resolvePeriod('2020', TODAY)! });
    expect(empty).toMatchObject({ won: 0, lost: 0, winRate: null });
  });

  it('loss reasons ranked, same wording merged regardless of case and spaces', async () => {
    const lost = model.filter((d) => d.status === 'lost');
    const groups = new Map<string, ModelDeal[]>();
    for (const d of lost) {
      const key = d.lostReason?.trim().toLowerCase() ?? '';
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    const r = await rankLossReasons(t.db, team);
    expect(r.lost).toBe(lost.length);
    const expected = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
    expect(r.reasons.map((x) => [x.reason?.toLowerCase() ?? '', x.count])).toEqual(
      expected.map(([k, v]) => [k, v.length]),
    );
    for (const [i, x] of r.reasons.entries()) {
      expect(x.share).toBeCloseTo(expected[i]![1].length / lost.length, 6);
      expectMoney(x.amount, sums(expected[i]![1]));
    }
  });

  it('per-rep activity over a period', async () => {
    const week = resolvePeriod('last_week', TODAY)!;
    const r = await summarizeRepActivity(t.db, team, { range: week });
    for (const key of Object.keys(PEOPLE) as ModelDeal['owner'][]) {
      const mine = model.filter((d) => d.owner === key);
      const events = mine.flatMap((d) =>
        d.events
          .filter((e) => inRange(e.at, week.from, week.to))
          .map((e) => ({ ...e, deal: d.account })),
      );
      const row = r.reps.find((x) => x.member === PEOPLE[key].name);
      const expected = {
        updates: events.length,
        dealsTouched: new Set(events.map((e) => e.deal)).size,
        dealsCreated: events.filter((e) => e.kind === 'create').length,
        stageMoves: events.filter((e) => e.fromStage !== null).length,
        won: mine.filter((d) => d.status === 'won' && inRange(d.closedAt, week.from, week.to))
          .length,
        followupsDone: mine
          .flatMap((d) => d.followups)
          .filter((f) => inRange(f.doneAt, week.from, week.to)).length,
      };
      const hasOpen = mine.some((d) => d.status === 'open');
      if (!hasOpen && Object.values(expected).every((v) => v === 0)) {
        expect(row).toBeUndefined();
        continue;
      }
      expect(row, key).toMatchObject(expected);
    }
    const thisWeek = await summarizeRepActivity(t.db, team, {
      range: resolvePeriod('this_week', TODAY)!,
    });
    expect(thisWeek.reps.find((x) => x.member === PEOPLE.ann.name)?.followupsDone).toBe(1);
  });

  it('weekly trend: created, won and lost per week in the asker’s timezone', async () => {
    const r = await summarizeWeeklyTrend(t.db, team, { weeks: 10 });
    expect(r.weeks).toHaveLength(10);
    expect(r.weeks[9]!.weekStart).toBe('2026-11-23');
    for (const w of r.weeks) {
      const end = addDays(w.weekStart, 6);
      expect(w.created, w.weekStart).toBe(
        model.filter((d) => inRange(d.createdAt, w.weekStart, end)).length,
      );
      const won = model.filter((d) => d.status === 'won' && inRange(d.closedAt, w.weekStart, end));
      expect(w.won).toBe(won.length);
      expect(w.lost).toBe(
        model.filter((d) => d.status === 'lost' && inRange(d.closedAt, w.weekStart, end)).length,
      );
      expectMoney(w.wonAmount, sums(won));
    }
  });

  it('under visibility own a rep sees only their deals and may not ask for a teammate’s', async () => {
    const own = { ...fx.workspace, visibility: 'own' as const };
    const ann = queryScope(own, fx.people.ann, NOW);
    const mine = open.filter((d) => d.owner === 'ann');
    const r = await summarizePipelineByStage(t.db, ann);
    expect(r.count).toBe(mine.length);
    expectMoney(r.total, sums(mine));
    await expect(
      summarizePipelineByStage(t.db, ann, { ownerId: fx.people.ben.id }),
    ).rejects.toThrow(ForbiddenError);
    const byOwner = await summarizePipelineByOwner(t.db, ann);
    expect(byOwner.owners.map((o) => o.owner)).toEqual([PEOPLE.ann.name]);
    expect((await getDealStatus(t.db, ann, { account: 'Globex' })).found).toBe('none');
    expect(
      (await listOverdueFollowups(t.db, ann)).items.every((i) => i.owner === PEOPLE.ann.name),
    ).toBe(true);
    const stalled = await listStalledDeals(t.db, ann);
    expect(stalled.items.every((i) => i.owner === PEOPLE.ann.name)).toBe(true);
    // A manager still sees the team under `own`.
    const maya = queryScope(own, fx.people.maya, NOW);
    expect((await summarizePipelineByStage(t.db, maya)).count).toBe(open.length);
  });

  it('two workspaces never see each other’s figures', async () => {
    const theirs = queryScope(other.workspace, other.rep, NOW);
    const r = await summarizePipelineByStage(t.db, theirs);
    expect(r.count).toBe(2);
    expectMoney(r.total, { GBP: 5777 });
    const acme = await getDealStatus(t.db, theirs, { account: 'Acme Corp' });
    if (acme.found !== 'deals') throw new Error(acme.found);
    expect(acme.deals.map((d) => d.amount)).toEqual([777]);
    const ours = await getDealStatus(t.db, team, { account: 'Acme Corp' });
    if (ours.found !== 'deals') throw new Error(ours.found);
    expect(ours.deals.map((d) => d.amount)).toEqual([60000]);
    const all = await summarizePipelineByStage(t.db, team);
    expect(all.total.byCurrency.map((m) => m.currency)).not.toContain('GBP');
    expect((await computeStageFunnel(t.db, theirs)).deals).toBe(2);
  });
});

describe('money totals', () => {
  const scope = {
    currency: 'USD',
    fxRates: { EUR: 1.1 },
  } as unknown as QueryScope;

  it('never adds currencies without a rate for each', () => {
    const t = moneyTotal(
      scope,
      new Map([
        ['USD', 100],
        ['GBP', 50],
      ]),
    );
    expect(t.byCurrency).toEqual([
      { currency: 'USD', amount: 100 },
      { currency: 'GBP', amount: 50 },
    ]);
    expect(t.converted).toBeNull();
  });

  it('converts with the configured rates and says which', () => {
    const t = moneyTotal(
      scope,
      new Map([
        ['USD', 100],
        ['EUR', 50],
      ]),
    );
    expect(t.converted).toEqual({ currency: 'USD', amount: 155, rates: { EUR: 1.1 } });
  });

  it('leaves a single currency alone', () => {
    expect(moneyTotal(scope, new Map([['EUR', 50]])).converted).toBeNull();
  });
});

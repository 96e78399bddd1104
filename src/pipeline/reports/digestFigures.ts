/**
 * The digest's figures, computed in code from the rows of `digestData.ts`:
 * net changes per deal over the period, the pipeline per stage and currency
 * (weighted by stage probability; currencies are summed together only with
 * the workspace's exchange rates), deals closing soon, deals at risk, activity
 * per rep and, on Mondays, the week's stage conversion and wins.
 */
import type { Workspace } from '../../db/schema.ts';
import { addDays, isoWeekdayOf } from '../../lib/time.ts';
import { findStage, openStages, type StageTemplate } from '../stages.ts';
import { templateOf } from '../workspaces.ts';
import { CLOSING_DAYS, type DealRow, type DigestRows, type EventRow } from './digestData.ts';

/** Amounts per currency code. */
export type Money = Record<string, number>;

export interface DealRef {
  dealId: string;
  account: string;
  owner: string;
  stage: string;
  amount: number | null;
  currency: string | null;
}

export interface PipelineSummary {
  stages: { stage: string; count: number; totals: Money; weighted: Money }[];
  count: number;
  totals: Money;
  weighted: Money;
  /** Everything in the workspace currency — only when every currency has a rate. */
  converted: { currency: string; total: number; weighted: number; rates: Money } | null;
  /** Currencies without a rate when several are present (so totals stay apart). */
  missingRates: string[];
}

export interface RiskItem extends DealRef {
  closePassed: string | null;
  overdueSince: string | null;
  /** Days without activity, when past the stage's threshold. */
  staleDays: number | null;
}

export interface RepActivity {
  memberId: string;
  name: string;
  updates: number;
  deals: number;
  created: number;
  won: number;
  lost: number;
}

export interface WeekSummary {
  conversion: { stage: string; advanced: number; lost: number; back: number; total: number }[];
  wins: DealRef[];
  winTotals: Money;
}

export interface DigestFigures {
  changes: {
    won: DealRef[];
    lost: (DealRef & { reason: string | null })[];
    created: DealRef[];
    moved: (DealRef & { from: string; to: string })[];
    amounts: (DealRef & { before: number | null; beforeCurrency: string | null })[];
  };
  pipeline: PipelineSummary;
  closing: (DealRef & { closeDate: string })[];
  atRisk: RiskItem[];
  activity: RepActivity[];
  week: WeekSummary | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const DAY_MS = 86_400_000;

const ref = (d: DealRow): DealRef => ({
  dealId: d.id,
  account: d.account,
  owner: d.owner,
  stage: d.stage,
  amount: d.amount,
  currency: d.currency,
});

function add(m: Money, currency: string | null, amount: number | null): void {
  if (!currency || amount === null) return;
  m[currency] = round2((m[currency] ?? 0) + amount);
}

/** Sort key across currencies: converted when a rate is known, else the bare amount. */
export function inBase(ws: Pick<Workspace, 'currency' | 'settings'>, r: DealRef): number {
  if (r.amount === null) return 0;
  const rate = r.currency === ws.currency ? 1 : (ws.settings.fxRates?.[r.currency ?? ''] ?? 1);
  return r.amount * rate;
}

export function digestFigures(
  ws: Workspace,
  rows: DigestRows,
  range: { from: Date; until: Date; today: string; now: Date },
): DigestFigures {
  const template = templateOf(ws);
  const inPeriod = rows.events.filter((e) => e.createdAt >= range.from);
  const byAmount = (a: DealRef, b: DealRef) =>
    inBase(ws, b) - inBase(ws, a) || a.account.localeCompare(b.account);
  const changes = netChanges(inPeriod);
  for (const list of Object.values(changes)) list.sort(byAmount);
  const weekly = isoWeekdayOf(range.today) === 1;
  return {
    changes,
    pipeline: pipelineSummary(ws, template, rows.pipeline),
    closing: rows.watch
      .filter(
        (d) =>
          d.closeDate !== null &&
          d.closeDate >= range.today &&
          d.closeDate <= addDays(range.today, CLOSING_DAYS),
      )
      .map((d) => ({ ...ref(d), closeDate: d.closeDate as string }))
      .sort((a, b) => a.closeDate.localeCompare(b.closeDate) || byAmount(a, b)),
    atRisk: atRisk(rows, template, range).sort(
      (a, b) => severity(b) - severity(a) || byAmount(a, b),
    ),
    activity: repActivity(inPeriod),
    week: weekly ? weekSummary(ws, template, rows.events, range.until) : null,
  };
}

function netChanges(events: EventRow[]): DigestFigures['changes'] {
  const out: DigestFigures['changes'] = { won: [], lost: [], created: [], moved: [], amounts: [] };
  const byDeal = new Map<string, EventRow[]>();
  for (const e of events) byDeal.set(e.dealId, [...(byDeal.get(e.dealId) ?? []), e]);
  for (const evs of byDeal.values()) {
    const deal = (evs[0] as EventRow).deal;
    if (deal.status === 'void') continue;
    const first = (field: string) => evs.find((e) => e.diff[field])?.diff[field];
    const last = (field: string) => evs.findLast((e) => e.diff[field])?.diff[field];
    const created = evs.some((e) => e.kind === 'create');
    const statusBefore = created ? null : (first('status')?.before ?? deal.status);
    const r = ref(deal);
    if (deal.status === 'won' && statusBefore !== 'won') out.won.push(r);
    else if (deal.status === 'lost' && statusBefore !== 'lost')
      out.lost.push({ ...r, reason: deal.lostReason });
    else if (created) out.created.push(r);
    else {
      const from = first('stage')?.before;
      const to = last('stage')?.after;
      if (typeof from === 'string' && typeof to === 'string' && from !== to)
        out.moved.push({ ...r, from, to });
    }
    if (!created) {
      const before = first('amount');
      const after = last('amount');
      const beforeCurrency =
        (first('currency')?.before as string | null | undefined) ?? deal.currency;
      const beforeAmount = before ? (before.before as number | null) : null;
      const changed =
        before && after && (beforeAmount !== deal.amount || beforeCurrency !== deal.currency);
      if (changed) out.amounts.push({ ...r, before: beforeAmount, beforeCurrency });
    }
  }
  return out;
}

function pipelineSummary(
  ws: Workspace,
  template: StageTemplate,
  rows: DigestRows['pipeline'],
): PipelineSummary {
  const stages = new Map<string, { count: number; totals: Money; weighted: Money }>();
  const totals: Money = {};
  const weighted: Money = {};
  let count = 0;
  for (const r of rows) {
    const p = findStage(template, r.stage)?.probability ?? 0;
    const s = stages.get(r.stage) ?? { count: 0, totals: {}, weighted: {} };
    s.count += r.count;
    count += r.count;
    if (r.currency && r.total) {
      add(s.totals, r.currency, r.total);
      add(s.weighted, r.currency, r.total * p);
      add(totals, r.currency, r.total);
      add(weighted, r.currency, r.total * p);
    }
    stages.set(r.stage, s);
  }
  const order = [...openStages(template).map((s) => s.key)];
  for (const key of stages.keys()) if (!order.includes(key)) order.push(key);
  const currencies = Object.keys(totals);
  const rates: Money = {};
  const missing: string[] = [];
  for (const c of currencies) {
    const rate = c === ws.currency ? 1 : ws.settings.fxRates?.[c];
    if (typeof rate === 'number' && rate > 0) {
      if (c !== ws.currency) rates[c] = rate;
    } else missing.push(c);
  }
  const several = currencies.length > 1;
  const convert = (m: Money) =>
    round2(
      Object.entries(m).reduce(
        (sum, [c, v]) => sum + v * (c === ws.currency ? 1 : (rates[c] ?? 0)),
        0,
      ),
    );
  return {
    stages: order.flatMap((stage) => {
      const s = stages.get(stage);
      return s ? [{ stage, ...s }] : [];
    }),
    count,
    totals,
    weighted,
    converted:
      several && missing.length === 0
        ? { currency: ws.currency, total: convert(totals), weighted: convert(weighted), rates }
        : null,
    missingRates: several ? missing.sort() : [],
  };
}

function atRisk(
  rows: DigestRows,
  template: StageTemplate,
  range: { today: string; now: Date },
): RiskItem[] {
  const out: RiskItem[] = [];
  for (const d of rows.watch) {
    const threshold = findStage(template, d.stage)?.staleDays ?? 0;
    const idleMs = range.now.getTime() - d.lastActivityAt.getTime();
    const item: RiskItem = {
      ...ref(d),
      closePassed: d.closeDate && d.closeDate < range.today ? d.closeDate : null,
      overdueSince: d.overdueSince,
      staleDays: threshold > 0 && idleMs > threshold * DAY_MS ? Math.floor(idleMs / DAY_MS) : null,
    };
    if (item.closePassed || item.overdueSince || item.staleDays !== null) out.push(item);
  }
  return out;
}

const severity = (r: RiskItem) =>
  (r.closePassed ? 4 : 0) + (r.overdueSince ? 2 : 0) + (r.staleDays !== null ? 1 : 0);

function repActivity(events: EventRow[]): RepActivity[] {
  const reps = new Map<string, RepActivity & { dealIds: Set<string> }>();
  for (const e of events) {
    if (!e.actorId || e.kind === 'undo') continue;
    const r = reps.get(e.actorId) ?? {
      memberId: e.actorId,
      name: e.actorName ?? '',
      updates: 0,
      deals: 0,
      created: 0,
      won: 0,
      lost: 0,
      dealIds: new Set<string>(),
    };
    r.updates++;
    r.dealIds.add(e.dealId);
    if (e.kind === 'create') r.created++;
    if (e.diff.status?.after === 'won') r.won++;
    if (e.diff.status?.after === 'lost') r.lost++;
    reps.set(e.actorId, r);
  }
  return [...reps.values()]
    .map(({ dealIds, ...r }) => ({ ...r, deals: dealIds.size }))
    .sort((a, b) => b.updates - a.updates || a.name.localeCompare(b.name));
}

/**
 * The week before `until`: per stage, how many moves out of it went forward
 * (a later stage or won), were lost, or went back; and the deals won. Undo
 * events, and the events they reverted, do not count.
 */
function weekSummary(
  ws: Workspace,
  template: StageTemplate,
  events: EventRow[],
  until: Date,
): WeekSummary {
  const from = new Date(until.getTime() - 7 * DAY_MS);
  const reverted = new Set(events.flatMap((e) => (e.revertsEventId ? [e.revertsEventId] : [])));
  const week = events.filter(
    (e) => e.createdAt >= from && e.kind !== 'undo' && !reverted.has(e.id),
  );
  const order = openStages(template).map((s) => s.key);
  const stats = new Map<string, { advanced: number; lost: number; back: number }>();
  const wins = new Map<string, DealRef>();
  for (const e of week) {
    if (e.toStage && findStage(template, e.toStage)?.phase === 'won' && e.deal.status === 'won')
      wins.set(e.dealId, ref(e.deal));
    if (!e.fromStage || !e.toStage || !order.includes(e.fromStage)) continue;
    const to = findStage(template, e.toStage);
    const s = stats.get(e.fromStage) ?? { advanced: 0, lost: 0, back: 0 };
    if (to?.phase === 'lost') s.lost++;
    else if (to?.phase === 'won' || order.indexOf(e.toStage) > order.indexOf(e.fromStage))
      s.advanced++;
    else s.back++;
    stats.set(e.fromStage, s);
  }
  const winList = [...wins.values()].sort((a, b) => inBase(ws, b) - inBase(ws, a));
  const winTotals: Money = {};
  for (const w of winList) add(winTotals, w.currency, w.amount);
  return {
    conversion: order.flatMap((stage) => {
      const s = stats.get(stage);
      return s ? [{ stage, ...s, total: s.advanced + s.lost + s.back }] : [];
    }),
    wins: winList,
    winTotals,
  };
}

/**
 * The data a chart needs, built from query results, and the hook through
 * which a renderer turns it into a PNG. Rendering lives outside the assistant
 * (src/charts, wired in by src/app.ts); without a renderer answers carry no image.
 */
import { type MoneyTotal, rateOf } from '../../pipeline/queries/money.ts';
import { queryScope } from '../../pipeline/queries/scope.ts';
import type { Execution } from '../../understand/questions/execute.ts';
import type { Session } from '../context.ts';
import { shortDate, stageName } from './wording.ts';

export interface FunnelChartData {
  title: string;
  stages: { key: string; label: string; reached: number; conversion: number | null }[];
}

/** Long format: one row per stage and currency (one currency when the amounts were converted). */
export interface PipelineChartData {
  title: string;
  /** Set when every amount was converted into this currency with the workspace's rates. */
  convertedTo: string | null;
  currencies: string[];
  stages: { key: string; label: string; count: number }[];
  amounts: { key: string; label: string; currency: string; total: number; weighted: number }[];
}

export interface TrendChartData {
  title: string;
  weeks: {
    weekStart: string;
    label: string;
    created: number;
    won: number;
    lost: number;
    /** Amount won per currency. */
    wonAmount: { currency: string; amount: number }[];
  }[];
}

export type ChartSpec =
  | { kind: 'funnel'; locale: Session['locale']; data: FunnelChartData }
  | { kind: 'pipeline'; locale: Session['locale']; data: PipelineChartData }
  | { kind: 'trend'; locale: Session['locale']; data: TrendChartData };

/** Renders a chart to PNG bytes. */
export type ChartRenderer = (spec: ChartSpec) => Promise<Uint8Array>;

/** The amounts of a total in one unit: converted when every currency has a rate, else per currency. */
function unitAmounts(
  total: MoneyTotal,
  convertTo: { currency: string; rate: (code: string) => number | null } | null,
): { currency: string; amount: number }[] {
  if (!convertTo) return total.byCurrency;
  let sum = 0;
  for (const m of total.byCurrency) sum += m.amount * (convertTo.rate(m.currency) ?? 0);
  return [{ currency: convertTo.currency, amount: Math.round(sum * 100) / 100 }];
}

/** The chart that illustrates an answer, when there is one. */
export function chartFor(session: Session, exec: Execution, title: string): ChartSpec | null {
  if (!exec.ok) return null;
  const locale = session.locale;
  const r = exec.result;
  switch (r.name) {
    case 'computeStageFunnel':
      if (r.data.deals === 0) return null;
      return {
        kind: 'funnel',
        locale,
        data: {
          title,
          stages: r.data.stages.map((s) => ({
            key: s.stage,
            label: stageName(session, s.stage),
            reached: s.reached,
            conversion: s.conversion,
          })),
        },
      };
    case 'summarizePipelineByStage': {
      const d = r.data;
      if (d.count === 0) return null;
      const scope = queryScope(session.workspace, session.member, session.now);
      const base = scope.currency;
      const rate = (code: string) => rateOf(scope, code);
      const currencies = d.total.byCurrency.map((m) => m.currency);
      const convertible =
        currencies.length > 1 && currencies.every((c) => rate(c) !== null)
          ? { currency: base, rate }
          : null;
      const amounts: PipelineChartData['amounts'] = [];
      for (const s of d.stages) {
        const label = stageName(session, s.stage);
        const totals = unitAmounts(s.total, convertible);
        const weighted = unitAmounts(s.weighted, convertible);
        for (const t of totals)
          amounts.push({
            key: s.stage,
            label,
            currency: t.currency,
            total: t.amount,
            weighted: weighted.find((w) => w.currency === t.currency)?.amount ?? 0,
          });
      }
      return {
        kind: 'pipeline',
        locale,
        data: {
          title,
          convertedTo: convertible ? base : null,
          currencies: convertible ? [base] : currencies,
          stages: d.stages.map((s) => ({
            key: s.stage,
            label: stageName(session, s.stage),
            count: s.count,
          })),
          amounts,
        },
      };
    }
    case 'summarizeWeeklyTrend':
      return {
        kind: 'trend',
        locale,
        data: {
          title,
          weeks: r.data.weeks.map((w) => ({
            weekStart: w.weekStart,
            label: shortDate(session, w.weekStart),
            created: w.created,
            won: w.won,
            lost: w.lost,
            wonAmount: w.wonAmount.byCurrency,
          })),
        },
      };
    default:
      return null;
  }
}

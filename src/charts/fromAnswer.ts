/**
 * Turning an answer's chart data into a PNG with the chart library. The
 * pipeline and trend charts draw one currency: the converted one when the
 * workspace has rates for all, else the largest, and the title says which.
 */
import type { ChartSpec } from '../assistant/answers/charts.ts';

/**
 * The chart library is loaded on first use: vega-lite changes globals in a way
 * that breaks discord.js when it loads first, and most processes never draw.
 */
let library: Promise<typeof import('./index.ts')> | undefined;
const charts = () => {
  library ??= import('./index.ts');
  return library;
};

function largest(totals: Map<string, number>): string | null {
  let best: string | null = null;
  let bestValue = -1;
  for (const [currency, value] of totals) {
    if (value > bestValue) {
      best = currency;
      bestValue = value;
    }
  }
  return best;
}

function onlyNote(locale: string, currency: string, others: number): string {
  if (others === 0) return '';
  return locale === 'zh-CN' ? `(仅 ${currency})` : ` (${currency} only)`;
}

export async function renderChartSpec(spec: ChartSpec): Promise<Uint8Array> {
  const { renderFunnelChart, renderPipelineChart, renderTrendChart } = await charts();
  switch (spec.kind) {
    case 'funnel':
      return renderFunnelChart({
        title: spec.data.title,
        locale: spec.locale,
        stages: spec.data.stages.map((s) => ({
          label: s.label,
          count: s.reached,
          conversion: s.conversion,
        })),
      });
    case 'pipeline': {
      const d = spec.data;
      const sums = new Map<string, number>();
      for (const a of d.amounts) sums.set(a.currency, (sums.get(a.currency) ?? 0) + a.total);
      const currency = d.convertedTo ?? largest(sums) ?? d.currencies[0] ?? 'USD';
      return renderPipelineChart({
        title: `${d.title}${onlyNote(spec.locale, currency, d.convertedTo ? 0 : sums.size - 1)}`,
        locale: spec.locale,
        currency,
        stages: d.stages.map((s) => {
          const a = d.amounts.find((x) => x.key === s.key && x.currency === currency);
          return {
            label: s.label,
            count: s.count,
            total: a?.total ?? 0,
            weighted: a?.weighted ?? 0,
          };
        }),
      });
    }
    case 'trend': {
      const d = spec.data;
      const sums = new Map<string, number>();
      for (const w of d.weeks)
        for (const a of w.wonAmount) sums.set(a.currency, (sums.get(a.currency) ?? 0) + a.amount);
      const currency = largest(sums) ?? 'USD';
      return renderTrendChart({
        title: `${d.title}${onlyNote(spec.locale, currency, Math.max(0, sums.size - 1))}`,
        locale: spec.locale,
        currency,
        weeks: d.weeks.map((w) => ({
          weekStart: w.weekStart,
          created: w.created,
          won: w.won,
          wonAmount: w.wonAmount.find((a) => a.currency === currency)?.amount ?? 0,
        })),
      });
    }
  }
}

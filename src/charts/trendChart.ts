/**
 * Weekly trend: pale bars for the amount won each week (money axis on the
 * right) under lines for deals created and deals won (count axis on the
 * left), one legend for all three.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Locale } from '../pipeline/stages.ts';
import { formatWeekStart } from './format.ts';
import { parseChartInput, type TrendChartInput, TrendChartInputSchema } from './inputs.ts';
import { renderSpecToPng, rowLabelExpr } from './render.ts';
import { fitText } from './text.ts';
import {
  baseConfig,
  CHART_PADDING,
  CHART_WIDTH,
  COLORS,
  MAX_TITLE_WIDTH,
  TITLE_FONT_SIZE,
} from './theme.ts';
import { FORMAT_TYPES, type MoneyFormatOptions, vegaLiteToSvg } from './vegaSvg.ts';

const HEIGHT = 440;
/** Past this many weeks the line alone reads better than a dot per week. */
const MAX_WEEKS_WITH_POINTS = 26;
/** At most this many week labels on the axis; the rest are skipped evenly. */
const MAX_WEEK_LABELS = 12;

const TEXT: Record<Locale, { created: string; won: string; wonAmount: string; deals: string }> = {
  en: { created: 'Deals created', won: 'Deals won', wonAmount: 'Amount won', deals: 'Deals' },
  'zh-CN': { created: '新增商机', won: '成交商机', wonAmount: '成交金额', deals: '商机数' },
};

/** Whole-number ticks 0, step, 2·step… covering `max`, with about five steps of 1, 2 or 5 × 10ⁿ. */
export function countTicks(max: number): number[] {
  const raw = Math.max(1, max / 5);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/** Size in CSS pixels; the PNG is twice this. */
export function trendChartSize(): { width: number; height: number } {
  return { width: CHART_WIDTH, height: HEIGHT };
}

export function buildTrendSpec(input: TrendChartInput): TopLevelSpec {
  const { locale, currency, weeks } = input;
  const text = TEXT[locale];
  const money: MoneyFormatOptions = { currency, locale };
  const labels = weeks.map((w) => formatWeekStart(Date.parse(w.weekStart), locale));
  const stride = Math.ceil(weeks.length / MAX_WEEK_LABELS);
  const shownWeeks = weeks.map((_, row) => row).filter((row) => row % stride === 0);
  const amounts = weeks.map((w, row) => ({ row, wonAmount: w.wonAmount }));
  const counts = weeks.flatMap((w, row) => [
    { row, series: text.created, value: w.created },
    { row, series: text.won, value: w.won },
  ]);
  // Floors keep all-zero weeks readable (a zero line at the bottom) instead of
  // a degenerate [0, 0] domain.
  const ticks = countTicks(Math.max(...weeks.map((w) => Math.max(w.created, w.won))));
  const maxAmount = Math.max(...weeks.map((w) => w.wonAmount)) || 1000;
  const color = {
    type: 'nominal',
    scale: {
      domain: [text.created, text.won, text.wonAmount],
      range: [COLORS.blue, COLORS.green, COLORS.greenLight],
    },
  } as const;

  return {
    ...trendChartSize(),
    autosize: { type: 'fit', contains: 'padding' },
    padding: CHART_PADDING,
    config: baseConfig,
    title: { text: fitText(input.title, MAX_TITLE_WIDTH, TITLE_FONT_SIZE, 'bold') },
    encoding: {
      x: {
        field: 'row',
        type: 'ordinal',
        sort: 'ascending',
        scale: { paddingInner: 0.35, paddingOuter: 0.2 },
        axis: {
          title: null,
          labelExpr: rowLabelExpr(labels),
          labelAngle: 0,
          values: shownWeeks,
          // Safety net for long localised dates; bounds use the real glyph widths.
          labelOverlap: 'greedy',
          domainColor: COLORS.axis,
          ticks: false,
        },
      },
    },
    layer: [
      {
        data: { values: amounts },
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          y: {
            field: 'wonAmount',
            type: 'quantitative',
            scale: { domain: [0, maxAmount], nice: true },
            axis: {
              orient: 'right',
              title: text.wonAmount,
              formatType: FORMAT_TYPES.money,
              format: money,
              tickCount: 5,
              grid: false,
              domain: false,
              ticks: false,
            },
          },
          color: { ...color, datum: text.wonAmount },
        },
      },
      {
        data: { values: counts },
        mark: {
          type: 'line',
          strokeWidth: 2.5,
          point: weeks.length <= MAX_WEEKS_WITH_POINTS ? { size: 36, filled: true } : false,
        },
        encoding: {
          x: { field: 'row', type: 'ordinal', bandPosition: 0.5 },
          y: {
            field: 'value',
            type: 'quantitative',
            scale: { domain: [0, ticks.at(-1)!], nice: false },
            axis: {
              title: text.deals,
              values: ticks,
              format: ',d',
              grid: true,
              domain: false,
              ticks: false,
            },
          },
          color: { ...color, field: 'series' },
        },
      },
    ],
    resolve: { scale: { y: 'independent' }, axis: { y: 'independent' } },
  };
}

/** The trend chart as an SVG document (what {@link renderTrendChart} rasterises). */
export async function trendChartSvg(input: TrendChartInput): Promise<string> {
  return vegaLiteToSvg(buildTrendSpec(parseChartInput(TrendChartInputSchema, input, 'trend')));
}

/** The trend chart as PNG bytes, {@link CHART_WIDTH} CSS px wide at 2x. */
export async function renderTrendChart(input: TrendChartInput): Promise<Buffer> {
  return renderSpecToPng(buildTrendSpec(parseChartInput(TrendChartInputSchema, input, 'trend')));
}

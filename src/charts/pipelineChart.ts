/**
 * Pipeline value: per stage, a wide pale bar for the total amount with a
 * narrow dark bar for the probability-weighted amount laid over it, the total
 * and deal count at the bar's end, and a compact money axis.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Locale } from '../pipeline/stages.ts';
import { formatCount, formatMoneyCompact } from './format.ts';
import { type PipelineChartInput, PipelineChartInputSchema, parseChartInput } from './inputs.ts';
import { renderSpecToPng, rowLabelExpr } from './render.ts';
import { fitText } from './text.ts';
import {
  baseConfig,
  CHART_PADDING,
  CHART_WIDTH,
  COLORS,
  LABEL_FONT_SIZE,
  MAX_LABEL_WIDTH,
  MAX_TITLE_WIDTH,
  STAGE_LABEL_FONT_SIZE,
  TITLE_FONT_SIZE,
} from './theme.ts';
import { FORMAT_TYPES, type MoneyFormatOptions, vegaLiteToSvg } from './vegaSvg.ts';

const ROW_HEIGHT = 44;
/** Title, legend and money axis. */
const CHROME_HEIGHT = 120;
/** Headroom right of the largest bar for its label. */
const LABEL_HEADROOM = 1.3;

const TEXT: Record<Locale, { total: string; weighted: string; deals: (n: string) => string }> = {
  en: { total: 'Total', weighted: 'Weighted', deals: (n) => (n === '1' ? '1 deal' : `${n} deals`) },
  'zh-CN': { total: '总金额', weighted: '加权金额', deals: (n) => `${n} 个商机` },
};

/** Size in CSS pixels; the PNG is twice this. */
export function pipelineChartSize(stageCount: number): { width: number; height: number } {
  return {
    width: CHART_WIDTH,
    height: 2 * CHART_PADDING + CHROME_HEIGHT + stageCount * ROW_HEIGHT,
  };
}

export function buildPipelineSpec(input: PipelineChartInput): TopLevelSpec {
  const { locale, currency, stages } = input;
  const text = TEXT[locale];
  const money: MoneyFormatOptions = { currency, locale };
  const maxTotal = Math.max(1, ...stages.map((s) => Math.max(s.total, s.weighted)));
  const rows = stages.map((s, row) => ({
    row,
    total: s.total,
    weighted: s.weighted,
    note: `${formatMoneyCompact(s.total, currency, locale)} · ${text.deals(formatCount(s.count, locale))}`,
  }));
  const labels = stages.map((s) => fitText(s.label, MAX_LABEL_WIDTH, STAGE_LABEL_FONT_SIZE));
  const x = { type: 'quantitative' as const, scale: { domain: [0, maxTotal * LABEL_HEADROOM] } };
  const seriesColor = {
    type: 'nominal',
    scale: { domain: [text.total, text.weighted], range: [COLORS.blueLight, COLORS.blueDark] },
  } as const;

  return {
    ...pipelineChartSize(stages.length),
    autosize: { type: 'fit', contains: 'padding' },
    padding: CHART_PADDING,
    config: baseConfig,
    title: { text: fitText(input.title, MAX_TITLE_WIDTH, TITLE_FONT_SIZE, 'bold') },
    data: { values: rows },
    encoding: {
      y: {
        field: 'row',
        type: 'ordinal',
        sort: 'ascending',
        scale: { paddingInner: 0.25, paddingOuter: 0.15 },
        axis: {
          title: null,
          labelExpr: rowLabelExpr(labels),
          labelFontSize: STAGE_LABEL_FONT_SIZE,
          labelColor: COLORS.title,
          ticks: false,
          domain: false,
        },
      },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3 },
        encoding: {
          x: {
            ...x,
            field: 'total',
            axis: {
              title: null,
              formatType: FORMAT_TYPES.money,
              format: money,
              tickCount: 5,
              grid: true,
              domain: false,
              ticks: false,
            },
          },
          color: { ...seriesColor, datum: text.total },
        },
      },
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, height: { band: 0.4 } },
        encoding: {
          x: { ...x, field: 'weighted' },
          color: { ...seriesColor, datum: text.weighted },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: LABEL_FONT_SIZE, color: COLORS.text },
        encoding: {
          x: { ...x, field: 'total' },
          text: { field: 'note' },
        },
      },
    ],
  };
}

/** The pipeline chart as an SVG document (what {@link renderPipelineChart} rasterises). */
export async function pipelineChartSvg(input: PipelineChartInput): Promise<string> {
  return vegaLiteToSvg(
    buildPipelineSpec(parseChartInput(PipelineChartInputSchema, input, 'pipeline')),
  );
}

/** The pipeline chart as PNG bytes, {@link CHART_WIDTH} CSS px wide at 2x. */
export async function renderPipelineChart(input: PipelineChartInput): Promise<Buffer> {
  return renderSpecToPng(
    buildPipelineSpec(parseChartInput(PipelineChartInputSchema, input, 'pipeline')),
  );
}

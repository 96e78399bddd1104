/**
 * Funnel: one horizontal bar per stage in pipeline order, the deal count at
 * the end of each bar and the conversion to the next stage in a column on
 * the right.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Locale } from '../pipeline/stages.ts';
import { formatCount, formatPercent } from './format.ts';
import { type FunnelChartInput, FunnelChartInputSchema, parseChartInput } from './inputs.ts';
import { renderSpecToPng, rowLabelExpr } from './render.ts';
import { fitText } from './text.ts';
import {
  baseConfig,
  CHART_PADDING,
  CHART_WIDTH,
  COLORS,
  MAX_LABEL_WIDTH,
  MAX_TITLE_WIDTH,
  STAGE_LABEL_FONT_SIZE,
  TITLE_FONT_SIZE,
} from './theme.ts';
import { vegaLiteToSvg } from './vegaSvg.ts';

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 64;
/** Bars reach at most this share of the plot, leaving room for the two text columns. */
const BAR_SHARE = 0.74;

const SUBTITLE: Record<Locale, string> = {
  en: 'Deals per stage · → conversion to the next stage',
  'zh-CN': '各阶段商机数 · → 转化到下一阶段的比例',
};

/** Size in CSS pixels; the PNG is twice this. */
export function funnelChartSize(stageCount: number): { width: number; height: number } {
  return {
    width: CHART_WIDTH,
    height: 2 * CHART_PADDING + HEADER_HEIGHT + stageCount * ROW_HEIGHT,
  };
}

/** Blues from dark (first stage) to light (last), so the eye reads the funnel top-down. */
function stageColors(n: number): string[] {
  const from = [0x1e, 0x40, 0xaf];
  const to = [0x60, 0xa5, 0xfa];
  return Array.from({ length: n }, (_, i) => {
    const t = n === 1 ? 0 : i / (n - 1);
    const rgb = from.map((c, k) => Math.round(c + (to[k]! - c) * t));
    return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  });
}

export function buildFunnelSpec(input: FunnelChartInput): TopLevelSpec {
  const { locale, stages } = input;
  const maxCount = Math.max(1, ...stages.map((s) => s.count));
  const rows = stages.map((s, row) => ({
    row,
    count: s.count,
    countText: formatCount(s.count, locale),
    conversionText: s.conversion === null ? '' : `→ ${formatPercent(s.conversion, locale)}`,
  }));
  const labels = stages.map((s) => fitText(s.label, MAX_LABEL_WIDTH, STAGE_LABEL_FONT_SIZE));
  const xMax = maxCount / BAR_SHARE;

  return {
    ...funnelChartSize(stages.length),
    autosize: { type: 'fit', contains: 'padding' },
    padding: CHART_PADDING,
    config: baseConfig,
    title: {
      text: fitText(input.title, MAX_TITLE_WIDTH, TITLE_FONT_SIZE, 'bold'),
      subtitle: SUBTITLE[locale],
    },
    data: { values: rows },
    encoding: {
      y: {
        field: 'row',
        type: 'ordinal',
        sort: 'ascending',
        scale: { paddingInner: 0.28, paddingOuter: 0.1 },
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
            field: 'count',
            type: 'quantitative',
            scale: { domain: [0, xMax], nice: false },
            axis: null,
          },
          color: {
            field: 'row',
            type: 'ordinal',
            scale: { range: stageColors(stages.length) },
            legend: null,
          },
        },
      },
      {
        mark: {
          type: 'text',
          align: 'left',
          dx: 6,
          fontWeight: 'bold',
          fontSize: STAGE_LABEL_FONT_SIZE,
          color: COLORS.title,
        },
        encoding: {
          x: { field: 'count', type: 'quantitative' },
          text: { field: 'countText' },
        },
      },
      {
        mark: {
          type: 'text',
          align: 'right',
          fontSize: STAGE_LABEL_FONT_SIZE,
          color: COLORS.green,
          fontWeight: 'bold',
        },
        encoding: {
          x: { datum: xMax, type: 'quantitative' },
          text: { field: 'conversionText' },
        },
      },
    ],
  };
}

/** The funnel as an SVG document (what {@link renderFunnelChart} rasterises). */
export async function funnelChartSvg(input: FunnelChartInput): Promise<string> {
  return vegaLiteToSvg(buildFunnelSpec(parseChartInput(FunnelChartInputSchema, input, 'funnel')));
}

/** The funnel as PNG bytes, {@link CHART_WIDTH} CSS px wide at 2x. */
export async function renderFunnelChart(input: FunnelChartInput): Promise<Buffer> {
  return renderSpecToPng(buildFunnelSpec(parseChartInput(FunnelChartInputSchema, input, 'funnel')));
}

// Proves each chart renders offline to a correctly sized, non-blank PNG in English and Chinese, with Chinese glyphs drawn from the bundled font.

import { Resvg } from '@resvg/resvg-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHART_FONT_FAMILY, chartFontMetrics } from '../../src/charts/font.ts';
import {
  ChartError,
  type FunnelChartInput,
  funnelChartSize,
  funnelChartSvg,
  PIXEL_RATIO,
  type PipelineChartInput,
  pipelineChartSize,
  pipelineChartSvg,
  renderFunnelChart,
  renderPipelineChart,
  renderTrendChart,
  type TrendChartInput,
  trendChartSize,
  trendChartSvg,
} from '../../src/charts/index.ts';
import { rasterOptions, svgToPng } from '../../src/charts/rasterize.ts';
import {
  MAX_LABEL_WIDTH,
  MAX_TITLE_WIDTH,
  STAGE_LABEL_FONT_SIZE,
  TITLE_FONT_SIZE,
} from '../../src/charts/theme.ts';
import { vegaLiteToSvg } from '../../src/charts/vegaSvg.ts';
import { decodePng, inkStats, PNG_SIGNATURE, readPngHeader } from './png.ts';

const STAGES = [
  ['Prospecting', '潜在客户识别'],
  ['Needs analysis', '需求分析'],
  ['Proposal', '方案制定'],
  ['Quote', '报价'],
  ['Negotiation', '谈判'],
  ['Closed won', '成交'],
  ['Closed lost', '丢单'],
  ['On hold', '搁置'],
] as const;

type Locale = 'en' | 'zh-CN';
const LOCALES: Locale[] = ['en', 'zh-CN'];
const label = (names: (typeof STAGES)[number], locale: Locale) =>
  locale === 'en' ? names[0] : names[1];

function funnelInput(locale: Locale): FunnelChartInput {
  return {
    title: locale === 'en' ? 'Sales funnel' : '销售漏斗',
    locale,
    stages: STAGES.slice(0, 6).map((names, i) => ({
      label: label(names, locale),
      count: 120 - i * 20,
      conversion: i < 5 ? 0.8 - i * 0.1 : null,
    })),
  };
}

function pipelineInput(locale: Locale): PipelineChartInput {
  return {
    title: locale === 'en' ? 'Pipeline by stage' : '各阶段销售管道',
    locale,
    currency: locale === 'en' ? 'USD' : 'CNY',
    stages: STAGES.map((names, i) => ({
      label: label(names, locale),
      count: 30 - i * 3,
      total: 4_000_000 - i * 400_000,
      weighted: (4_000_000 - i * 400_000) * (0.1 + i * 0.1),
    })),
  };
}

function trendInput(locale: Locale): TrendChartInput {
  return {
    title: locale === 'en' ? 'Weekly trend' : '每周趋势',
    locale,
    currency: locale === 'en' ? 'USD' : 'CNY',
    weeks: Array.from({ length: 10 }, (_, i) => ({
      weekStart: new Date(Date.UTC(2026, 9, 5 + 7 * i)).toISOString().slice(0, 10),
      created: 10 + ((i * 7) % 11),
      won: 1 + ((i * 3) % 5),
      wonAmount: 50_000 + ((i * 130_000) % 600_000),
    })),
  };
}

const CHARTS = [
  {
    name: 'funnel',
    render: (l: Locale) => renderFunnelChart(funnelInput(l)),
    svg: (l: Locale) => funnelChartSvg(funnelInput(l)),
    size: () => funnelChartSize(6),
    labels: (l: Locale) => funnelInput(l).stages.map((s) => s.label),
    bars: 6,
  },
  {
    name: 'pipeline',
    render: (l: Locale) => renderPipelineChart(pipelineInput(l)),
    svg: (l: Locale) => pipelineChartSvg(pipelineInput(l)),
    size: () => pipelineChartSize(8),
    labels: (l: Locale) => pipelineInput(l).stages.map((s) => s.label),
    bars: 16, // total and weighted per stage
  },
  {
    name: 'trend',
    render: (l: Locale) => renderTrendChart(trendInput(l)),
    svg: (l: Locale) => trendChartSvg(trendInput(l)),
    size: () => trendChartSize(),
    labels: (l: Locale) => [l === 'en' ? 'Deals created' : '新增商机'],
    bars: 10,
  },
] as const;

/** Text content of every `<text>` element in a Vega SVG. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('chart rendering', () => {
  for (const chart of CHARTS) {
    for (const locale of LOCALES) {
      it(`renders the ${chart.name} chart in ${locale} as a ${PIXEL_RATIO}x PNG with content`, async () => {
        const png = await chart.render(locale);

        expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        const { width, height } = readPngHeader(png);
        const size = chart.size();
        expect({ width, height }).toEqual({
          width: size.width * PIXEL_RATIO,
          height: size.height * PIXEL_RATIO,
        });

        const { rgba } = decodePng(png);
        const { ink, colours } = inkStats(rgba);
        // Bars, lines and text cover a good share of the image, in many shades.
        expect(ink / (width * height)).toBeGreaterThan(0.05);
        expect(colours).toBeGreaterThan(20);
      });

      it(`lays out every ${chart.name} label and bar in ${locale}`, async () => {
        const svg = await chart.svg(locale);
        const texts = svgTexts(svg);
        for (const text of chart.labels(locale)) {
          expect(texts.filter((t) => t === text)).toHaveLength(1);
        }
        expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(chart.bars);
        expect(svg).toContain(`font-family="${CHART_FONT_FAMILY}"`);
        // The layout fills the intended width exactly: nothing spills past the edge.
        expect(svg).toMatch(new RegExp(`^<svg[^>]* width="${chart.size().width}"`));
      });
    }
  }

  it('draws Chinese labels with glyphs from the bundled font', async () => {
    const svg = await funnelChartSvg(funnelInput('zh-CN'));
    const withFont = inkStats(decodePng(await svgToPng(svg)).rgba).ink;
    const noFont = new Resvg(svg, rasterOptions([])).render().asPng();
    const withoutFont = inkStats(decodePng(noFont).rgba).ink;
    // Without any font resvg draws no text at all; with the bundled one the
    // labels, title and subtitle add thousands of pixels.
    expect(withFont - withoutFont).toBeGreaterThan(5_000);

    // The same for Chinese text alone, so Latin digits cannot account for it.
    const cjkOnly = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="10" y="28" font-family="${CHART_FONT_FAMILY}" font-size="20" fill="#000">潜在客户识别 需求分析</text></svg>`;
    const cjkWithFont = inkStats(decodePng(await svgToPng(cjkOnly)).rgba).ink;
    const cjkNoFont = inkStats(
      decodePng(new Resvg(cjkOnly, rasterOptions([])).render().asPng()).rgba,
    ).ink;
    expect(cjkNoFont).toBe(0);
    expect(cjkWithFont).toBeGreaterThan(2_000);
  });

  it('measures text with the widths resvg draws it at', () => {
    for (const [text, weight] of [
      ['潜在客户识别', 'regular'],
      ['Needs analysis 1,280', 'regular'],
      ['销售漏斗 Sales funnel', 'bold'],
    ] as const) {
      const weightAttr = weight === 'bold' ? ' font-weight="bold"' : '';
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="60"><text x="0" y="40" font-family="${CHART_FONT_FAMILY}" font-size="20"${weightAttr}>${text}</text></svg>`;
      const drawn = new Resvg(svg, rasterOptions()).getBBox()!.width;
      const measured = chartFontMetrics(weight).measure(text, 20);
      // Ink bounds omit side bearings, so they are a little narrower than the advance.
      expect(measured).toBeGreaterThanOrEqual(drawn);
      expect(measured - drawn).toBeLessThan(6);
    }
  });

  it('gives the same bytes for the same input, whatever the timezone', async () => {
    const original = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Shanghai';
      const a = await renderTrendChart(trendInput('zh-CN'));
      process.env.TZ = 'America/Los_Angeles';
      const b = await renderTrendChart(trendInput('zh-CN'));
      expect(a.equals(b)).toBe(true);
    } finally {
      process.env.TZ = original;
    }
    const c = await renderFunnelChart(funnelInput('en'));
    const d = await renderFunnelChart(funnelInput('en'));
    expect(c.equals(d)).toBe(true);
  });

  it('formats money compactly in the chart locale', async () => {
    const en = svgTexts(await pipelineChartSvg(pipelineInput('en')));
    expect(en).toContain('$4M · 30 deals');
    expect(en).toContain('$1M');
    const zh = svgTexts(await pipelineChartSvg(pipelineInput('zh-CN')));
    expect(zh).toContain('¥400万 · 30 个商机');
    expect(zh).toContain('¥100万');
    const weeks = svgTexts(await trendChartSvg(trendInput('zh-CN')));
    expect(weeks).toContain('10月5日');
  });

  it('shortens over-long labels and titles instead of clipping them', async () => {
    const long = '非常非常长的阶段名称用于测试截断功能是否正常工作以及是否会超出边界';
    const svg = await funnelChartSvg({
      title: `${long}${long}${long}`,
      locale: 'zh-CN',
      stages: [{ label: long, count: 3, conversion: null }],
    });
    const shortened = svgTexts(svg).filter((t) => t.endsWith('…'));
    expect(shortened).toHaveLength(2);
    const [stage, title] = shortened.sort((a, b) => a.length - b.length) as [string, string];
    expect(long.startsWith(stage.slice(0, -1))).toBe(true);
    expect(chartFontMetrics('regular').measure(stage, STAGE_LABEL_FONT_SIZE)).toBeLessThanOrEqual(
      MAX_LABEL_WIDTH,
    );
    expect(chartFontMetrics('bold').measure(title, TITLE_FONT_SIZE)).toBeLessThanOrEqual(
      MAX_TITLE_WIDTH,
    );
    expect(svg).toMatch(/^<svg[^>]* width="800"/);
  });

  describe('offline', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('refuses specs that would load data from a URL, without fetching', async () => {
      const fetch = vi.spyOn(globalThis, 'fetch');
      const rendering = vegaLiteToSvg({
        data: { url: 'https://example.com/deals.json' },
        mark: 'bar',
        encoding: { x: { field: 'amount', type: 'quantitative' } },
      });
      await expect(rendering).rejects.toMatchObject({ code: 'load_refused' });
      expect(fetch).not.toHaveBeenCalled();
    });

    it('renders all charts without touching the network', async () => {
      const fetch = vi.spyOn(globalThis, 'fetch');
      await Promise.all(CHARTS.map((c) => c.render('zh-CN')));
      expect(fetch).not.toHaveBeenCalled();
    });
  });

  it('rejects bad input with a clear ChartError', async () => {
    const bad = [
      renderPipelineChart({ ...pipelineInput('en'), currency: 'dollars' }),
      renderFunnelChart({ ...funnelInput('en'), stages: [] }),
      renderTrendChart({
        ...trendInput('en'),
        weeks: [{ weekStart: '2026-02-30', created: 1, won: 0, wonAmount: 0 }],
      }),
      renderPipelineChart({
        ...pipelineInput('en'),
        stages: [{ label: 'Quote', count: -1, total: 1, weight: 0 } as never],
      }),
    ];
    for (const result of bad) {
      await expect(result).rejects.toBeInstanceOf(ChartError);
      await expect(result).rejects.toMatchObject({ code: 'invalid_input' });
    }
    await expect(bad[0]).rejects.toThrow(/currency/);
  });
});

/**
 * Server-side chart images for chat replies: Vega-Lite → SVG → PNG, offline,
 * with a bundled CJK-capable font so Chinese and English labels both render.
 * Renders queue: one Vega layout at a time on the main thread, at most two
 * rasterisations at once on libuv's thread pool.
 */
export { ChartError, type ChartErrorCode } from './errors.ts';
export {
  buildFunnelSpec,
  funnelChartSize,
  funnelChartSvg,
  renderFunnelChart,
} from './funnelChart.ts';
export type { FunnelChartInput, PipelineChartInput, TrendChartInput } from './inputs.ts';
export {
  buildPipelineSpec,
  pipelineChartSize,
  pipelineChartSvg,
  renderPipelineChart,
} from './pipelineChart.ts';
export { PIXEL_RATIO } from './rasterize.ts';
export { buildTrendSpec, renderTrendChart, trendChartSize, trendChartSvg } from './trendChart.ts';

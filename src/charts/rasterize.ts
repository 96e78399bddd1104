/**
 * SVG → PNG with resvg, using only the bundled chart font (system fonts are
 * not loaded, so the pixels are the same on every machine). resvg's async
 * render runs on libuv's thread pool, off the event loop.
 */

import { availableParallelism } from 'node:os';
import { type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js';
import { ChartError } from './errors.ts';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from './font.ts';
import { createLimiter } from './limit.ts';

/** Device pixels per SVG pixel: crisp on high-density screens, where chat apps show images. */
export const PIXEL_RATIO = 2;

export function rasterOptions(fontFiles: string[] = Object.values(CHART_FONT_FILES)) {
  return {
    fitTo: { mode: 'zoom', value: PIXEL_RATIO },
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles,
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
    logLevel: 'off',
  } satisfies ResvgRenderOptions;
}

const limit = createLimiter(Math.max(1, Math.min(2, availableParallelism())));

/** Rasterises an SVG document to PNG bytes at {@link PIXEL_RATIO}. */
export function svgToPng(svg: string): Promise<Buffer> {
  return limit(async () => {
    try {
      const image = await renderAsync(svg, rasterOptions());
      return image.asPng();
    } catch (err) {
      throw new ChartError('render_failed', 'resvg could not rasterise the chart', { cause: err });
    }
  });
}

/**
 * The one typeface charts use, shipped as an npm dependency so rendering
 * never depends on the machine's fonts: Noto Sans CJK SC ("Noto Sans S
 * Chinese", SIL OFL 1.1) from `@embedpdf/fonts-sc`. It covers Latin, Greek,
 * Cyrillic, the currency signs and the CJK Unified Ideographs, so English and
 * Chinese labels share one look.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type FontMetrics, readFontMetrics } from './fontMetrics.ts';

export const CHART_FONT_FAMILY = 'Noto Sans S Chinese';

export type FontWeight = 'regular' | 'bold';

// The package exports only its JS index (dist/index.*); the fonts sit beside dist/.
const packageDir = dirname(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')));

export const CHART_FONT_FILES: Readonly<Record<FontWeight, string>> = {
  regular: join(packageDir, 'fonts', 'NotoSansHans-Regular.otf'),
  bold: join(packageDir, 'fonts', 'NotoSansHans-Bold.otf'),
};

const metrics = new Map<FontWeight, FontMetrics>();

/** Glyph metrics of the chart font, read from disk once per weight. */
export function chartFontMetrics(weight: FontWeight): FontMetrics {
  let m = metrics.get(weight);
  if (!m) {
    m = readFontMetrics(readFileSync(CHART_FONT_FILES[weight]));
    metrics.set(weight, m);
  }
  return m;
}

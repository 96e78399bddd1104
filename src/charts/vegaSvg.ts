/**
 * Vega-Lite spec → Vega view → SVG string, headless and offline.
 *
 * Vega is configured once for this process: text is measured with the chart
 * font's real glyph widths, the money formatter is registered as an
 * expression function (axis ticks are chosen by Vega, so they cannot be
 * formatted beforehand), and the view's loader refuses every URL and file, so a spec can
 * never make rendering touch the network or the disk.
 */
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import vegaLite from 'vega-lite';
import type { Locale } from '../pipeline/stages.ts';
import { ChartError } from './errors.ts';
import { chartFontMetrics } from './font.ts';
import { formatMoneyCompact } from './format.ts';
import { createLimiter } from './limit.ts';

/** The parts of vega-scenegraph that vega's type definitions leave out. */
interface ScenegraphInternals {
  textMetrics: { width: (item: TextItem, text: unknown) => number };
  resetSVGDefIds: () => void;
}

interface TextItem {
  fontSize?: number | string | null;
  fontWeight?: number | string | null;
}

const scenegraph = vega as unknown as ScenegraphInternals;

function isBold(weight: TextItem['fontWeight']): boolean {
  if (weight == null) return false;
  if (weight === 'bold' || weight === 'bolder') return true;
  return Number(weight) >= 600;
}

/** Expression functions usable as Vega-Lite custom `formatType`s. */
export const FORMAT_TYPES = {
  money: 'pipebotMoney',
} as const;

// A type alias, not an interface: Vega-Lite's `format` wants an index signature.
export type MoneyFormatOptions = {
  currency: string;
  locale: Locale;
};

let configured = false;

function configureVega(): void {
  if (configured) return;
  configured = true;

  // Same contract as vega's own measureWidth: 11px default, trimmed text.
  // Charts set label limits to 0 and shorten labels beforehand, so no
  // truncation has to be reproduced here.
  scenegraph.textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    if (size <= 0 || text == null) return 0;
    const weight = isBold(item.fontWeight) ? 'bold' : 'regular';
    return chartFontMetrics(weight).measure(String(text).trim(), size);
  };

  vega.expressionFunction(FORMAT_TYPES.money, (value: number, opt: MoneyFormatOptions) =>
    formatMoneyCompact(value, opt.currency, opt.locale),
  );
}

/**
 * A loader that loads nothing. Vega logs a failed load and carries on with
 * empty data, so refusals are also recorded for the caller to fail on.
 */
function offlineLoader(): { loader: vega.Loader; refused: string[] } {
  const refused: string[] = [];
  const refuse = (what: string): Promise<never> => {
    refused.push(what);
    return Promise.reject(new Error(`chart rendering loads nothing from outside: ${what}`));
  };
  return {
    refused,
    loader: {
      load: (uri) => refuse(uri),
      sanitize: (uri) => refuse(uri),
      http: (uri) => refuse(uri),
      file: (filename) => refuse(filename),
    },
  };
}

// Vega runs on the main thread and numbers SVG clip-path/gradient ids from a
// global counter; one view at a time keeps ids (and so output) reproducible.
const oneAtATime = createLimiter(1);

/** Compiles and renders a Vega-Lite spec to an SVG document. */
export function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  configureVega();
  return oneAtATime(async () => {
    let view: vega.View | undefined;
    try {
      const compiled = vegaLite.compile(spec).spec;
      const { loader, refused } = offlineLoader();
      view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logLevel: vega.None });
      scenegraph.resetSVGDefIds();
      const svg = await view.toSVG();
      if (refused.length > 0) {
        throw new ChartError('load_refused', `chart spec asks to load ${refused.join(', ')}`);
      }
      return svg;
    } catch (err) {
      if (err instanceof ChartError) throw err;
      throw new ChartError('render_failed', 'Vega could not render the chart', { cause: err });
    } finally {
      view?.finalize();
    }
  });
}

import type { TopLevelSpec } from 'vega-lite';
import { svgToPng } from './rasterize.ts';
import { vegaLiteToSvg } from './vegaSvg.ts';

/** A Vega-Lite spec drawn to PNG bytes. */
export async function renderSpecToPng(spec: TopLevelSpec): Promise<Buffer> {
  return svgToPng(await vegaLiteToSvg(spec));
}

/** Vega expression mapping a row index (`datum.value`) to its label; labels may repeat. */
export function rowLabelExpr(labels: readonly string[]): string {
  return `${JSON.stringify(labels)}[datum.value]`;
}

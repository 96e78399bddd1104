import { chartFontMetrics, type FontWeight } from './font.ts';

/**
 * `text` shortened with an ellipsis to at most `maxWidth` px. Charts shorten
 * labels here, with the font's real widths, instead of leaving it to Vega,
 * whose truncation works from estimates.
 */
export function fitText(
  text: string,
  maxWidth: number,
  fontSize: number,
  weight: FontWeight = 'regular',
): string {
  const metrics = chartFontMetrics(weight);
  if (metrics.measure(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  const room = maxWidth - metrics.measure('…', fontSize);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (metrics.measure(chars.slice(0, mid).join(''), fontSize) <= room) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}

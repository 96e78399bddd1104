/**
 * Number, money, percent and date labels for charts, through `Intl` so each
 * locale reads naturally ("$1.2M", "¥50万"). Dates are calendar days and are
 * formatted in UTC, so the machine's timezone never shifts a label.
 */
import type { Locale } from '../pipeline/stages.ts';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/** "$1.2M", "CN¥500K", "¥50万", "¥1.2亿". */
export function formatMoneyCompact(value: number, currency: string, locale: Locale): string {
  return numberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(value);
}

/** "1,234". */
export function formatCount(value: number, locale: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** "45%", and one decimal under 10% so small rates do not all read "0%" or "1%". */
export function formatPercent(ratio: number, locale: Locale): string {
  const digits = Math.abs(ratio) < 0.1 && ratio !== 0 ? 1 : 0;
  return numberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** A week's first day as "Jan 5" or "1月5日"; `date` is a timestamp at UTC midnight. */
export function formatWeekStart(date: number, locale: Locale): string {
  const key = `d|${locale}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    cache.set(key, f);
  }
  return f.format(date);
}

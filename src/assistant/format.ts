/** Locale-aware formatting of money, dates, stages and field values for replies. */
import { parseLocalDate } from '../lib/time.ts';
import { findStage, type Locale, type StageTemplate } from '../pipeline/stages.ts';
import type { Messages } from './i18n/index.ts';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "$50,000", "¥500,000", "€80,000.50" — in the deal's currency, grouped for the reader's locale. */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        currencyDisplay: 'narrowSymbol',
        maximumFractionDigits: 2,
        minimumFractionDigits: 0,
      });
    } catch {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    }
    moneyFormats.set(key, f);
  }
  const s = f.format(amount);
  // Yuan and yen share ¥; spell out the code when the symbol alone could mislead.
  if (currency === 'JPY' && locale === 'zh-CN') return `${s} (JPY)`;
  return s;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

/** "Fri, Dec 4" / "12月4日周五", adding the year when it is not the current one. */
export function formatDate(date: string, locale: Locale, today?: string): string {
  const p = parseLocalDate(date);
  if (!p) return date;
  const sameYear = today ? today.slice(0, 4) === date.slice(0, 4) : true;
  let f = dateFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    dateFormats.set(locale, f);
  }
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const s = f.format(d);
  return sameYear ? s : locale === 'zh-CN' ? `${p.year}年${s}` : `${s}, ${p.year}`;
}

export function stageLabel(template: StageTemplate, key: string, locale: Locale): string {
  return findStage(template, key)?.name[locale] ?? key;
}

/** A diff value as text for a change row. */
export function formatValue(
  field: string,
  value: unknown,
  ctx: {
    template: StageTemplate;
    locale: Locale;
    currency: string | null;
    t: Messages;
    today?: string;
  },
): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : null;
  switch (field) {
    case 'stage':
      return stageLabel(ctx.template, String(value), ctx.locale);
    case 'amount':
      return typeof value === 'number' && ctx.currency
        ? formatMoney(value, ctx.currency, ctx.locale)
        : String(value);
    case 'closeDate':
    case 'nextStepDue':
      return formatDate(String(value), ctx.locale, ctx.today);
    case 'status':
      return ctx.t.status[value as keyof Messages['status']] ?? String(value);
    default:
      return String(value);
  }
}

/** Fields a person cares about, in the order a change card lists them. */
export const VISIBLE_FIELDS = [
  'title',
  'stage',
  'amount',
  'closeDate',
  'nextStep',
  'nextStepDue',
  'needs',
  'contacts',
  'competitors',
  'lostReason',
  'status',
] as const;

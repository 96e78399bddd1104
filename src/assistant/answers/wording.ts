/** Small wording helpers for answers: periods, money totals, percentages, short dates. */
import { parseLocalDate } from '../../lib/time.ts';
import type { MoneyTotal } from '../../pipeline/queries/money.ts';
import type { Locale } from '../../pipeline/stages.ts';
import type { ResolvedPeriod } from '../../understand/periods.ts';
import type { Session } from '../context.ts';
import { formatMoney, stageLabel } from '../format.ts';

/** "Nov 4" / "11月4日", with the year when it is not this year. */
export function shortDate(session: Session, date: string): string {
  const p = parseLocalDate(date);
  if (!p) return date;
  const year = date.slice(0, 4) === session.today.slice(0, 4) ? null : p.year;
  return session.t.answers.shortDate(p.month, p.day, year);
}

/** "this month (Nov 1 – Nov 30)", "本月(11月1日–11月30日)", or "all time". */
export function periodText(session: Session, period: ResolvedPeriod | null): string {
  const a = session.t.answers;
  if (!period) return a.allTime;
  const range =
    period.from === period.to
      ? shortDate(session, period.from)
      : `${shortDate(session, period.from)} – ${shortDate(session, period.to)}`;
  return a.periodLabel(a.periods[period.key] ?? null, range);
}

/** "$62,000 + ¥560,000 (≈ $141,000 at the workspace’s exchange rates)", or '' with no amounts. */
export function moneyText(session: Session, total: MoneyTotal): string {
  const parts = total.byCurrency.map((m) => formatMoney(m.amount, m.currency, session.locale));
  if (parts.length === 0) return '';
  const joined = parts.join(' + ');
  if (!total.converted) return joined;
  const c = total.converted;
  const note = session.t.answers.converted(formatMoney(c.amount, c.currency, session.locale));
  return session.locale === 'zh-CN' ? `${joined}(${note})` : `${joined} (${note})`;
}

/** The money list without the conversion, for table cells. */
export function moneyCells(session: Session, total: MoneyTotal): string[] {
  return total.byCurrency.map((m) => formatMoney(m.amount, m.currency, session.locale));
}

/** "1 CNY = 0.14 USD, 1 EUR = 1.08 USD" for every rate the totals used, or '' when none converted. */
export function ratesList(session: Session, totals: MoneyTotal[]): string {
  const rates = new Map<string, number>();
  let base = '';
  for (const t of totals) {
    if (!t.converted) continue;
    base = t.converted.currency;
    for (const [code, rate] of Object.entries(t.converted.rates)) rates.set(code, rate);
  }
  return [...rates.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([code, rate]) => session.t.answers.rate(code, String(rate), base))
    .join(session.locale === 'zh-CN' ? ',' : ', ');
}

/** "Converted at the workspace’s rates: 1 EUR = 1.08 USD." when a total was converted, or null. */
export function ratesNote(session: Session, totals: MoneyTotal[]): string | null {
  const list = ratesList(session, totals);
  return list ? session.t.answers.ratesNote(list) : null;
}

const percentFormats = new Map<Locale, Intl.NumberFormat>();

export function percent(locale: Locale, ratio: number): string {
  let f = percentFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    percentFormats.set(locale, f);
  }
  return f.format(ratio);
}

export function days(n: number | null): string {
  return n === null ? '—' : String(n);
}

export function stageName(session: Session, key: string): string {
  return stageLabel(session.template, key, session.locale);
}

/** "$62,000" or "no amount". */
export function amountText(
  session: Session,
  amount: number | null,
  currency: string | null,
): string {
  return amount !== null && currency
    ? formatMoney(amount, currency, session.locale)
    : session.t.answers.noAmount;
}

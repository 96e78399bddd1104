/**
 * Calendar arithmetic relative to a member's local "today", shared by the
 * English and Chinese date rules. Weeks run Monday to Sunday.
 */
import {
  addDays,
  addMonths,
  daysBetween,
  endOfMonth,
  endOfQuarter,
  formatLocalDate,
  parseLocalDate,
  quarterOf,
  startOfWeek,
  weekdayOf,
} from '../../lib/time.ts';
import { parseChineseNumber, parseSmallNumber } from '../text.ts';

/** The member's local "today" (and wall-clock time, which chrono needs). */
export interface Today {
  date: string;
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
}

export type Resolver = (m: RegExpExecArray, t: Today) => string | null;

export interface Rule {
  re: RegExp;
  resolve: Resolver;
}

/** Offset of a weekday (0 = Sunday) from Monday in a Monday-first week. */
export const mondayOffset = (weekday: number) => (weekday + 6) % 7;

export function weekdayOfWeek(t: Today, weekday: number, weeksAhead: number): string {
  return addDays(startOfWeek(t.date), weeksAhead * 7 + mondayOffset(weekday));
}

export function comingWeekday(t: Today, weekday: number): string {
  const ahead = (weekday - t.weekday + 7) % 7 || 7;
  return addDays(t.date, ahead);
}

export function thisWeekday(t: Today, weekday: number): string {
  const d = weekdayOfWeek(t, weekday, 0);
  return d >= t.date ? d : comingWeekday(t, weekday);
}

export function monthEnd(t: Today, monthsAhead: number): string {
  return endOfMonth(addMonths(formatLocalDate(t.year, t.month, 1), monthsAhead));
}

export function monthDay(t: Today, monthsAhead: number, day: number): string {
  const first = addMonths(formatLocalDate(t.year, t.month, 1), monthsAhead);
  return addDays(first, day - 1);
}

/** A yearless date: this year's, unless that is more than 30 days back. */
export function yearless(t: Today, month: number, day: number | 'end'): string | null {
  const build = (year: number) => {
    if (day === 'end') return endOfMonth(formatLocalDate(year, month, 1));
    const s = formatLocalDate(year, month, day);
    return parseLocalDate(s) ? s : null;
  };
  if (month < 1 || month > 12) return null;
  const candidate = build(t.year);
  if (candidate && daysBetween(candidate, t.date) > 30) return build(t.year + 1);
  if (!candidate && day === 29 && month === 2) return build(t.year + 1);
  return candidate;
}

export function dayOfMonth(t: Today, day: number): string | null {
  if (day < 1 || day > 31) return null;
  for (let ahead = day >= t.day ? 0 : 1; ahead < 3; ahead++) {
    const first = addMonths(formatLocalDate(t.year, t.month, 1), ahead);
    const p = parseLocalDate(first)!;
    const s = formatLocalDate(p.year, p.month, day);
    if (parseLocalDate(s)) return s;
  }
  return null;
}

/** US Thanksgiving: the fourth Thursday of November, this year's unless long past. */
export function thanksgiving(t: Today): string | null {
  const inYear = (year: number) => {
    const first = formatLocalDate(year, 11, 1);
    return addDays(first, ((4 - weekdayOf(first) + 7) % 7) + 21);
  };
  const d = inYear(t.year);
  return daysBetween(d, t.date) > 30 ? inYear(t.year + 1) : d;
}

export function quarterEnd(t: Today, quarter: number, year: number | null): string {
  if (year !== null) return endOfQuarter(year, quarter);
  const thisYear = endOfQuarter(t.year, quarter);
  return thisYear >= t.date ? thisYear : endOfQuarter(t.year + 1, quarter);
}

export function relativeQuarterEnd(t: Today, quartersAhead: number): string {
  const index = t.year * 4 + (quarterOf(t.date) - 1) + quartersAhead;
  return endOfQuarter(Math.floor(index / 4), (index % 4) + 1);
}

export function addBusinessDays(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const wd = weekdayOf(d);
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

export function addSpan(t: Today, n: number, unit: string): string | null {
  if (!Number.isFinite(n) || n < 0 || n > 366) return null;
  const u = unit.toLowerCase();
  if (/^(business|working)|工作日/.test(u)) return addBusinessDays(t.date, Math.round(n));
  if (/^(day|天|日)/.test(u)) return addDays(t.date, Math.round(n));
  if (/^(w|周|星期|礼拜)/.test(u)) return addDays(t.date, Math.round(n * 7));
  if (/^(mo|月)/.test(u)) {
    const whole = Math.floor(n);
    const base = addMonths(t.date, whole);
    return n > whole ? addDays(base, 15) : base;
  }
  if (/^(y|年)/.test(u)) return addMonths(t.date, Math.round(n * 12));
  return null;
}

// Words and number readers shared by the rules.

const EN_WEEKDAYS: [RegExp, number][] = [
  [/^mon/i, 1],
  [/^tue/i, 2],
  [/^wed/i, 3],
  [/^thu/i, 4],
  [/^fri/i, 5],
  [/^sat/i, 6],
  [/^sun/i, 0],
];
export const enWeekday = (s: string) => EN_WEEKDAYS.find(([re]) => re.test(s))?.[1] ?? -1;

export const ZH_WEEKDAYS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 0,
  天: 0,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 0,
};

export const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
] as const;
export const enMonth = (s: string) => MONTHS.indexOf(s.slice(0, 3).toLowerCase() as never) + 1;

export const WD =
  '(?:mon(?:day)?|tues?(?:day)?|wed(?:nesday|s)?|thu(?:rs?)?(?:day)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';
export const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
export const EN_NUM =
  '(?:\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a\\s)?couple(?:\\sof)?|(?:a\\s)?few)';
export const CN_NUM = '(?:[0-9]{1,3}|[零〇一二两三四五六七八九十]{1,3})';
export const CN_WD = '[一二三四五六日天1-7]';
export const ZH_BY = '(?:之前|以前|前)?';

export function enCount(s: string): number {
  const t = s
    .toLowerCase()
    .replace(/\s+of$/, '')
    .replace(/^a\s/, '');
  return parseSmallNumber(t) ?? Number.NaN;
}

export function cnCount(s: string): number {
  if (s === '半') return 0.5;
  if (s === '几') return 3;
  return parseChineseNumber(s) ?? Number.NaN;
}

export const num = (s: string | undefined) => (s === undefined ? Number.NaN : Number(s));

export function fullYear(s: string | undefined): number | null {
  if (!s) return null;
  const n = Number(s.replace(/^'/, ''));
  return s.length <= 3 ? 2000 + n : n;
}

export function exact(year: number, month: number, day: number): string | null {
  const s = formatLocalDate(year, month, day);
  return parseLocalDate(s) ? s : null;
}

export function relMod(word: string | undefined): 'next' | 'this' | 'last' | 'bare' {
  const w = (word ?? '').toLowerCase();
  if (/next|following|下/.test(w)) return 'next';
  if (/last|previous|上/.test(w)) return 'last';
  if (/this|coming|这|本/.test(w)) return 'this';
  return 'bare';
}

export function weekdayPhrase(t: Today, mod: ReturnType<typeof relMod>, weekday: number): string {
  if (mod === 'next') return weekdayOfWeek(t, weekday, 1);
  if (mod === 'last') return weekdayOfWeek(t, weekday, -1);
  if (mod === 'this') return thisWeekday(t, weekday);
  return comingWeekday(t, weekday);
}

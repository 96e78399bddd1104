/**
 * Date phrases in chat text ("next Friday", "EOM", "Q1", "下周五前", "月底")
 * resolved to local dates in the member's timezone.
 *
 * Everything is calendar arithmetic on the member's local "today", so an
 * update sent at 23:30 in Chicago on the eve of a DST change still counts
 * "tomorrow" from the Chicago date, never from UTC.
 *
 * Semantics (weeks run Monday to Sunday, as in ISO and Chinese usage):
 * - A bare weekday ("Friday", "Fri", "周五", "星期五") is the next such day
 *   strictly after today: said on a Friday it means a week later, because a
 *   rep who means today says "today".
 * - "this Friday" / "这周五" / "本周五" is the Friday of the current week, or
 *   the coming Friday once this week's has passed.
 * - "next Friday" / "下周五" is the Friday of next week: said on Wednesday
 *   2026-11-25 both give 2026-12-04. "last Friday" / "上周五" is last week's.
 * - A phrase naming a period is a deadline and resolves to the period's end:
 *   "this week", "EOW", "本周" → this week's Friday (the last working day);
 *   "next week", "下周" → next week's Friday; "EOM", "月底", "this month" →
 *   the month's last day; "next month", "下个月" → next month's last day;
 *   "Q1".."Q4", "一季度" → the quarter's last day (this year's, or next year's
 *   once it has ended); "this/next quarter", "下季度" → its last day;
 *   "EOY", "年底", "明年" → 31 December; "in December", "12月" → 31 December.
 *   The start or middle of a period is said explicitly and resolves to its
 *   first day or the 15th: "early next month", "下月初", "mid-Dec", "12月中".
 * - "today", "EOD", "COB", "今天" → today; "tomorrow", "明天" → +1; "后天" → +2.
 * - "in two weeks", "两周后", "3天内", "within 10 days" → today plus that
 *   span; business days skip Saturdays and Sundays.
 * - A date without a year ("Dec 4", "12/4", "12月4日", "the 4th") is this
 *   year's unless that lies more than 30 days back, then next year's: recent
 *   dates are past events, older ones must be meant for next year.
 * - "12/4" reads month/day (US and Chinese order); day/month only when the
 *   first number cannot be a month ("25/12").
 */
import * as chrono from 'chrono-node';
import {
  addDays,
  addMonths,
  daysBetween,
  endOfMonth,
  endOfQuarter,
  formatLocalDate,
  isValidTimeZone,
  localParts,
  parseLocalDate,
  quarterOf,
  startOfWeek,
  toLocalDate,
  weekdayOf,
} from '../lib/time.ts';
import { parseChineseNumber, parseSmallNumber, prepareText } from './text.ts';

export interface FoundDate {
  /** The phrase as written in the caller's text. */
  phrase: string;
  /** Offset of the phrase in the caller's text. */
  index: number;
  /** Resolved local date, YYYY-MM-DD. */
  date: string;
}

/** A date found in cleaned text (offsets into that text). */
export interface DateSpan {
  start: number;
  end: number;
  date: string;
}

interface Today {
  date: string;
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
}

type Resolver = (m: RegExpExecArray, t: Today) => string | null;

interface Rule {
  re: RegExp;
  resolve: Resolver;
}

// ---- calendar helpers on "today" -------------------------------------------

/** Offset of a weekday (0 = Sunday) from Monday in a Monday-first week. */
const mondayOffset = (weekday: number) => (weekday + 6) % 7;

function weekdayOfWeek(t: Today, weekday: number, weeksAhead: number): string {
  return addDays(startOfWeek(t.date), weeksAhead * 7 + mondayOffset(weekday));
}

function comingWeekday(t: Today, weekday: number): string {
  const ahead = (weekday - t.weekday + 7) % 7 || 7;
  return addDays(t.date, ahead);
}

function thisWeekday(t: Today, weekday: number): string {
  const d = weekdayOfWeek(t, weekday, 0);
  return d >= t.date ? d : comingWeekday(t, weekday);
}

function monthEnd(t: Today, monthsAhead: number): string {
  return endOfMonth(addMonths(formatLocalDate(t.year, t.month, 1), monthsAhead));
}

function monthDay(t: Today, monthsAhead: number, day: number): string {
  const first = addMonths(formatLocalDate(t.year, t.month, 1), monthsAhead);
  return addDays(first, day - 1);
}

/** A yearless date: this year's, unless that is more than 30 days back. */
function yearless(t: Today, month: number, day: number | 'end'): string | null {
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

function dayOfMonth(t: Today, day: number): string | null {
  if (day < 1 || day > 31) return null;
  for (let ahead = day >= t.day ? 0 : 1; ahead < 3; ahead++) {
    const first = addMonths(formatLocalDate(t.year, t.month, 1), ahead);
    const p = parseLocalDate(first)!;
    const s = formatLocalDate(p.year, p.month, day);
    if (parseLocalDate(s)) return s;
  }
  return null;
}

function quarterEnd(t: Today, quarter: number, year: number | null): string {
  if (year !== null) return endOfQuarter(year, quarter);
  const thisYear = endOfQuarter(t.year, quarter);
  return thisYear >= t.date ? thisYear : endOfQuarter(t.year + 1, quarter);
}

function relativeQuarterEnd(t: Today, quartersAhead: number): string {
  const index = t.year * 4 + (quarterOf(t.date) - 1) + quartersAhead;
  return endOfQuarter(Math.floor(index / 4), (index % 4) + 1);
}

function addBusinessDays(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const wd = weekdayOf(d);
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

function addSpan(t: Today, n: number, unit: string): string | null {
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

// ---- vocabulary --------------------------------------------------------------

const EN_WEEKDAYS: [RegExp, number][] = [
  [/^mon/i, 1],
  [/^tue/i, 2],
  [/^wed/i, 3],
  [/^thu/i, 4],
  [/^fri/i, 5],
  [/^sat/i, 6],
  [/^sun/i, 0],
];
const enWeekday = (s: string) => EN_WEEKDAYS.find(([re]) => re.test(s))?.[1] ?? -1;

const ZH_WEEKDAYS: Record<string, number> = {
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

const MONTHS = [
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
const enMonth = (s: string) => MONTHS.indexOf(s.slice(0, 3).toLowerCase() as never) + 1;

const WD =
  '(?:mon(?:day)?|tues?(?:day)?|wed(?:nesday|s)?|thu(?:rs?)?(?:day)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const EN_NUM =
  '(?:\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:a\\s)?couple(?:\\sof)?|(?:a\\s)?few)';
const CN_NUM = '(?:[0-9]{1,3}|[零〇一二两三四五六七八九十]{1,3})';
const CN_WD = '[一二三四五六日天1-7]';
const ZH_BY = '(?:之前|以前|前)?';

function enCount(s: string): number {
  const t = s
    .toLowerCase()
    .replace(/\s+of$/, '')
    .replace(/^a\s/, '');
  return parseSmallNumber(t) ?? Number.NaN;
}

function cnCount(s: string): number {
  if (s === '半') return 0.5;
  if (s === '几') return 3;
  return parseChineseNumber(s) ?? Number.NaN;
}

const num = (s: string | undefined) => (s === undefined ? Number.NaN : Number(s));

function fullYear(s: string | undefined): number | null {
  if (!s) return null;
  const n = Number(s.replace(/^'/, ''));
  return s.length <= 3 ? 2000 + n : n;
}

function exact(year: number, month: number, day: number): string | null {
  const s = formatLocalDate(year, month, day);
  return parseLocalDate(s) ? s : null;
}

function relMod(word: string | undefined): 'next' | 'this' | 'last' | 'bare' {
  const w = (word ?? '').toLowerCase();
  if (/next|following|下/.test(w)) return 'next';
  if (/last|previous|上/.test(w)) return 'last';
  if (/this|coming|这|本/.test(w)) return 'this';
  return 'bare';
}

function weekdayPhrase(t: Today, mod: ReturnType<typeof relMod>, weekday: number): string {
  if (mod === 'next') return weekdayOfWeek(t, weekday, 1);
  if (mod === 'last') return weekdayOfWeek(t, weekday, -1);
  if (mod === 'this') return thisWeekday(t, weekday);
  return comingWeekday(t, weekday);
}

// ---- English rules -------------------------------------------------------------

const EN_RULES: Rule[] = [
  {
    re: new RegExp(`\\b(next|this(?:\\s+coming)?|coming|last|following)\\s{1,3}(${WD})\\b`, 'gi'),
    resolve: (m, t) => weekdayPhrase(t, relMod(m[1]), enWeekday(m[2]!)),
  },
  {
    re: new RegExp(`\\b(${WD})\\s{1,3}(next|this)\\s{1,3}week\\b`, 'gi'),
    resolve: (m, t) => weekdayPhrase(t, relMod(m[2]), enWeekday(m[1]!)),
  },
  {
    // Bare weekdays; "sat"/"sun" alone are too often ordinary words.
    re: new RegExp(`(?<!['’])\\b(${WD})\\b`, 'gi'),
    resolve: (m, t) => (/^(sat|sun)$/i.test(m[1]!) ? null : comingWeekday(t, enWeekday(m[1]!))),
  },
  {
    re: /\b(?:eod|cob|eob|end of (?:the )?(?:business )?day)\s{1,3}(tomorrow|tmrw|tmr)\b/gi,
    resolve: (_m, t) => addDays(t.date, 1),
  },
  {
    re: /\b(?:today|tonight|eod|cob|eob|end of (?:the )?(?:business )?day|this (?:morning|afternoon|evening))\b/gi,
    resolve: (_m, t) => t.date,
  },
  {
    re: /\b(?:the\s)?day after (?:tomorrow|tmrw)\b/gi,
    resolve: (_m, t) => addDays(t.date, 2),
  },
  {
    re: /\b(?:tomorrow|tomorow|tmrw|tmr|tmrow|2moro)\b/gi,
    resolve: (_m, t) => addDays(t.date, 1),
  },
  { re: /\byesterday\b/gi, resolve: (_m, t) => addDays(t.date, -1) },
  {
    re: /\b(?:eow|end of (?:the |this )?(?:work)?week|this week|later this week)\b/gi,
    resolve: (_m, t) => thisWeekday(t, 5),
  },
  {
    re: /\b(?:this )?weekend\b/gi,
    resolve: (_m, t) => (t.weekday === 6 || t.weekday === 0 ? t.date : thisWeekday(t, 6)),
  },
  {
    re: /\b(early|beginning of|start of|mid|end of|late|later)?[\s-]{0,3}(next|the following|following) week\b/gi,
    resolve: (m, t) => {
      const which = (m[1] ?? '').toLowerCase();
      if (/early|beginning|start/.test(which)) return weekdayOfWeek(t, 1, 1);
      if (which === 'mid') return weekdayOfWeek(t, 3, 1);
      return weekdayOfWeek(t, 5, 1);
    },
  },
  {
    re: /\b(?:the )?week after next\b/gi,
    resolve: (_m, t) => weekdayOfWeek(t, 5, 2),
  },
  {
    re: /\b(?:early|beginning of|start of)\s{1,3}(?:the\s)?next month\b/gi,
    resolve: (_m, t) => monthDay(t, 1, 1),
  },
  {
    re: /\bmid[\s-]{0,3}next month\b/gi,
    resolve: (_m, t) => monthDay(t, 1, 15),
  },
  {
    re: /\b(?:(?:end of|late)\s{1,3}(?:the\s)?)?next month\b/gi,
    resolve: (_m, t) => monthEnd(t, 1),
  },
  {
    re: /\b(?:eom|end of (?:the |this )?month|month[\s-]end|this month|later this month)\b/gi,
    resolve: (_m, t) => monthEnd(t, 0),
  },
  {
    re: /\bmid[\s-]?month\b/gi,
    resolve: (_m, t) => (t.day <= 15 ? monthDay(t, 0, 15) : monthDay(t, 1, 15)),
  },
  {
    re: /\b(?:(?:end of|by the end of)\s{1,3})?(?:the\s)?next quarter\b/gi,
    resolve: (_m, t) => relativeQuarterEnd(t, 1),
  },
  {
    re: /\b(?:eoq|end of (?:the |this )?quarter|quarter[\s-]end|this quarter)\b/gi,
    resolve: (_m, t) => relativeQuarterEnd(t, 0),
  },
  {
    re: /\b(?:(?:end of|late)\s{1,3})?(20\d{2}|fy\s?\d{2})\s{0,2}q([1-4])\b/gi,
    resolve: (m, t) => quarterEnd(t, num(m[2]), fullYear(m[1]!.replace(/^fy\s?/i, ''))),
  },
  {
    re: /\b(?:(?:end of|late)\s{1,3})?q([1-4])(?:(?:\s{0,2}|\s(?:of\s)?)(fy\s?\d{2}|20\d{2}|'\d{2}))?(?![\w'])/gi,
    resolve: (m, t) => quarterEnd(t, num(m[1]), fullYear(m[2]?.replace(/^fy\s?/i, ''))),
  },
  {
    re: /\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter\b/gi,
    resolve: (m, t) =>
      quarterEnd(t, 1 + ['f', 's', 't', '4'].indexOf(m[1]![0]!.toLowerCase()), null),
  },
  {
    re: /\b(?:end of\s{1,3})?h([12])(?:\s{0,2}(20\d{2}))?\b/gi,
    resolve: (m, t) => {
      const month = m[1] === '1' ? 6 : 12;
      const year = fullYear(m[2]);
      if (year) return endOfMonth(formatLocalDate(year, month, 1));
      return yearless(t, month, 'end');
    },
  },
  {
    re: /\b(?:eoy|end of (?:the |this )?year|year[\s-]end|this year|later this year)\b/gi,
    resolve: (_m, t) => formatLocalDate(t.year, 12, 31),
  },
  {
    re: /\b(?:(?:end of|late)\s{1,3})?next year\b/gi,
    resolve: (_m, t) => formatLocalDate(t.year + 1, 12, 31),
  },
  {
    re: new RegExp(
      `\\b(?:in|within)\\s{1,3}(?:the\\s)?(?:next\\s)?(${EN_NUM})\\s{1,3}(business\\s|working\\s)?(days?|wks?|weeks?|months?|mos?|years?|yrs?)(?:'?s? time)?\\b`,
      'gi',
    ),
    resolve: (m, t) => addSpan(t, enCount(m[1]!), (m[2] ?? '') + m[3]!),
  },
  {
    re: new RegExp(
      `\\b(${EN_NUM})\\s{1,3}(business\\s|working\\s)?(days?|wks?|weeks?|months?)\\s{1,3}(?:from now|from today|out|later)\\b`,
      'gi',
    ),
    resolve: (m, t) => addSpan(t, enCount(m[1]!), (m[2] ?? '') + m[3]!),
  },
  {
    re: /\b(20\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\b/g,
    resolve: (m) => exact(num(m[1]), num(m[2]), num(m[3])),
  },
  {
    re: /(?<![\d/.$€£¥-])\b(\d{1,2})\/(\d{1,2})(?:\/(20\d{2}|\d{2}))?\b(?![/%.]\d)/g,
    resolve: (m, t) => {
      const a = num(m[1]);
      const b = num(m[2]);
      if (a === 24 && b === 7) return null;
      const [month, day] = a > 12 ? [b, a] : [a, b];
      const year = fullYear(m[3]);
      return year ? exact(year, month, day) : yearless(t, month, day);
    },
  },
  {
    re: new RegExp(
      `\\b(${MONTH})\\.?\\s{0,2}(\\d{1,2})(?:st|nd|rd|th)?\\b(?!\\s?(?:%|k\\b|m\\b|seats|users|licen))(?:,?\\s{0,2}(20\\d{2}))?`,
      'gi',
    ),
    resolve: (m, t) => {
      if (/^may$/.test(m[1]!) && !m[3]) return null;
      const month = enMonth(m[1]!);
      const year = fullYear(m[3]);
      return year ? exact(year, month, num(m[2])) : yearless(t, month, num(m[2]));
    },
  },
  {
    re: new RegExp(
      `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s{1,2}(?:of\\s{1,2})?(${MONTH})\\b\\.?(?:,?\\s{0,2}(20\\d{2}))?`,
      'gi',
    ),
    resolve: (m, t) => {
      if (/^may$/.test(m[2]!)) return null;
      const month = enMonth(m[2]!);
      const year = fullYear(m[3]);
      return year ? exact(year, month, num(m[1])) : yearless(t, month, num(m[1]));
    },
  },
  {
    re: new RegExp(
      `\\b(early|beginning of|start of|mid|middle of|late|end of)[\\s-]{0,3}(${MONTH})\\b(?:\\s{0,2}(20\\d{2}))?`,
      'gi',
    ),
    resolve: (m, t) => {
      const month = enMonth(m[2]!);
      const which = m[1]!.toLowerCase();
      const day = /early|beginning|start/.test(which) ? 1 : /mid/.test(which) ? 15 : 'end';
      const year = fullYear(m[3]);
      if (year)
        return day === 'end'
          ? endOfMonth(formatLocalDate(year, month, 1))
          : exact(year, month, day);
      return yearless(t, month, day);
    },
  },
  {
    re: new RegExp(
      `(?<=\\b(?:in|by|until|before|during|for)\\s{1,3})(${MONTH})\\b(?:\\s{0,2}(20\\d{2}))?`,
      'gi',
    ),
    resolve: (m, t) => {
      if (m[1] === 'may' || m[1] === 'mar') return null;
      const month = enMonth(m[1]!);
      const year = fullYear(m[2]);
      return year ? endOfMonth(formatLocalDate(year, month, 1)) : yearless(t, month, 'end');
    },
  },
  {
    re: /\bthe (\d{1,2})(?:st|nd|rd|th)\b(?!\s{1,3}(?:of|quarter|floor|time|version|gen|attempt|call|meeting|round))/gi,
    resolve: (m, t) => dayOfMonth(t, num(m[1])),
  },
];

// ---- Chinese rules -------------------------------------------------------------

const ZH_RULES: Rule[] = [
  {
    re: new RegExp(`(下下个?|下个?|这个?|本|上个?)?(?:周|星期|礼拜)(${CN_WD})${ZH_BY}`, 'g'),
    resolve: (m, t) => {
      const weekday = ZH_WEEKDAYS[m[2]!]!;
      if (m[1]?.startsWith('下下')) return weekdayOfWeek(t, weekday, 2);
      return weekdayPhrase(t, relMod(m[1]), weekday);
    },
  },
  { re: /大后天/g, resolve: (_m, t) => addDays(t.date, 3) },
  { re: /(?:今天|今日|今晚|今儿|当天|下班前)(?:之前|以前|前)?/g, resolve: (_m, t) => t.date },
  { re: /(?:明天|明日|明早|明晚|明儿)(?:之前|以前|前)?/g, resolve: (_m, t) => addDays(t.date, 1) },
  { re: /(?<![然之以])后天(?:之前|以前|前)?/g, resolve: (_m, t) => addDays(t.date, 2) },
  { re: /(?:昨天|昨日|昨晚)/g, resolve: (_m, t) => addDays(t.date, -1) },
  {
    re: new RegExp(
      `(下下|下个?|这个?|本|上个?)(?:周|星期|礼拜)(?!${CN_WD})(末|初|内|中)?${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => {
      const which = m[1]!;
      const ahead = which.startsWith('下下')
        ? 2
        : which.startsWith('下')
          ? 1
          : which.startsWith('上')
            ? -1
            : 0;
      if (m[2] === '末')
        return ahead === 0 && (t.weekday === 6 || t.weekday === 0)
          ? t.date
          : weekdayOfWeek(t, 6, ahead);
      if (m[2] === '初') return weekdayOfWeek(t, 1, ahead);
      if (m[2] === '中') return weekdayOfWeek(t, 3, ahead);
      return ahead === 0 ? thisWeekday(t, 5) : weekdayOfWeek(t, 5, ahead);
    },
  },
  { re: /周末前|周末之前/g, resolve: (_m, t) => thisWeekday(t, 5) },
  {
    re: /(?<![上下这本])周末/g,
    resolve: (_m, t) => (t.weekday === 6 || t.weekday === 0 ? t.date : thisWeekday(t, 6)),
  },
  {
    re: new RegExp(`下个?月(底|末|尾|初|中|中旬|上旬|下旬)?${ZH_BY}`, 'g'),
    resolve: (m, t) => {
      if (m[1] === '初' || m[1] === '上旬') return monthDay(t, 1, 1);
      if (m[1] === '中' || m[1] === '中旬') return monthDay(t, 1, 15);
      return monthEnd(t, 1);
    },
  },
  {
    re: new RegExp(
      `(?:本|这个?|当)月(?:底|末|尾|内)?${ZH_BY}|(?<![0-9零〇一二两三四五六七八九十个上下本这当每])月(?:底|末|尾)${ZH_BY}`,
      'g',
    ),
    resolve: (_m, t) => monthEnd(t, 0),
  },
  {
    re: /(?<![0-9零〇一二两三四五六七八九十个上下本这当每])月(初|中)/g,
    resolve: (m, t) => {
      const day = m[1] === '初' ? 1 : 15;
      return t.day <= day ? monthDay(t, 0, day) : monthDay(t, 1, day);
    },
  },
  {
    re: new RegExp(
      `(?:本|这个?|当前)季度?(?:末|底|内)?${ZH_BY}|(?<![0-9一二三四个下])季(?:度末|度底|末)${ZH_BY}`,
      'g',
    ),
    resolve: (_m, t) => relativeQuarterEnd(t, 0),
  },
  {
    re: new RegExp(`下个?季度?(?:末|底|内)?${ZH_BY}`, 'g'),
    resolve: (_m, t) => relativeQuarterEnd(t, 1),
  },
  {
    re: new RegExp(
      `(今年|明年|(20\\d{2})年?)?(?:第?([一二三四1-4])季度|[Qq]([1-4]))(?:末|底|内)?${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => {
      const q = m[3] ? (parseChineseNumber(m[3]) ?? num(m[3])) : num(m[4]);
      const year = m[1] === '今年' ? t.year : m[1] === '明年' ? t.year + 1 : fullYear(m[2]);
      return quarterEnd(t, q, year);
    },
  },
  {
    re: /(今年|明年|(20\d{2})年)?(上|下)半年/g,
    resolve: (m, t) => {
      const year = m[1] === '明年' ? t.year + 1 : (fullYear(m[2]) ?? t.year);
      const d = m[3] === '上' ? formatLocalDate(year, 6, 30) : formatLocalDate(year, 12, 31);
      return m[1] || d >= t.date
        ? d
        : formatLocalDate(year + 1, Number(d.slice(5, 7)), Number(d.slice(8)));
    },
  },
  {
    re: /明年(初|中|底|末)?/g,
    resolve: (m, t) =>
      m[1] === '初'
        ? formatLocalDate(t.year + 1, 1, 1)
        : m[1] === '中'
          ? formatLocalDate(t.year + 1, 6, 30)
          : formatLocalDate(t.year + 1, 12, 31),
  },
  {
    re: new RegExp(`(?:今年(?:底|末|内)?|(?<!\\d年?)年(?:底|末|终))${ZH_BY}`, 'g'),
    resolve: (_m, t) => formatLocalDate(t.year, 12, 31),
  },
  {
    re: new RegExp(
      `(?:(20\\d{2})年)?(${CN_NUM})月(?:份)?(${CN_NUM})(?:日|号)?(?![0-9个天周月年万千百亿])${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => {
      const month = cnCount(m[2]!);
      const day = cnCount(m[3]!);
      const year = fullYear(m[1]);
      return year ? exact(year, month, day) : yearless(t, month, day);
    },
  },
  {
    re: new RegExp(
      `(?:(20\\d{2})年)?(?<![0-9个])(${CN_NUM})月(?:份)?(底|末|尾|初|中|上旬|中旬|下旬|内)?${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => {
      const month = cnCount(m[2]!);
      if (!Number.isInteger(month) || month < 1 || month > 12) return null;
      const which = m[3] ?? '';
      const day =
        which === '初' || which === '上旬' ? 1 : which === '中' || which === '中旬' ? 15 : 'end';
      const year = fullYear(m[1]);
      if (year)
        return day === 'end'
          ? endOfMonth(formatLocalDate(year, month, 1))
          : exact(year, month, day);
      return yearless(t, month, day);
    },
  },
  {
    re: /(20\d{2})年(底|末|初|内)?/g,
    resolve: (m) =>
      m[2] === '初' ? formatLocalDate(num(m[1]), 1, 1) : formatLocalDate(num(m[1]), 12, 31),
  },
  {
    re: new RegExp(
      `(?<![月0-9零〇一二两三四五六七八九十])(${CN_NUM})(?:号|日)(?![0-9])${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => dayOfMonth(t, cnCount(m[1]!)),
  },
  {
    re: new RegExp(
      `(?:过)?(${CN_NUM}|半|几)(?:个)?(工作日|天|日|周|星期|礼拜|月|年)(?:后|之后|以后|内|之内|以内|左右)`,
      'g',
    ),
    resolve: (m, t) => addSpan(t, cnCount(m[1]!), m[2]!),
  },
  {
    re: new RegExp(`过(${CN_NUM}|几)(?:个)?(天|周|星期|礼拜)`, 'g'),
    resolve: (m, t) => addSpan(t, cnCount(m[1]!), m[2]!),
  },
];

// ---- chrono fallback -------------------------------------------------------------

/**
 * chrono knows many English absolute forms beyond the rules above. It reads
 * times in a fixed UTC offset, not a zone, so it is given the member's wall
 * clock as if it were UTC and its day/month/year components are read back.
 */
function chronoSpans(text: string, t: Today, taken: DateSpan[]): DateSpan[] {
  if (!/[A-Za-z]/.test(text)) return [];
  const instant = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute));
  const out: DateSpan[] = [];
  for (const r of chrono.en.parse(text, { instant, timezone: 0 }, { forwardDate: true })) {
    const start = r.index;
    const end = r.index + r.text.length;
    if (!r.start.isCertain('day') || !r.start.isCertain('month')) continue;
    if (!/[A-Za-z]/.test(r.text)) continue;
    if (taken.some((s) => start < s.end && s.start < end)) continue;
    const month = r.start.get('month');
    const day = r.start.get('day');
    if (month === null || day === null) continue;
    const year = r.start.isCertain('year') ? r.start.get('year') : null;
    const date = year !== null ? exact(year, month, day) : yearless(t, month, day);
    if (date) out.push({ start, end, date });
  }
  return out;
}

// ---- public API ----------------------------------------------------------------

function todayIn(now: Date, timeZone: string): Today {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown IANA timezone: ${timeZone}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('invalid "now" date');
  const p = localParts(now, timeZone);
  return {
    date: toLocalDate(now, timeZone),
    year: p.year,
    month: p.month,
    day: p.day,
    weekday: p.weekday,
    hour: p.hour,
    minute: p.minute,
  };
}

/**
 * Every date phrase in already-cleaned text (see `prepareText`), with offsets
 * into that text, in reading order and never overlapping.
 */
export function scanDates(text: string, now: Date, timeZone: string): DateSpan[] {
  const t = todayIn(now, timeZone);
  const candidates: DateSpan[] = [];
  const hasLatin = /[A-Za-z]/.test(text);
  // English rules also cover numeric forms ("2026-12-04", "12/4") that Chinese text uses too.
  const rules = /[\u3400-\u9fff]/.test(text) ? [...EN_RULES, ...ZH_RULES] : EN_RULES;
  for (const rule of rules) {
    for (const m of text.matchAll(rule.re)) {
      if (m[0].length === 0) continue;
      let date: string | null = null;
      try {
        date = rule.resolve(m as RegExpExecArray, t);
      } catch {
        date = null;
      }
      if (date && parseLocalDate(date)) {
        candidates.push({ start: m.index, end: m.index + m[0].length, date });
      }
    }
  }
  // Earliest start wins, then the longest: "next Friday" beats "Friday", "12月底" beats "月底".
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: DateSpan[] = [];
  let lastEnd = -1;
  for (const c of candidates) {
    if (c.start >= lastEnd) {
      chosen.push(c);
      lastEnd = c.end;
    }
  }
  const extra = hasLatin && text.length <= 4000 ? chronoSpans(text, t, chosen) : [];
  return [...chosen, ...extra].sort((a, b) => a.start - b.start);
}

/** Every date phrase in a message, resolved to a local date in `timeZone`. */
export function findDatePhrases(text: string, now: Date, timeZone: string): FoundDate[] {
  const prepared = prepareText(text);
  return scanDates(prepared.text, now, timeZone).map((s) => {
    const index = prepared.map[s.start]!;
    const end = prepared.map[s.end - 1]! + 1;
    return { phrase: text.slice(index, end), index, date: s.date };
  });
}

/**
 * Resolve one date phrase ("next Friday", "下周五", "EOM", "Q1", "12/4") to a
 * local date in `timeZone`; null when it holds no date. Semantics: see the
 * module comment.
 */
export function resolveDatePhrase(phrase: string, now: Date, timeZone: string): string | null {
  return findDatePhrases(phrase, now, timeZone)[0]?.date ?? null;
}

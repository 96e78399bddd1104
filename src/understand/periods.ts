/**
 * Period words → calendar ranges in the asker's timezone.
 *
 * A period is named by a canonical key ("this_month", "last_quarter",
 * "next_30_days", "q4", "2026-q4", "2026-11", "2026", "2026-11-01..2026-11-30")
 * so that the offline router, the LLM tools and `--json` all speak the same
 * words; `resolvePeriod` turns a key into inclusive local dates against
 * "today" where the asker is. Weeks start on Monday (ISO 8601, and 周一 in
 * Chinese usage); quarters are calendar quarters.
 */
import {
  addDays,
  addMonths,
  daysInMonth,
  formatLocalDate,
  isValidLocalDate,
  parseLocalDate,
  startOfLocalDay,
  toLocalDate,
  weekdayOf,
} from '../lib/time.ts';

export const PERIOD_KEYS = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'next_week',
  'this_month',
  'last_month',
  'next_month',
  'this_quarter',
  'last_quarter',
  'next_quarter',
  'this_year',
  'last_year',
  'next_year',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'next_7_days',
  'next_30_days',
  'next_90_days',
  'q1',
  'q2',
  'q3',
  'q4',
] as const;
export type PeriodKey = (typeof PERIOD_KEYS)[number];

/** Every key `resolvePeriod` accepts: the named ones plus explicit years, quarters, months and ranges. */
export const PERIOD_PATTERN = new RegExp(
  `^(?:${PERIOD_KEYS.join('|')}|\\d{4}-q[1-4]|\\d{4}-\\d{2}|\\d{4}|\\d{4}-\\d{2}-\\d{2}\\.\\.\\d{4}-\\d{2}-\\d{2})$`,
);

export interface ResolvedPeriod {
  /** The key it was resolved from. */
  key: string;
  /** First day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to: string;
}

/** The longest explicit range accepted (about ten years): bigger ones are a mistake or an attack. */
const MAX_RANGE_DAYS = 3700;

function quarterOf(month: number): number {
  return Math.floor((month - 1) / 3) + 1;
}

function quarterRange(year: number, quarter: number): { from: string; to: string } {
  const first = (quarter - 1) * 3 + 1;
  return {
    from: formatLocalDate(year, first, 1),
    to: formatLocalDate(year, first + 2, daysInMonth(year, first + 2)),
  };
}

function monthRange(year: number, month: number): { from: string; to: string } {
  return {
    from: formatLocalDate(year, month, 1),
    to: formatLocalDate(year, month, daysInMonth(year, month)),
  };
}

/** Monday of the week a local date falls in. */
export function weekStart(date: string): string {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

/**
 * Resolve a period key against `today` (a local date in the asker's
 * timezone). Returns null for a key it does not know or an impossible range.
 * "next N days" runs from today to N days from today; "last N days" from N
 * days ago to today.
 */
export function resolvePeriod(key: string, today: string): ResolvedPeriod | null {
  const k = key.trim().toLowerCase();
  if (!PERIOD_PATTERN.test(k)) return null;
  const t = parseLocalDate(today);
  if (!t) return null;
  const out = (r: { from: string; to: string } | null): ResolvedPeriod | null =>
    r ? { key: k, from: r.from, to: r.to } : null;
  const q = quarterOf(t.month);
  const monthShift = (n: number) => {
    const d = parseLocalDate(addMonths(formatLocalDate(t.year, t.month, 1), n))!;
    return monthRange(d.year, d.month);
  };
  const quarterShift = (n: number) => {
    const index = t.year * 4 + (q - 1) + n;
    return quarterRange(Math.floor(index / 4), (index % 4) + 1);
  };
  const days = (from: number, to: number) => ({
    from: addDays(today, from),
    to: addDays(today, to),
  });
  switch (k) {
    case 'today':
      return out(days(0, 0));
    case 'yesterday':
      return out(days(-1, -1));
    case 'this_week':
    case 'last_week':
    case 'next_week': {
      const shift = k === 'this_week' ? 0 : k === 'last_week' ? -7 : 7;
      const from = addDays(weekStart(today), shift);
      return out({ from, to: addDays(from, 6) });
    }
    case 'this_month':
      return out(monthShift(0));
    case 'last_month':
      return out(monthShift(-1));
    case 'next_month':
      return out(monthShift(1));
    case 'this_quarter':
      return out(quarterShift(0));
    case 'last_quarter':
      return out(quarterShift(-1));
    case 'next_quarter':
      return out(quarterShift(1));
    case 'this_year':
    case 'last_year':
    case 'next_year': {
      const y = t.year + (k === 'this_year' ? 0 : k === 'last_year' ? -1 : 1);
      return out({ from: formatLocalDate(y, 1, 1), to: formatLocalDate(y, 12, 31) });
    }
    case 'last_7_days':
      return out(days(-7, 0));
    case 'last_30_days':
      return out(days(-30, 0));
    case 'last_90_days':
      return out(days(-90, 0));
    case 'next_7_days':
      return out(days(0, 7));
    case 'next_30_days':
      return out(days(0, 30));
    case 'next_90_days':
      return out(days(0, 90));
    case 'q1':
    case 'q2':
    case 'q3':
    case 'q4':
      return out(quarterRange(t.year, Number(k[1])));
  }
  let m = /^(\d{4})-q([1-4])$/.exec(k);
  if (m) return out(quarterRange(Number(m[1]), Number(m[2])));
  m = /^(\d{4})-(\d{2})$/.exec(k);
  if (m) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? out(monthRange(Number(m[1]), month)) : null;
  }
  m = /^(\d{4})$/.exec(k);
  if (m) return out({ from: `${m[1]}-01-01`, to: `${m[1]}-12-31` });
  m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(k);
  if (m) {
    const [from, to] = [m[1]!, m[2]!];
    if (!isValidLocalDate(from) || !isValidLocalDate(to) || from > to) return null;
    const p = parseLocalDate(from)!;
    const span =
      (Date.parse(`${to}T00:00:00Z`) - Date.UTC(p.year, p.month - 1, p.day)) / 86_400_000;
    return span <= MAX_RANGE_DAYS ? out({ from, to }) : null;
  }
  return null;
}

/** Resolve against an instant, in a timezone. */
export function resolvePeriodAt(key: string, now: Date, timeZone: string): ResolvedPeriod | null {
  return resolvePeriod(key, toLocalDate(now, timeZone));
}

/** The instants a period covers in a timezone: [start, end). */
export function periodInstants(
  period: Pick<ResolvedPeriod, 'from' | 'to'>,
  timeZone: string,
): { start: Date; end: Date } {
  return {
    start: startOfLocalDay(period.from, timeZone),
    end: startOfLocalDay(addDays(period.to, 1), timeZone),
  };
}

const NUM_ZH: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4 };

/** Phrases, most specific first; each maps to a key (or a function of the match). */
const PHRASES: [RegExp, (m: RegExpExecArray) => string | null][] = [
  // Explicit ranges and quarters of a named year.
  [
    /(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to|until|至|到|~|-)\s*(\d{4}-\d{2}-\d{2})/iu,
    (m) => `${m[1]}..${m[2]}`,
  ],
  [
    /\bq([1-4])\s*(?:of\s+)?(\d{4})\b|\b(\d{4})\s*q([1-4])\b/iu,
    (m) => `${m[2] ?? m[3]}-q${m[1] ?? m[4]}`,
  ],
  [
    /(\d{4})\s*年\s*(?:第\s*)?([1-4一二三四])\s*季度/u,
    (m) => `${m[1]}-q${Number(m[2]) || NUM_ZH[m[2]!]}`,
  ],
  [/(\d{4})\s*年\s*(\d{1,2})\s*月/u, (m) => `${m[1]}-${m[2]!.padStart(2, '0')}`],
  // Rolling windows.
  [
    /\b(?:in\s+the\s+|over\s+the\s+|within\s+the\s+)?(next|coming|last|past|previous)\s+(7|30|90)\s+days\b/iu,
    (m) => `${/next|coming/i.test(m[1]!) ? 'next' : 'last'}_${m[2]}_days`,
  ],
  [
    /(未来|接下来|今后|近|最近|过去)\s*(7|30|90|七|三十|九十)\s*(?:天|日)/u,
    (m) => {
      const n = { 七: '7', 三十: '30', 九十: '90' }[m[2]!] ?? m[2];
      return `${/未来|接下来|今后/u.test(m[1]!) ? 'next' : 'last'}_${n}_days`;
    },
  ],
  [/\b(?:next|coming)\s+week\b|下(?:个)?(?:周|星期|礼拜)/iu, () => 'next_week'],
  [/\b(?:last|previous|past)\s+week\b|上(?:个)?(?:周|星期|礼拜)/iu, () => 'last_week'],
  [/\bthis\s+week\b|本周|这周|这个?(?:星期|礼拜)|本星期/iu, () => 'this_week'],
  [/\b(?:next|coming)\s+month\b|下(?:个)?月/iu, () => 'next_month'],
  [/\b(?:last|previous|past)\s+month\b|上(?:个)?月/iu, () => 'last_month'],
  [/\bthis\s+month\b|本月|这个?月|当月/iu, () => 'this_month'],
  [/\b(?:next|coming)\s+quarter\b|下(?:个)?季度/iu, () => 'next_quarter'],
  [/\b(?:last|previous|past)\s+quarter\b|上(?:个)?季度/iu, () => 'last_quarter'],
  [/\bthis\s+quarter\b|本季度?|这个?季度|当季/iu, () => 'this_quarter'],
  [/\bnext\s+year\b|明年/iu, () => 'next_year'],
  [/\blast\s+year\b|去年/iu, () => 'last_year'],
  [/\bthis\s+year\b|\bytd\b|\byear\s+to\s+date\b|今年|本年/iu, () => 'this_year'],
  [/\bq([1-4])\b/iu, (m) => `q${m[1]}`],
  [/(?:第\s*)?([1-4一二三四])\s*季度/u, (m) => `q${Number(m[1]) || NUM_ZH[m[1]!]}`],
  [/\byesterday\b|昨天/iu, () => 'yesterday'],
  [/\btoday\b|今天|今日/iu, () => 'today'],
];

export interface FoundPeriod {
  key: string;
  /** Where the phrase was found, so callers can remove it before reading the rest. */
  index: number;
  length: number;
}

/** The first period phrase in a question (English or Chinese), as a key. */
export function findPeriod(text: string): FoundPeriod | null {
  for (const [re, toKey] of PHRASES) {
    const m = re.exec(text);
    if (!m) continue;
    const key = toKey(m);
    if (key && PERIOD_PATTERN.test(key)) return { key, index: m.index, length: m[0].length };
  }
  return null;
}

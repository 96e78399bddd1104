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
// English only: the package's main entry loads every locale (about 20 MB more resident memory).
import * as chronoEn from 'chrono-node/en';
import { formatLocalDate, isValidTimeZone, localParts, parseLocalDate } from '../lib/time.ts';
import { exact, type Today, yearless } from './date-rules/calendar.ts';
import { EN_RULES } from './date-rules/en.ts';
import { ZH_RULES } from './date-rules/zh.ts';
import { prepareText } from './text.ts';

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

// ---- chrono fallback -------------------------------------------------------------

// chrono also reads "1.2M" or "45w" as dates; only month-name and ordinal-day phrases are kept.
const CHRONO_HINT = /(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d(?:st|nd|rd|th)\b/i;

/**
 * chrono knows many English absolute forms beyond the rules ("Thursday the
 * 10th", "4th of December"). It reads times in a fixed UTC offset, not a
 * zone, so it is given the member's wall clock as if it were UTC and its
 * day/month/year components are read back.
 */
function chronoSpans(text: string, t: Today, taken: DateSpan[]): DateSpan[] {
  if (!/[A-Za-z]/.test(text)) return [];
  const instant = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute));
  const out: DateSpan[] = [];
  for (const r of chronoEn.parse(text, { instant, timezone: 0 }, { forwardDate: true })) {
    const start = r.index;
    const end = r.index + r.text.length;
    if (!r.start.isCertain('day') || !r.start.isCertain('month')) continue;
    if (!CHRONO_HINT.test(r.text)) continue;
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
    date: formatLocalDate(p.year, p.month, p.day),
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
  // chrono only adds month-name and ordinal-day phrases here, so skip it when there are none.
  const chronoCould = hasLatin && text.length <= 4000 && CHRONO_HINT.test(text);
  const extra = chronoCould ? chronoSpans(text, t, chosen) : [];
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

/** English date phrases: weekdays, relative days and periods, quarters, spans, absolute dates, holidays. */
import { addDays, endOfMonth, formatLocalDate } from '../../lib/time.ts';
import {
  addSpan,
  comingWeekday,
  dayOfMonth,
  EN_NUM,
  enCount,
  enMonth,
  enWeekday,
  exact,
  fullYear,
  MONTH,
  monthDay,
  monthEnd,
  num,
  quarterEnd,
  type Rule,
  relativeQuarterEnd,
  relMod,
  thanksgiving,
  thisWeekday,
  WD,
  weekdayOfWeek,
  weekdayPhrase,
  yearless,
} from './calendar.ts';

export const EN_RULES: Rule[] = [
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
  { re: /\b(?:christmas|xmas)\s+eve\b/gi, resolve: (_m, t) => yearless(t, 12, 24) },
  { re: /\b(?:christmas|xmas)(?:\s+day)?\b/gi, resolve: (_m, t) => yearless(t, 12, 25) },
  {
    re: /\bnew\s+year'?s?(?:\s+(?:day|eve))?\b/gi,
    resolve: (m, t) => (/eve/i.test(m[0]) ? yearless(t, 12, 31) : yearless(t, 1, 1)),
  },
  { re: /\bthanksgiving\b/gi, resolve: (_m, t) => thanksgiving(t) },
  {
    re: /\bthe (\d{1,2})(?:st|nd|rd|th)\b(?!\s{1,3}(?:of|quarter|floor|time|version|gen|attempt|call|meeting|round))/gi,
    resolve: (m, t) => dayOfMonth(t, num(m[1])),
  },
];

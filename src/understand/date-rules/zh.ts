/** Chinese date phrases: 周五 / 下周五前, 明天 / 后天, 月底 / 下个月, 季度, 两周后, 12月4日, holidays. */
import { addDays, endOfMonth, formatLocalDate } from '../../lib/time.ts';
import { parseChineseNumber } from '../text.ts';
import {
  addSpan,
  CN_NUM,
  CN_WD,
  cnCount,
  dayOfMonth,
  exact,
  fullYear,
  monthDay,
  monthEnd,
  num,
  quarterEnd,
  type Rule,
  relativeQuarterEnd,
  relMod,
  thisWeekday,
  weekdayOfWeek,
  weekdayPhrase,
  yearless,
  ZH_BY,
  ZH_WEEKDAYS,
} from './calendar.ts';

export const ZH_RULES: Rule[] = [
  { re: new RegExp(`平安夜${ZH_BY}`, 'g'), resolve: (_m, t) => yearless(t, 12, 24) },
  { re: new RegExp(`圣诞(?:节)?${ZH_BY}`, 'g'), resolve: (_m, t) => yearless(t, 12, 25) },
  { re: new RegExp(`元旦${ZH_BY}`, 'g'), resolve: (_m, t) => yearless(t, 1, 1) },
  { re: new RegExp(`国庆(?:节)?${ZH_BY}`, 'g'), resolve: (_m, t) => yearless(t, 10, 1) },
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
      `(?:(20\\d{2})年|(今年|明年))?(${CN_NUM})月(?:份)?(${CN_NUM})(?:日|号)?(?![0-9个天周月年万千百亿])${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => {
      const month = cnCount(m[3]!);
      const day = cnCount(m[4]!);
      const year = m[2] ? t.year + (m[2] === '明年' ? 1 : 0) : fullYear(m[1]);
      return year ? exact(year, month, day) : yearless(t, month, day);
    },
  },
  {
    re: new RegExp(
      `(?:(20\\d{2})年|(今年|明年))?(?<![0-9个])(${CN_NUM})月(?:份)?(底|末|尾|初|中|上旬|中旬|下旬|内)?${ZH_BY}`,
      'g',
    ),
    resolve: (m, t) => {
      const month = cnCount(m[3]!);
      if (!Number.isInteger(month) || month < 1 || month > 12) return null;
      const which = m[4] ?? '';
      const day =
        which === '初' || which === '上旬' ? 1 : which === '中' || which === '中旬' ? 15 : 'end';
      const year = m[2] ? t.year + (m[2] === '明年' ? 1 : 0) : fullYear(m[1]);
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

// Proves period words (English and Chinese) resolve to the right calendar ranges in the asker's timezone, including across midnight, year ends and DST.
import { describe, expect, it } from 'vitest';
import {
  findPeriod,
  PERIOD_KEYS,
  periodInstants,
  resolvePeriod,
  resolvePeriodAt,
} from '../../src/understand/periods.ts';

const range = (key: string, today: string) => {
  const p = resolvePeriod(key, today);
  return p ? [p.from, p.to] : null;
};

describe('resolvePeriod', () => {
  // Wednesday 2026-11-25.
  const today = '2026-11-25';
  it.each([
    ['today', '2026-11-25', '2026-11-25'],
    ['yesterday', '2026-11-24', '2026-11-24'],
    ['this_week', '2026-11-23', '2026-11-29'],
    ['last_week', '2026-11-16', '2026-11-22'],
    ['next_week', '2026-11-30', '2026-12-06'],
    ['this_month', '2026-11-01', '2026-11-30'],
    ['last_month', '2026-10-01', '2026-10-31'],
    ['next_month', '2026-12-01', '2026-12-31'],
    ['this_quarter', '2026-10-01', '2026-12-31'],
    ['last_quarter', '2026-07-01', '2026-09-30'],
    ['next_quarter', '2027-01-01', '2027-03-31'],
    ['this_year', '2026-01-01', '2026-12-31'],
    ['last_year', '2025-01-01', '2025-12-31'],
    ['next_year', '2027-01-01', '2027-12-31'],
    ['last_7_days', '2026-11-18', '2026-11-25'],
    ['last_30_days', '2026-10-26', '2026-11-25'],
    ['last_90_days', '2026-08-27', '2026-11-25'],
    ['next_7_days', '2026-11-25', '2026-12-02'],
    ['next_30_days', '2026-11-25', '2026-12-25'],
    ['next_90_days', '2026-11-25', '2027-02-23'],
    ['q1', '2026-01-01', '2026-03-31'],
    ['q2', '2026-04-01', '2026-06-30'],
    ['q3', '2026-07-01', '2026-09-30'],
    ['q4', '2026-10-01', '2026-12-31'],
    ['2025-q2', '2025-04-01', '2025-06-30'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2025', '2025-01-01', '2025-12-31'],
    ['2026-11-03..2026-11-09', '2026-11-03', '2026-11-09'],
  ])('%s', (key, from, to) => {
    expect(range(key, today)).toEqual([from, to]);
  });

  it('covers every named key', () => {
    for (const k of PERIOD_KEYS) expect(resolvePeriod(k, today), k).not.toBeNull();
  });

  it('rolls over year boundaries', () => {
    expect(range('last_quarter', '2026-02-10')).toEqual(['2025-10-01', '2025-12-31']);
    expect(range('next_quarter', '2026-12-31')).toEqual(['2027-01-01', '2027-03-31']);
    expect(range('last_month', '2026-01-15')).toEqual(['2025-12-01', '2025-12-31']);
    expect(range('next_month', '2026-12-01')).toEqual(['2027-01-01', '2027-01-31']);
    expect(range('this_week', '2027-01-01')).toEqual(['2026-12-28', '2027-01-03']);
    // A Sunday belongs to the week that started on Monday.
    expect(range('this_week', '2026-11-29')).toEqual(['2026-11-23', '2026-11-29']);
  });

  it('refuses what it does not know or cannot be', () => {
    for (const bad of [
      'soon',
      'q5',
      '2026-13',
      '2026-02-30..2026-03-01',
      '2026-12-01..2026-11-01',
      '1990-01-01..2020-01-01',
      "this_month'; drop table deals",
    ])
      expect(resolvePeriod(bad, today), bad).toBeNull();
  });
});

describe('resolvePeriodAt: the asker’s timezone decides the day', () => {
  it('one instant, three zones, three answers', () => {
    // 2026-12-31 20:00 UTC: still 2026 in New York, already 2027 in Shanghai and Auckland.
    const instant = new Date('2026-12-31T20:00:00Z');
    expect(resolvePeriodAt('this_year', instant, 'America/New_York')?.from).toBe('2026-01-01');
    expect(resolvePeriodAt('this_year', instant, 'Asia/Shanghai')?.from).toBe('2027-01-01');
    expect(resolvePeriodAt('this_month', instant, 'Pacific/Auckland')?.from).toBe('2027-01-01');
    expect(resolvePeriodAt('this_quarter', instant, 'America/Los_Angeles')?.from).toBe(
      '2026-10-01',
    );
    expect(resolvePeriodAt('this_quarter', instant, 'Asia/Tokyo')?.from).toBe('2027-01-01');
  });

  it('Monday morning in Shanghai is still Sunday in New York', () => {
    const instant = new Date('2026-11-29T20:00:00Z');
    expect(resolvePeriodAt('this_week', instant, 'Asia/Shanghai')?.from).toBe('2026-11-30');
    expect(resolvePeriodAt('this_week', instant, 'America/New_York')?.from).toBe('2026-11-23');
    expect(resolvePeriodAt('last_week', instant, 'Asia/Shanghai')?.from).toBe('2026-11-23');
  });

  it('turns a range into instants at local midnight, across a DST change', () => {
    const p = resolvePeriod('this_month', '2026-11-10')!;
    const { start, end } = periodInstants(p, 'America/New_York');
    // November 1 starts in daylight time (UTC-4); December 1 in standard time (UTC-5).
    expect(start.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(end.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    const sh = periodInstants(p, 'Asia/Shanghai');
    expect(sh.start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });
});

describe('findPeriod', () => {
  it.each([
    ['what is closing this month?', 'this_month'],
    ['deals we won last month', 'last_month'],
    ['pipeline for next month', 'next_month'],
    ['win rate this quarter', 'this_quarter'],
    ['how did we do last quarter', 'last_quarter'],
    ['forecast for next quarter', 'next_quarter'],
    ['Q4 bookings', 'q4'],
    ['q2 2025 win rate', '2025-q2'],
    ['this week', 'this_week'],
    ['what happened last week', 'last_week'],
    ['due next week', 'next_week'],
    ['this year so far', 'this_year'],
    ['compared with last year', 'last_year'],
    ['in the next 30 days', 'next_30_days'],
    ['over the past 90 days', 'last_90_days'],
    ['today', 'today'],
    ['from 2026-11-01 to 2026-11-15', '2026-11-01..2026-11-15'],
    ['本月有哪些单子要签', 'this_month'],
    ['这个月', 'this_month'],
    ['上个月赢了多少', 'last_month'],
    ['上月', 'last_month'],
    ['下个月', 'next_month'],
    ['下季度要成交的单子', 'next_quarter'],
    ['本季度赢单率', 'this_quarter'],
    ['上季度', 'last_quarter'],
    ['今年', 'this_year'],
    ['去年', 'last_year'],
    ['上周大家的动态', 'last_week'],
    ['本周新增', 'this_week'],
    ['下周', 'next_week'],
    ['第四季度', 'q4'],
    ['2026年第三季度', '2026-q3'],
    ['2026年3月', '2026-03'],
    ['未来30天', 'next_30_days'],
    ['最近七天', 'last_7_days'],
    ['今天', 'today'],
  ])('%s → %s', (text, key) => {
    expect(findPeriod(text.toLowerCase())?.key).toBe(key);
  });

  it('finds nothing where there is no period', () => {
    expect(findPeriod('what is in negotiation?')).toBeNull();
    expect(findPeriod('谈判阶段有哪些单子')).toBeNull();
  });
});

// Proves date phrases in English and Chinese resolve to the member's local calendar day, across zones and DST changes.
import { describe, expect, it } from 'vitest';
import { findDatePhrases, resolveDatePhrase } from '../../src/understand/dates.ts';

const SHANGHAI = 'Asia/Shanghai';
// Wednesday 2026-11-25, 09:30 in Shanghai: the contract's example.
const WED = new Date('2026-11-25T09:30:00+08:00');

describe('resolveDatePhrase', () => {
  it('resolves the contract example and its English twin', () => {
    expect(resolveDatePhrase('下周五', WED, SHANGHAI)).toBe('2026-12-04');
    expect(resolveDatePhrase('next Friday', WED, SHANGHAI)).toBe('2026-12-04');
    expect(resolveDatePhrase('Friday', WED, SHANGHAI)).toBe('2026-11-27');
    expect(resolveDatePhrase('this Friday', WED, SHANGHAI)).toBe('2026-11-27');
    expect(resolveDatePhrase('周五', WED, SHANGHAI)).toBe('2026-11-27');
    expect(resolveDatePhrase('周五前', WED, SHANGHAI)).toBe('2026-11-27');
  });

  it.each([
    ['tomorrow', '2026-11-26'],
    ['tmrw', '2026-11-26'],
    ['EOD', '2026-11-25'],
    ['EOW', '2026-11-27'],
    ['EOM', '2026-11-30'],
    ['end of month', '2026-11-30'],
    ['in two weeks', '2026-12-09'],
    ['in 3 business days', '2026-11-30'],
    ['Dec 4', '2026-12-04'],
    ['December 4th, 2027', '2027-12-04'],
    ['4th of December', '2026-12-04'],
    ['12/4', '2026-12-04'],
    ['2026-12-04', '2026-12-04'],
    ['Q1', '2027-03-31'],
    ['Q2', '2027-06-30'],
    ['Q3', '2027-09-30'],
    ['Q4', '2026-12-31'],
    ['end of Q1', '2027-03-31'],
    ['Q1 2028', '2028-03-31'],
    ['next week', '2026-12-04'],
    ['early next month', '2026-12-01'],
    ['mid-Dec', '2026-12-15'],
    ['the 15th', '2026-12-15'],
    ['Christmas', '2026-12-25'],
    ['明天', '2026-11-26'],
    ['后天', '2026-11-27'],
    ['大后天', '2026-11-28'],
    ['月底', '2026-11-30'],
    ['本月底', '2026-11-30'],
    ['下个月', '2026-12-31'],
    ['下月初', '2026-12-01'],
    ['两周后', '2026-12-09'],
    ['三天后', '2026-11-28'],
    ['3个工作日内', '2026-11-30'],
    ['12月4日', '2026-12-04'],
    ['十二月四号', '2026-12-04'],
    ['12月中旬', '2026-12-15'],
    ['年底', '2026-12-31'],
    ['下季度', '2027-03-31'],
    ['本季度末', '2026-12-31'],
    ['明年Q1', '2027-03-31'],
    ['明年1月', '2027-01-31'],
    ['下下周三', '2026-12-09'],
    ['这周内', '2026-11-27'],
    ['下周', '2026-12-04'],
  ])('%s → %s', (phrase, date) => {
    expect(resolveDatePhrase(phrase, WED, SHANGHAI)).toBe(date);
  });

  it('reads a bare weekday as strictly after today, "this" as the current week', () => {
    const friday = new Date('2026-11-27T10:00:00+08:00');
    expect(resolveDatePhrase('Friday', friday, SHANGHAI)).toBe('2026-12-04');
    expect(resolveDatePhrase('周五', friday, SHANGHAI)).toBe('2026-12-04');
    expect(resolveDatePhrase('this Friday', friday, SHANGHAI)).toBe('2026-11-27');
    expect(resolveDatePhrase('这周五', friday, SHANGHAI)).toBe('2026-11-27');
    const saturday = new Date('2026-11-28T10:00:00+08:00');
    expect(resolveDatePhrase('this Friday', saturday, SHANGHAI)).toBe('2026-12-04');
    expect(resolveDatePhrase('EOW', saturday, SHANGHAI)).toBe('2026-12-04');
    const sunday = new Date('2026-11-29T10:00:00+08:00');
    expect(resolveDatePhrase('next Friday', sunday, SHANGHAI)).toBe('2026-12-04');
    expect(resolveDatePhrase('下周五', sunday, SHANGHAI)).toBe('2026-12-04');
  });

  it('rolls yearless dates more than 30 days back into next year', () => {
    expect(resolveDatePhrase('Jan 10', WED, SHANGHAI)).toBe('2027-01-10');
    expect(resolveDatePhrase('11/20', WED, SHANGHAI)).toBe('2026-11-20');
    expect(resolveDatePhrase('3月', WED, SHANGHAI)).toBe('2027-03-31');
  });

  it('uses the calendar day of the member, not of UTC', () => {
    // 20:30 UTC on Friday 27 Nov is already Saturday in Asia and Oceania.
    const t = new Date('2026-11-27T20:30:00Z');
    const table = {
      'Asia/Shanghai': ['2026-11-28', '2026-11-29', '2026-12-04'],
      'America/Chicago': ['2026-11-27', '2026-11-28', '2026-11-27'],
      'Asia/Kolkata': ['2026-11-28', '2026-11-29', '2026-12-04'],
      'Pacific/Auckland': ['2026-11-28', '2026-11-29', '2026-12-04'],
    };
    for (const [zone, [today, tomorrow, eow]] of Object.entries(table)) {
      expect(resolveDatePhrase('today', t, zone), zone).toBe(today);
      expect(resolveDatePhrase('明天', t, zone), zone).toBe(tomorrow);
      expect(resolveDatePhrase('EOW', t, zone), zone).toBe(eow);
    }
    // Kolkata's half-hour offset: 18:45 UTC is 00:15 the next day.
    expect(resolveDatePhrase('tomorrow', new Date('2026-11-27T18:45:00Z'), 'Asia/Kolkata')).toBe(
      '2026-11-29',
    );
  });

  it('counts from the local date at 23:30 on the eve of a US DST change', () => {
    // Saturday 7 March 2026, 23:30 CST: already Sunday 05:30 in UTC; clocks spring forward at 02:00.
    const springEve = new Date('2026-03-07T23:30:00-06:00');
    const chicago = 'America/Chicago';
    expect(resolveDatePhrase('tomorrow', springEve, chicago)).toBe('2026-03-08');
    expect(resolveDatePhrase('Monday', springEve, chicago)).toBe('2026-03-09');
    expect(resolveDatePhrase('next Friday', springEve, chicago)).toBe('2026-03-13');
    expect(resolveDatePhrase('in two weeks', springEve, chicago)).toBe('2026-03-21');
    expect(resolveDatePhrase('明天', springEve, chicago)).toBe('2026-03-08');
    // Saturday 31 October 2026, 23:30 CDT: clocks fall back at 02:00 on 1 November.
    const fallEve = new Date('2026-10-31T23:30:00-05:00');
    expect(resolveDatePhrase('tomorrow', fallEve, chicago)).toBe('2026-11-01');
    expect(resolveDatePhrase('next week', fallEve, chicago)).toBe('2026-11-06');
    // Auckland's DST ends on Sunday 5 April 2026.
    expect(
      resolveDatePhrase('tomorrow', new Date('2026-04-04T23:30:00+13:00'), 'Pacific/Auckland'),
    ).toBe('2026-04-05');
  });

  it('returns null without a date and rejects unknown zones', () => {
    expect(resolveDatePhrase('met Acme', WED, SHANGHAI)).toBeNull();
    expect(resolveDatePhrase('', WED, SHANGHAI)).toBeNull();
    expect(resolveDatePhrase('24/7 support', WED, SHANGHAI)).toBeNull();
    expect(() => resolveDatePhrase('tomorrow', WED, 'Mars/Olympus')).toThrow(/timezone/);
  });
});

describe('findDatePhrases', () => {
  it('reports each phrase with its offset in the original text', () => {
    const text = '今天拜访了华为,需要私有化部署,预算50万,下周五前发方案';
    const found = findDatePhrases(text, WED, SHANGHAI);
    expect(found).toEqual([
      { phrase: '今天', index: 0, date: '2026-11-25' },
      { phrase: '下周五前', index: 22, date: '2026-12-04' },
    ]);
  });

  it('keeps offsets right through full-width text and zero-width characters', () => {
    const text = 'ｆｏｌｌｏｗ ｕｐ\u200b Ｆｒｉｄａｙ，close by end of Q1';
    const found = findDatePhrases(text, WED, SHANGHAI);
    expect(found.map((f) => [f.phrase, f.date])).toEqual([
      ['Ｆｒｉｄａｙ', '2026-11-27'],
      ['end of Q1', '2027-03-31'],
    ]);
    for (const f of found) expect(text.slice(f.index, f.index + f.phrase.length)).toBe(f.phrase);
  });

  it('does not read amounts, versions or phone numbers as dates', () => {
    const text = 'Acme $1.2M, v2.3, call 555-123-4567, 预算45w, 20% off';
    expect(findDatePhrases(text, WED, SHANGHAI)).toEqual([]);
  });
});

// Proves local-date arithmetic and wall-clock ↔ instant conversion are right across zones and DST changes.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysBetween,
  endOfMonth,
  endOfQuarter,
  formatClock,
  inDailyWindow,
  isoWeekdayOf,
  isValidLocalDate,
  localMinuteOfDay,
  parseClock,
  quarterOf,
  startOfWeek,
  toLocalDate,
  weekdayOf,
  zonedTimeToInstant,
} from '../../src/lib/time.ts';

describe('time', () => {
  it('reads the local date of an instant in different zones', () => {
    const t = new Date('2026-11-27T20:30:00Z');
    expect(toLocalDate(t, 'Asia/Shanghai')).toBe('2026-11-28');
    expect(toLocalDate(t, 'America/Chicago')).toBe('2026-11-27');
    expect(toLocalDate(t, 'Asia/Kolkata')).toBe('2026-11-28');
  });

  it('does calendar arithmetic', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', -11)).toBe('2025-12-15');
    expect(weekdayOf('2026-11-27')).toBe(5);
    expect(daysBetween('2026-11-01', '2026-12-01')).toBe(30);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
    expect(isValidLocalDate('2028-02-29')).toBe(true);
  });

  it('finds month ends, Monday-first weeks and quarters', () => {
    expect(endOfMonth('2026-11-25')).toBe('2026-11-30');
    expect(endOfMonth('2028-02-03')).toBe('2028-02-29');
    expect(startOfWeek('2026-11-25')).toBe('2026-11-23');
    expect(startOfWeek('2026-11-29')).toBe('2026-11-23');
    expect(startOfWeek('2026-11-30')).toBe('2026-11-30');
    expect(endOfQuarter(2027, 1)).toBe('2027-03-31');
    expect(endOfQuarter(2026, 4)).toBe('2026-12-31');
    expect(quarterOf('2026-11-25')).toBe(4);
    expect(quarterOf('2027-01-01')).toBe(1);
  });

  it('converts wall-clock times to instants on ordinary and DST days', () => {
    expect(zonedTimeToInstant('2026-11-28', '09:00', 'Asia/Shanghai').toISOString()).toBe(
      '2026-11-28T01:00:00.000Z',
    );
    // Chicago: CDT (-5) before 2026-11-01 02:00, CST (-6) after.
    expect(zonedTimeToInstant('2026-10-31', '09:00', 'America/Chicago').toISOString()).toBe(
      '2026-10-31T14:00:00.000Z',
    );
    expect(zonedTimeToInstant('2026-11-01', '09:00', 'America/Chicago').toISOString()).toBe(
      '2026-11-01T15:00:00.000Z',
    );
    // Ambiguous 01:30 on fall-back day: the first occurrence (CDT).
    expect(zonedTimeToInstant('2026-11-01', '01:30', 'America/Chicago').toISOString()).toBe(
      '2026-11-01T06:30:00.000Z',
    );
    // Skipped 02:30 on spring-forward day moves forward to 03:30 CDT.
    expect(zonedTimeToInstant('2026-03-08', '02:30', 'America/Chicago').toISOString()).toBe(
      '2026-03-08T08:30:00.000Z',
    );
    expect(zonedTimeToInstant('2026-03-08', '09:00', 'America/Chicago').toISOString()).toBe(
      '2026-03-08T14:00:00.000Z',
    );
    expect(zonedTimeToInstant('2026-03-08', '09:00', 'Asia/Kolkata').toISOString()).toBe(
      '2026-03-08T03:30:00.000Z',
    );
    expect(localMinuteOfDay(new Date('2026-03-08T14:00:00Z'), 'America/Chicago')).toBe(9 * 60);
  });

  it('reads wall-clock times and daily windows that may wrap midnight', () => {
    expect(parseClock('9:05')).toBe(545);
    expect(parseClock('09:05')).toBe(545);
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('9')).toBeNull();
    expect(parseClock(null)).toBeNull();
    expect(formatClock(545)).toBe('09:05');
    expect(inDailyWindow(23 * 60, 22 * 60, 7 * 60)).toBe(true);
    expect(inDailyWindow(6 * 60 + 59, 22 * 60, 7 * 60)).toBe(true);
    expect(inDailyWindow(7 * 60, 22 * 60, 7 * 60)).toBe(false);
    expect(inDailyWindow(12 * 60, 9 * 60, 17 * 60)).toBe(true);
    expect(inDailyWindow(17 * 60, 9 * 60, 17 * 60)).toBe(false);
    expect(inDailyWindow(12 * 60, 12 * 60, 12 * 60)).toBe(false);
    expect(isoWeekdayOf('2026-11-29')).toBe(7);
    expect(isoWeekdayOf('2026-11-30')).toBe(1);
  });
});

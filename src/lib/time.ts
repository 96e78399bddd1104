/**
 * Calendar arithmetic in IANA timezones without a date library.
 *
 * A "local date" is a `YYYY-MM-DD` string: the calendar day somewhere, not an
 * instant. Instants are `Date`s. Conversions go through `Intl`, so they are
 * correct on DST change days.
 */

const partsCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The last reading per timezone: one message asks about the same instant several times. */
const lastReading = new Map<string, { time: number; parts: LocalParts }>();

/** The wall-clock reading of an instant in a timezone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const time = instant.getTime();
  const last = lastReading.get(timeZone);
  if (last?.time === time) return { ...last.parts };
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) out[p.type] = p.value;
  const parts: LocalParts = {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday ?? 'Sun'] ?? 0,
  };
  // Bounded like the formatters: one entry per timezone in use.
  if (!Number.isNaN(time)) lastReading.set(timeZone, { time, parts: { ...parts } });
  return parts;
}

const validZones = new Map<string, boolean>();

/** True when the zone is a valid IANA timezone name (cached: building a formatter is slow). */
export function isValidTimeZone(timeZone: string): boolean {
  let valid = validZones.get(timeZone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      valid = true;
    } catch {
      valid = false;
    }
    if (validZones.size < 1000) validZones.set(timeZone, valid);
  }
  return valid;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatLocalDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The calendar day an instant falls on in a timezone. */
export function toLocalDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return formatLocalDate(p.year, p.month, p.day);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse `YYYY-MM-DD`; null unless it is a real calendar date. */
export function parseLocalDate(s: string): { year: number; month: number; day: number } | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return null;
  }
  return { year, month, day };
}

export function isValidLocalDate(s: string): boolean {
  return parseLocalDate(s) !== null;
}

function utcOf(date: string): Date {
  const p = parseLocalDate(date);
  if (!p) throw new RangeError(`not a calendar date: ${date}`);
  return new Date(Date.UTC(p.year, p.month - 1, p.day));
}

export function addDays(date: string, days: number): string {
  const d = utcOf(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Add calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const p = parseLocalDate(date);
  if (!p) throw new RangeError(`not a calendar date: ${date}`);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(p.day, daysInMonth(year, month));
  return formatLocalDate(year, month, day);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday, for a local date. */
export function weekdayOf(date: string): number {
  return utcOf(date).getUTCDay();
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcOf(b).getTime() - utcOf(a).getTime()) / 86_400_000);
}

/**
 * The instant at which a wall-clock time occurs on a local date in a zone.
 * A time skipped by a DST jump maps forward (02:30 on a spring-forward day
 * becomes 03:30); an ambiguous time takes its first occurrence.
 */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): Date {
  const p = parseLocalDate(date);
  const tm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!p || !tm) throw new RangeError(`bad local date/time: ${date} ${time}`);
  const wantMs = Date.UTC(
    p.year,
    p.month - 1,
    p.day,
    Number(tm[1]),
    Number(tm[2]),
    Number(tm[3] ?? 0),
  );
  // The offsets a day either side bracket any transition near this time.
  const before = wantMs - offsetMs(new Date(wantMs - 86_400_000), timeZone);
  const after = wantMs - offsetMs(new Date(wantMs + 86_400_000), timeZone);
  const valid = [before, after].filter((c) => localWallMs(new Date(c), timeZone) === wantMs);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // A wall time skipped by a spring-forward jump: the pre-jump offset moves it forward.
  return new Date(before);
}

function localWallMs(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The zone's UTC offset at an instant, in milliseconds (east positive). */
export function offsetMs(instant: Date, timeZone: string): number {
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return localWallMs(new Date(wholeSeconds), timeZone) - wholeSeconds;
}

/** Start of a local day as an instant. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return zonedTimeToInstant(date, '00:00', timeZone);
}

/** Minutes since local midnight for an instant in a zone. */
export function localMinuteOfDay(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return p.hour * 60 + p.minute;
}

/** The last calendar day of the month a local date falls in. */
export function endOfMonth(date: string): string {
  const p = parseLocalDate(date);
  if (!p) throw new RangeError(`not a calendar date: ${date}`);
  return formatLocalDate(p.year, p.month, daysInMonth(p.year, p.month));
}

/** The Monday of the (Monday-first, ISO) week a local date falls in. */
export function startOfWeek(date: string): string {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

/** The last day of the calendar quarter (1–4) of a year. */
export function endOfQuarter(year: number, quarter: number): string {
  const month = Math.min(4, Math.max(1, Math.trunc(quarter))) * 3;
  return formatLocalDate(year, month, daysInMonth(year, month));
}

/** The calendar quarter (1–4) of a local date. */
export function quarterOf(date: string): number {
  const p = parseLocalDate(date);
  if (!p) throw new RangeError(`not a calendar date: ${date}`);
  return Math.floor((p.month - 1) / 3) + 1;
}

const CLOCK_RE = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight for an `HH:MM` wall-clock time; null when it is not one. */
export function parseClock(s: string | null | undefined): number | null {
  const m = s ? CLOCK_RE.exec(s.trim()) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** `HH:MM` for minutes since midnight. */
export function formatClock(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * Whether a minute of the day falls in a daily window [start, end). A window
 * whose end is not after its start wraps midnight (22:00–07:00); an empty one
 * (start = end) contains nothing.
 */
export function inDailyWindow(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(date: string): number {
  return weekdayOf(date) || 7;
}

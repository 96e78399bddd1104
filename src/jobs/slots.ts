/**
 * Which digest and nudge slots are due at an instant: plain functions of
 * `now` and the workspace and member rows, so ticks, tests and the CLI agree
 * and nothing waits on a real clock. A slot is one post on one local date,
 * keyed so that it can be claimed (and sent) once.
 */
import type { Member, Workspace } from '../db/schema.ts';
import {
  addDays,
  formatClock,
  inDailyWindow,
  isoWeekdayOf,
  localMinuteOfDay,
  parseClock,
  toLocalDate,
  zonedTimeToInstant,
} from '../lib/time.ts';
import { memberTimezone } from '../pipeline/workspaces.ts';

export type JobName = 'digest' | 'nudge';

export type ScheduleWorkspace = Pick<
  Workspace,
  'id' | 'platform' | 'timezone' | 'digestChannel' | 'digestTime' | 'workingDays' | 'settings'
>;

export type ScheduleMember = Pick<
  Member,
  'id' | 'workspaceId' | 'timezone' | 'quietStart' | 'quietEnd' | 'canWrite' | 'settings'
>;

export interface Slot {
  job: JobName;
  /** `digest:<workspaceId>:<date>` or `nudge:<memberId>:<date>`: the job_runs slot and the outbound key. */
  key: string;
  workspaceId: string;
  memberId: string | null;
  /** The local date the slot belongs to (workspace zone for digests, member zone for nudges). */
  date: string;
  dueAt: Date;
}

export const DEFAULT_DIGEST_TIME = '09:00';
export const DEFAULT_NUDGE_TIME = '09:00';

export const digestKey = (workspaceId: string, date: string) => `digest:${workspaceId}:${date}`;
export const nudgeKey = (memberId: string, date: string) => `nudge:${memberId}:${date}`;

export function isWorkingDay(ws: Pick<Workspace, 'workingDays'>, date: string): boolean {
  const days = Array.isArray(ws.workingDays) ? ws.workingDays : [1, 2, 3, 4, 5];
  return days.includes(isoWeekdayOf(date));
}

export function nudgesEnabled(ws: Pick<Workspace, 'settings'>): boolean {
  return ws.settings.nudges !== false;
}

/** The member's quiet hours (their own when both ends are set, else the workspace's), in minutes. */
export function quietWindow(
  member: Pick<Member, 'quietStart' | 'quietEnd'>,
  ws: Pick<Workspace, 'settings'>,
): { start: number; end: number } | null {
  const ms = parseClock(member.quietStart);
  const me = parseClock(member.quietEnd);
  if (ms !== null && me !== null) return { start: ms, end: me };
  const q = ws.settings.quietHours;
  const s = parseClock(q?.start);
  const e = parseClock(q?.end);
  return s !== null && e !== null ? { start: s, end: e } : null;
}

/** True when the instant is inside the member's quiet hours, in the member's zone. */
export function isQuietAt(
  now: Date,
  member: Pick<Member, 'quietStart' | 'quietEnd' | 'timezone'>,
  ws: Pick<Workspace, 'settings' | 'timezone'>,
): boolean {
  const q = quietWindow(member, ws);
  if (!q) return false;
  return inDailyWindow(localMinuteOfDay(now, memberTimezone(member, ws)), q.start, q.end);
}

/**
 * The local time of a member's nudge: their own `nudgeTime` setting, else the
 * workspace's, else 09:00 — moved to the end of quiet hours when it falls in
 * them, or null when the quiet hours run past midnight from there (no nudge
 * that day rather than one at night).
 */
export function nudgeTimeOf(
  member: Pick<Member, 'quietStart' | 'quietEnd' | 'settings'>,
  ws: Pick<Workspace, 'settings'>,
): string | null {
  const own = parseClock(
    typeof member.settings.nudgeTime === 'string' ? member.settings.nudgeTime : null,
  );
  const minute =
    own ?? parseClock(ws.settings.nudgeTime) ?? (parseClock(DEFAULT_NUDGE_TIME) as number);
  const q = quietWindow(member, ws);
  if (!q || !inDailyWindow(minute, q.start, q.end)) return formatClock(minute);
  return q.end > minute ? formatClock(q.end) : null;
}

type ToInstant = (date: string, time: string, timeZone: string) => Date;

export function digestSlot(
  ws: ScheduleWorkspace,
  date: string,
  toInstant: ToInstant = zonedTimeToInstant,
): Slot | null {
  if (!ws.digestChannel || !isWorkingDay(ws, date)) return null;
  const time = parseClock(ws.digestTime) !== null ? ws.digestTime : DEFAULT_DIGEST_TIME;
  return {
    job: 'digest',
    key: digestKey(ws.id, date),
    workspaceId: ws.id,
    memberId: null,
    date,
    dueAt: toInstant(date, time, ws.timezone),
  };
}

export function nudgeSlot(
  ws: ScheduleWorkspace,
  member: ScheduleMember,
  date: string,
  toInstant: ToInstant = zonedTimeToInstant,
): Slot | null {
  if (!nudgesEnabled(ws) || !member.canWrite || !isWorkingDay(ws, date)) return null;
  const time = nudgeTimeOf(member, ws);
  if (!time) return null;
  return {
    job: 'nudge',
    key: nudgeKey(member.id, date),
    workspaceId: ws.id,
    memberId: member.id,
    date,
    dueAt: toInstant(date, time, memberTimezone(member, ws)),
  };
}

/** The local dates whose slots may still be due: today and the two days before. */
function recentDates(now: Date, timeZone: string): string[] {
  const today = toLocalDate(now, timeZone);
  return [addDays(today, -2), addDays(today, -1), today];
}

/**
 * Every slot whose time has come within `lookbackMs` before `now` (older
 * ones are forgotten). Oldest first.
 */
export function dueSlots(
  now: Date,
  workspaces: readonly ScheduleWorkspace[],
  members: readonly ScheduleMember[],
  lookbackMs: number,
): Slot[] {
  const from = now.getTime() - lookbackMs;
  const inRange = (s: Slot | null): s is Slot =>
    s !== null && s.dueAt.getTime() <= now.getTime() && s.dueAt.getTime() > from;
  const out: Slot[] = [];
  const byId = new Map(workspaces.map((w) => [w.id, w]));
  // Thousands of members share a handful of zones and times: each conversion is done once per tick.
  const datesByZone = new Map<string, string[]>();
  const dates = (timeZone: string) => {
    let d = datesByZone.get(timeZone);
    if (!d) {
      d = recentDates(now, timeZone);
      datesByZone.set(timeZone, d);
    }
    return d;
  };
  const instants = new Map<string, Date>();
  const toInstant: ToInstant = (date, time, timeZone) => {
    const k = `${timeZone}|${date}|${time}`;
    let at = instants.get(k);
    if (!at) {
      at = zonedTimeToInstant(date, time, timeZone);
      instants.set(k, at);
    }
    return at;
  };
  // A timezone the platform reported but Intl does not know yields no slots rather than no tick.
  const safely = (work: () => void) => {
    try {
      work();
    } catch {}
  };
  for (const ws of workspaces) {
    safely(() => {
      for (const date of dates(ws.timezone)) {
        const s = digestSlot(ws, date, toInstant);
        if (inRange(s)) out.push(s);
      }
    });
  }
  for (const m of members) {
    const ws = byId.get(m.workspaceId);
    if (!ws) continue;
    safely(() => {
      for (const date of dates(memberTimezone(m, ws))) {
        const s = nudgeSlot(ws, m, date, toInstant);
        if (inRange(s)) out.push(s);
      }
    });
  }
  return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

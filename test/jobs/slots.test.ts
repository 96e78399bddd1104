// Proves slot timing as plain functions of `now`: 09:00 local in Chicago and Kolkata across both US DST changes, working days, quiet hours, nudge time.
import { describe, expect, it } from 'vitest';
import {
  dueSlots,
  isQuietAt,
  nudgeSlot,
  nudgeTimeOf,
  type ScheduleMember,
  type ScheduleWorkspace,
} from '../../src/jobs/slots.ts';

const ws = (
  id: string,
  timezone: string,
  extra: Partial<ScheduleWorkspace> = {},
): ScheduleWorkspace => ({
  id,
  platform: 'slack',
  timezone,
  digestChannel: 'C1',
  digestTime: '09:00',
  workingDays: [1, 2, 3, 4, 5],
  settings: {},
  ...extra,
});

const member = (
  id: string,
  workspaceId: string,
  extra: Partial<ScheduleMember> = {},
): ScheduleMember => ({
  id,
  workspaceId,
  timezone: null,
  quietStart: null,
  quietEnd: null,
  canWrite: true,
  settings: {},
  ...extra,
});

/** Walk minute by minute and note the first minute each slot key is due. */
function firstDue(
  from: string,
  to: string,
  wss: ScheduleWorkspace[],
  ms: ScheduleMember[] = [],
): Map<string, string> {
  const seen = new Map<string, string>();
  for (let t = Date.parse(from); t <= Date.parse(to); t += 60_000) {
    for (const s of dueSlots(new Date(t), wss, ms, 3 * 3_600_000)) {
      if (!seen.has(s.key)) seen.set(s.key, new Date(t).toISOString());
    }
  }
  return seen;
}

describe('slots', () => {
  it('puts the digest at 09:00 local across the US fall-back change, Chicago moving and Kolkata not', () => {
    const chicago = ws('chi', 'America/Chicago', { workingDays: [1, 2, 3, 4, 5, 6, 7] });
    const kolkata = ws('kol', 'Asia/Kolkata');
    const due = firstDue('2026-10-30T00:00:00Z', '2026-11-03T23:59:00Z', [chicago, kolkata]);
    const mine = (id: string) =>
      [...due.entries()].filter(([k]) => k.startsWith(`digest:${id}:`)).sort();
    expect(mine('chi')).toEqual([
      ['digest:chi:2026-10-30', '2026-10-30T14:00:00.000Z'],
      ['digest:chi:2026-10-31', '2026-10-31T14:00:00.000Z'],
      // Sunday 1 November: clocks went back at 02:00, 09:00 CST is 15:00 UTC.
      ['digest:chi:2026-11-01', '2026-11-01T15:00:00.000Z'],
      ['digest:chi:2026-11-02', '2026-11-02T15:00:00.000Z'],
      ['digest:chi:2026-11-03', '2026-11-03T15:00:00.000Z'],
    ]);
    // Kolkata keeps 03:30 UTC and, working Monday to Friday, has nothing on the weekend.
    expect(mine('kol')).toEqual([
      ['digest:kol:2026-10-30', '2026-10-30T03:30:00.000Z'],
      ['digest:kol:2026-11-02', '2026-11-02T03:30:00.000Z'],
      ['digest:kol:2026-11-03', '2026-11-03T03:30:00.000Z'],
    ]);
  });

  it('handles the spring-forward day, including a wall time that does not exist', () => {
    const chicago = ws('chi', 'America/Chicago', {
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      digestTime: '02:30',
    });
    const due = firstDue('2026-03-07T00:00:00Z', '2026-03-09T23:59:00Z', [chicago]);
    expect(due.get('digest:chi:2026-03-07')).toBe('2026-03-07T08:30:00.000Z');
    // 02:30 does not exist on 8 March; it is taken as 03:30 CDT.
    expect(due.get('digest:chi:2026-03-08')).toBe('2026-03-08T08:30:00.000Z');
    expect(due.get('digest:chi:2026-03-09')).toBe('2026-03-09T07:30:00.000Z');
    expect(due.size).toBe(3);
  });

  it('gives members their nudge at their own zone’s morning, moved past quiet hours, never on weekends', () => {
    const w = ws('w', 'America/Chicago', { digestChannel: null, settings: { nudgeTime: '08:30' } });
    const ms = [
      member('here', 'w'),
      member('india', 'w', { timezone: 'Asia/Kolkata' }),
      member('late', 'w', { quietStart: '20:00', quietEnd: '10:15' }),
      member('own', 'w', { settings: { nudgeTime: '07:45' } }),
      member('guest', 'w', { canWrite: false }),
    ];
    const due = firstDue('2026-11-27T00:00:00Z', '2026-11-30T23:59:00Z', [w], ms);
    expect(Object.fromEntries(due)).toEqual({
      'nudge:here:2026-11-27': '2026-11-27T14:30:00.000Z',
      'nudge:india:2026-11-27': '2026-11-27T03:00:00.000Z',
      'nudge:late:2026-11-27': '2026-11-27T16:15:00.000Z',
      'nudge:own:2026-11-27': '2026-11-27T13:45:00.000Z',
      'nudge:here:2026-11-30': '2026-11-30T14:30:00.000Z',
      'nudge:india:2026-11-30': '2026-11-30T03:00:00.000Z',
      'nudge:late:2026-11-30': '2026-11-30T16:15:00.000Z',
      'nudge:own:2026-11-30': '2026-11-30T13:45:00.000Z',
    });
  });

  it('uses the workspace quiet hours for members who set none, and skips a day quiet till midnight', () => {
    const w = ws('w', 'Europe/Berlin', {
      settings: { quietHours: { start: '00:00', end: '09:30' } },
    });
    expect(nudgeTimeOf(member('a', 'w'), w)).toBe('09:30');
    expect(nudgeTimeOf(member('b', 'w', { quietStart: '12:00', quietEnd: '13:00' }), w)).toBe(
      '09:00',
    );
    const night = member('c', 'w', { quietStart: '08:00', quietEnd: '07:00' });
    expect(nudgeTimeOf(night, w)).toBeNull();
    expect(nudgeSlot(w, night, '2026-11-27')).toBeNull();
    expect(isQuietAt(new Date('2026-11-27T07:00:00Z'), member('a', 'w'), w)).toBe(true);
    expect(isQuietAt(new Date('2026-11-27T08:30:00Z'), member('a', 'w'), w)).toBe(false);
    expect(
      nudgeSlot({ ...w, settings: { nudges: false } }, member('a', 'w'), '2026-11-27'),
    ).toBeNull();
  });

  it('gives a member with an unknown timezone no slots, without stopping the others', () => {
    const w = ws('w', 'UTC', { digestChannel: null });
    const ms = [member('ok', 'w'), member('bad', 'w', { timezone: 'Mars/Olympus' })];
    expect(
      dueSlots(new Date('2026-11-27T09:00:00Z'), [w], ms, 3_600_000).map((s) => s.key),
    ).toEqual(['nudge:ok:2026-11-27']);
  });

  it('forgets slots older than the lookback', () => {
    const w = ws('w', 'UTC');
    expect(
      dueSlots(new Date('2026-11-27T09:00:00Z'), [w], [], 3_600_000).map((s) => s.key),
    ).toEqual(['digest:w:2026-11-27']);
    expect(dueSlots(new Date('2026-11-27T10:00:01Z'), [w], [], 3_600_000)).toEqual([]);
    expect(dueSlots(new Date('2026-11-27T08:59:59Z'), [w], [], 3_600_000)).toEqual([]);
  });
});

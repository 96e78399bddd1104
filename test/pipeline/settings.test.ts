// Proves the scheduling settings are validated one key at a time: nudges on/off, nudge time and cap, quiet hours, working days, digest time.
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/db/schema.ts';
import { describeSettings, parseSetting } from '../../src/pipeline/settings.ts';

const ws = {
  id: 'w',
  currency: 'USD',
  settings: { nudgeCap: 4 },
  workingDays: [1, 2, 3, 4, 5],
} as unknown as Workspace;

describe('scheduling settings', () => {
  it('turns nudges off and on, keeping the other settings', () => {
    expect(parseSetting('nudges', 'off', ws)).toEqual({
      ok: true,
      patch: { settings: { nudgeCap: 4, nudges: false } },
      value: 'off',
    });
    expect(parseSetting('nudges', '开启', ws)).toMatchObject({ ok: true, value: 'on' });
    expect(parseSetting('nudges', 'sometimes', ws)).toEqual({ ok: false, hint: 'on or off' });
    const off = { ...ws, settings: { nudges: false } } as Workspace;
    expect(describeSettings(off)).toContainEqual(['nudges', 'off']);
    expect(describeSettings(ws)).toContainEqual(['nudges', 'on']);
  });

  it('validates times, caps, quiet hours and working days', () => {
    expect(parseSetting('nudge-time', '8:30', ws)).toMatchObject({ ok: true, value: '08:30' });
    expect(parseSetting('nudge-time', '25:00', ws)).toMatchObject({ ok: false });
    expect(parseSetting('nudge-cap', '0', ws)).toMatchObject({ ok: false });
    expect(parseSetting('nudge-cap', '51', ws)).toMatchObject({ ok: false });
    expect(parseSetting('nudge-cap', '12', ws)).toMatchObject({
      ok: true,
      patch: { settings: { nudgeCap: 12 } },
    });
    expect(parseSetting('quiet-hours', '20:00-8:00', ws)).toMatchObject({
      ok: true,
      patch: { settings: { quietHours: { start: '20:00', end: '08:00' } } },
    });
    expect(parseSetting('quiet-hours', 'late', ws)).toMatchObject({ ok: false });
    const days = (v: string) => {
      const r = parseSetting('working-days', v, ws);
      return r.ok ? r.patch.workingDays : null;
    };
    expect(days('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(days('Monday - Friday')).toEqual([1, 2, 3, 4, 5]);
    // A week that wraps: Sunday to Thursday.
    expect(days('sun-thu')).toEqual([1, 2, 3, 4, 7]);
    expect(days('sun,mon,tue,wed,thu')).toEqual([1, 2, 3, 4, 7]);
    expect(days('周一至周五')).toEqual([1, 2, 3, 4, 5]);
    expect(days('周一-周六')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(days('一,三,五')).toEqual([1, 3, 5]);
    expect(days('weekdays')).toEqual([1, 2, 3, 4, 5]);
    expect(days('sunshine')).toBeNull();
    expect(days('mon-someday')).toBeNull();
    expect(parseSetting('digest-time', '7:45', ws)).toMatchObject({
      ok: true,
      patch: { digestTime: '07:45' },
    });
  });
});

/** Workspace settings: validated one key at a time, so a typo never breaks the digest or nudges. */
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { type Workspace, type WorkspaceSettings, workspaces } from '../db/schema.ts';
import { isValidTimeZone } from '../lib/time.ts';
import { TEMPLATES } from './stages.ts';

export const SETTING_KEYS = [
  'timezone',
  'language',
  'currency',
  'digest-channel',
  'digest-time',
  'working-days',
  'template',
  'visibility',
  'quiet-hours',
  'nudges',
  'nudge-time',
  'nudge-cap',
  'after-sales-days',
  'fx',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export type SettingResult =
  | { ok: true; workspace: Workspace; key: SettingKey; value: string }
  | { ok: false; key: string; hint: string };

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const DAY_NAMES: Record<string, number> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
};

function normTime(s: string): string | null {
  const m = TIME.exec(s.trim());
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : null;
}

const FULL_DAY_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

/** An ISO weekday from "mon", "Monday", "周一" or "一"; undefined for anything else. */
function dayOf(token: string): number | undefined {
  const t = token.replace(/^(周|星期)/u, '');
  if (t.length >= 3 && /^[a-z]+$/.test(t)) {
    const i = FULL_DAY_NAMES.findIndex((name) => name.startsWith(t));
    return i >= 0 ? i + 1 : undefined;
  }
  return /^[一二三四五六日天]$/u.test(t) ? DAY_NAMES[t] : undefined;
}

function parseWorkingDays(s: string): number[] | null {
  const t = s.trim().toLowerCase();
  if (t === 'weekdays' || t === '工作日') return [1, 2, 3, 4, 5];
  if (t === 'all' || t === 'every day' || t === '每天') return [1, 2, 3, 4, 5, 6, 7];
  const range = /^(\S+?)\s*[-–~至到]\s*(\S+)$/u.exec(t);
  if (range) {
    const a = dayOf(range[1]!);
    const b = dayOf(range[2]!);
    if (!a || !b) return null;
    // A range may wrap the week's end: sun-thu is Sunday to Thursday.
    const days = a <= b ? [] : Array.from({ length: 8 - a }, (_, i) => a + i);
    const start = a <= b ? a : 1;
    for (let d = start; d <= b; d++) days.push(d);
    return days.sort((x, y) => x - y);
  }
  const days = t.split(/[\s,，、]+/u).map(dayOf);
  if (days.length && days.every((d): d is number => typeof d === 'number')) {
    return [...new Set(days)].sort((x, y) => x - y);
  }
  return null;
}

/** Parse and validate one setting; returns the column or settings patch to write. */
export function parseSetting(
  key: string,
  raw: string,
  current: Workspace,
): { ok: true; patch: Partial<Workspace>; value: string } | { ok: false; hint: string } {
  const value = raw.trim();
  const settings: WorkspaceSettings = { ...current.settings };
  switch (key) {
    case 'timezone':
      return isValidTimeZone(value)
        ? { ok: true, patch: { timezone: value }, value }
        : { ok: false, hint: 'an IANA timezone such as America/New_York or Asia/Shanghai' };
    case 'language': {
      const v = value.toLowerCase();
      if (['en', 'english', '英文', '英语'].includes(v))
        return { ok: true, patch: { locale: 'en' }, value: 'en' };
      if (['zh', 'zh-cn', 'chinese', '中文', '简体中文'].includes(v)) {
        return { ok: true, patch: { locale: 'zh-CN' }, value: 'zh-CN' };
      }
      return { ok: false, hint: 'en or zh-CN' };
    }
    case 'currency': {
      const v = value.toUpperCase();
      if (!/^[A-Z]{3}$/.test(v))
        return { ok: false, hint: 'an ISO 4217 code such as USD, EUR or CNY' };
      try {
        new Intl.NumberFormat('en', { style: 'currency', currency: v });
      } catch {
        return { ok: false, hint: 'an ISO 4217 code such as USD, EUR or CNY' };
      }
      return { ok: true, patch: { currency: v }, value: v };
    }
    case 'digest-channel': {
      if (value === 'off' || value === 'none')
        return { ok: true, patch: { digestChannel: null }, value: 'off' };
      if (!/^[\w.:#-]{1,80}$/u.test(value)) return { ok: false, hint: 'a channel id, or off' };
      return { ok: true, patch: { digestChannel: value.replace(/^#/, '') }, value };
    }
    case 'digest-time': {
      const t = normTime(value);
      return t
        ? { ok: true, patch: { digestTime: t }, value: t }
        : { ok: false, hint: 'HH:MM, e.g. 09:00' };
    }
    case 'working-days': {
      const days = parseWorkingDays(value);
      return days
        ? { ok: true, patch: { workingDays: days }, value: days.join(',') }
        : { ok: false, hint: 'e.g. mon-fri, or mon,tue,thu' };
    }
    case 'template':
      return TEMPLATES[value]
        ? { ok: true, patch: { stageTemplate: value }, value }
        : { ok: false, hint: Object.keys(TEMPLATES).join(', ') };
    case 'visibility':
      return value === 'team' || value === 'own'
        ? { ok: true, patch: { visibility: value }, value }
        : {
            ok: false,
            hint: 'team (everyone sees the team’s deals) or own (reps see only theirs)',
          };
    case 'quiet-hours': {
      if (value === 'off') {
        delete settings.quietHours;
        return { ok: true, patch: { settings }, value: 'off' };
      }
      const m = /^(\S+)\s*-\s*(\S+)$/.exec(value);
      const start = m ? normTime(m[1]!) : null;
      const end = m ? normTime(m[2]!) : null;
      if (!start || !end) return { ok: false, hint: 'HH:MM-HH:MM, e.g. 20:00-08:00, or off' };
      settings.quietHours = { start, end };
      return { ok: true, patch: { settings }, value: `${start}-${end}` };
    }
    case 'nudges': {
      const v = value.toLowerCase();
      const on = ['on', 'yes', 'true', '开', '开启', '打开'].includes(v);
      const off = ['off', 'no', 'false', '关', '关闭'].includes(v);
      if (!on && !off) return { ok: false, hint: 'on or off' };
      settings.nudges = on;
      return { ok: true, patch: { settings }, value: on ? 'on' : 'off' };
    }
    case 'nudge-time': {
      const t = normTime(value);
      if (!t) return { ok: false, hint: 'HH:MM, e.g. 09:00' };
      settings.nudgeTime = t;
      return { ok: true, patch: { settings }, value: t };
    }
    case 'nudge-cap':
    case 'after-sales-days': {
      const n = Number(value);
      const max = key === 'nudge-cap' ? 50 : 365;
      if (!Number.isInteger(n) || n < 1 || n > max)
        return { ok: false, hint: `a whole number from 1 to ${max}` };
      if (key === 'nudge-cap') settings.nudgeCap = n;
      else settings.afterSalesDays = n;
      return { ok: true, patch: { settings }, value: String(n) };
    }
    case 'fx': {
      // "fx EUR 1.08": one EUR is worth 1.08 of the workspace currency.
      const m = /^([A-Za-z]{3})\s+(\d+(?:\.\d+)?)$/.exec(value);
      if (!m)
        return { ok: false, hint: `CODE RATE, e.g. "EUR 1.08" (one EUR in ${current.currency})` };
      const rate = Number(m[2]);
      if (!(rate > 0) || !Number.isFinite(rate)) return { ok: false, hint: 'a positive rate' };
      settings.fxRates = { ...(settings.fxRates ?? {}), [m[1]!.toUpperCase()]: rate };
      return { ok: true, patch: { settings }, value: `${m[1]!.toUpperCase()} ${rate}` };
    }
    default:
      return { ok: false, hint: SETTING_KEYS.join(', ') };
  }
}

export async function updateWorkspaceSetting(
  db: Executor,
  workspace: Workspace,
  key: string,
  raw: string,
): Promise<SettingResult> {
  const parsed = parseSetting(key, raw, workspace);
  if (!parsed.ok) return { ok: false, key, hint: parsed.hint };
  const [row] = await db
    .update(workspaces)
    .set(parsed.patch)
    .where(eq(workspaces.id, workspace.id))
    .returning();
  if (!row) return { ok: false, key, hint: 'workspace not found' };
  return { ok: true, workspace: row, key: key as SettingKey, value: parsed.value };
}

/** The settings as key/value lines for `settings` with no arguments. */
export function describeSettings(w: Workspace): [string, string][] {
  const s = w.settings;
  return [
    ['timezone', w.timezone],
    ['language', w.locale],
    ['currency', w.currency],
    ['digest-channel', w.digestChannel ?? 'off'],
    ['digest-time', w.digestTime],
    ['working-days', w.workingDays.join(',')],
    ['template', w.stageTemplate],
    ['visibility', w.visibility],
    ['quiet-hours', s.quietHours ? `${s.quietHours.start}-${s.quietHours.end}` : 'off'],
    ['nudges', s.nudges === false ? 'off' : 'on'],
    ['nudge-time', s.nudgeTime ?? '09:00'],
    ['nudge-cap', String(s.nudgeCap ?? 10)],
    ['after-sales-days', String(s.afterSalesDays ?? 30)],
    [
      'fx',
      Object.entries(s.fxRates ?? {})
        .map(([c, r]) => `${c} ${r}`)
        .join(', ') || 'none',
    ],
  ];
}

/** The system prompt for choosing a query (prompts/ask.txt), with its placeholders filled in. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PERIOD_KEYS } from '../periods.ts';
import type { AskContext } from './types.ts';

const PROMPT_PATH = fileURLToPath(new URL('../../../prompts/ask.txt', import.meta.url));
let cached: string | undefined;

export function askPromptTemplate(): string {
  cached ??= readFileSync(PROMPT_PATH, 'utf8');
  return cached;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MAX_MEMBERS = 60;

/** A name as prompt data: one line, short, quoted, so it cannot pose as an instruction. */
function quoted(name: string): string {
  return JSON.stringify(name.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 40));
}

/** Fill every placeholder; a placeholder left over is a bug, not something to send. */
export function renderAskPrompt(ctx: AskContext, template = askPromptTemplate()): string {
  const weekday = WEEKDAYS[new Date(`${ctx.today}T12:00:00Z`).getUTCDay()] ?? '';
  const values: Record<string, string> = {
    periods: PERIOD_KEYS.join(', '),
    today: ctx.today,
    weekday,
    timezone: ctx.timezone,
    stages: ctx.template.stages
      .map((s) => `${s.key} (${s.name.en} / ${s.name['zh-CN']})`)
      .join(', '),
    members:
      ctx.members
        .slice(0, MAX_MEMBERS)
        .map((m) => quoted(m.name))
        .join(', ') || 'none',
    language: ctx.locale === 'zh-CN' ? 'Simplified Chinese' : 'English',
  };
  const out = template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
  const left = /\{\{\w+\}\}/.exec(out);
  if (left) throw new Error(`prompts/ask.txt: no value for ${left[0]}`);
  return out;
}

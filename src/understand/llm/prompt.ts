/**
 * The extraction prompt: `prompts/extract.md` with its placeholders filled.
 * The static instructions come first and the per-message context last, so a
 * provider's prompt cache can reuse the prefix. Names from the database are
 * quoted as JSON strings: a stored account name cannot add lines or
 * instructions to the prompt.
 */
import { readFileSync } from 'node:fs';
import { toLocalDate, weekdayOf } from '../../lib/time.ts';
import type { ExtractContext } from '../extraction.ts';

const PROMPT_FILE = new URL('../../../prompts/extract.md', import.meta.url);

/** Open deals shown to the model (the contract's "20 most recent"). */
export const MAX_OPEN_DEALS = 20;
const MAX_NAME_CHARS = 80;

const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

let cached: string | undefined;

/** The prompt file without its leading reviewer comment. */
export function extractPromptTemplate(): string {
  cached ??= readFileSync(PROMPT_FILE, 'utf8')
    .replace(/^\s*<!--[\s\S]*?-->\s*/, '')
    .trimEnd();
  return cached;
}

/** Stored text on one short line: no line breaks, control, zero-width or direction characters. */
function oneLine(s: string, max: number): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/** A database name as a short one-line JSON string. */
const quoted = (name: string) => JSON.stringify(oneLine(name, MAX_NAME_CHARS));

export type PromptContext = Pick<
  ExtractContext,
  'now' | 'timezone' | 'currency' | 'template' | 'openDeals'
>;

export function promptValues(ctx: PromptContext): Record<string, string> {
  const today = toLocalDate(ctx.now, ctx.timezone);
  const dow = weekdayOf(today);
  // Templates may one day be a workspace's own: their text is kept to one line each, too.
  const stages = ctx.template.stages.map((s) =>
    oneLine(
      `- ${s.key}: ${s.name.en} / ${s.name['zh-CN']} — ${s.meaning.en} / ${s.meaning['zh-CN']}`,
      300,
    ),
  );
  const deals = ctx.openDeals
    .slice(0, MAX_OPEN_DEALS)
    .map((d) => `- ${quoted(d.account)}: ${oneLine(d.stage, 40)}`);
  return {
    today,
    weekday: `${WEEKDAYS_EN[dow]} / ${WEEKDAYS_ZH[dow]}`,
    timezone: ctx.timezone,
    currency: ctx.currency,
    stages: stages.join('\n'),
    open_deals: deals.length ? deals.join('\n') : '(none)',
  };
}

/** Fill `{{name}}` placeholders in one pass (values are never re-scanned); a missing value throws. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`prompt placeholder {{${name}}} has no value`);
    return v;
  });
}

export function renderExtractPrompt(
  ctx: PromptContext,
  template = extractPromptTemplate(),
): string {
  return fillPlaceholders(template, promptValues(ctx));
}

/** The chat messages of one extraction call: the instructions, then the rep's message. */
export function extractMessages(
  text: string,
  ctx: PromptContext,
): [{ role: 'system'; content: string }, { role: 'user'; content: string }] {
  return [
    { role: 'system', content: renderExtractPrompt(ctx) },
    { role: 'user', content: text },
  ];
}

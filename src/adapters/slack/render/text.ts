/**
 * Text objects for Block Kit. Everything a user typed or the database holds
 * is escaped (&, <, >) before it enters a mrkdwn object, and mrkdwn objects
 * are `verbatim`, so Slack neither parses `<!channel>`, `<@U…>` or
 * `<http://…|label>` nor auto-links names: an echoed message can never ping
 * anyone or disguise a link. plain_text objects are never parsed by Slack, so
 * they carry text as is (escaping there would show the entities).
 */
import type { types as slack } from '@slack/bolt';

/** Block Kit limits (docs.slack.dev/reference/block-kit). */
export const LIMITS = {
  messageBlocks: 50,
  surfaceBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  actionsElements: 25,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  modalTitle: 24,
  modalButton: 24,
  inputLabel: 2000,
  inputValue: 3000,
  placeholder: 150,
  privateMetadata: 3000,
  /** The top-level `text` is a notification and fallback; keep it short. */
  fallbackText: 3000,
} as const;

export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to at most `max` characters (code points), marking the cut with "…". */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escape user text and fit it in `max` characters after escaping (never splitting an entity). */
export function safe(raw: string, max: number = LIMITS.sectionText): string {
  let out = escapeMrkdwn(raw);
  if (out.length <= max) return out;
  const chars = [...raw];
  let keep = chars.length;
  while (keep > 0) {
    keep = Math.min(keep - 1, Math.floor((keep * max) / out.length));
    out = `${escapeMrkdwn(chars.slice(0, keep).join(''))}…`;
    if (out.length <= max) return out;
  }
  return '…';
}

/** Join already-escaped lines within `max` characters, ending with "…and N more" when some do not fit. */
export function fitLines(lines: string[], max: number, more: (n: number) => string): string {
  const all = lines.join('\n');
  if (all.length <= max) return all;
  const out: string[] = [];
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const tail = more(lines.length - i).length + 1;
    if (length + line.length + 1 + tail > max) break;
    out.push(line);
    length += line.length + 1;
  }
  if (out.length === 0) return truncate(lines[0] ?? '', max);
  out.push(more(lines.length - out.length));
  return out.join('\n');
}

export function mrkdwn(escapedText: string): slack.MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(escapedText || ' ', LIMITS.sectionText), verbatim: true };
}

export function plain(text: string, max: number): slack.PlainTextElement {
  return { type: 'plain_text', text: truncate(text.trim() || ' ', max), emoji: true };
}

export function section(escapedText: string): slack.SectionBlock {
  return { type: 'section', text: mrkdwn(escapedText) };
}

export function context(escapedTexts: string[]): slack.ContextBlock {
  return {
    type: 'context',
    elements: escapedTexts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)),
  };
}

/**
 * Discord's size limits, and cutting text to fit them without breaking a
 * surrogate pair or an escape sequence. Lengths are UTF-16 code units, which
 * is never less than what Discord counts.
 */
import type { APIEmbed } from 'discord.js';

export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  embedsPerMessage: 10,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  modalTitle: 45,
  modalLabel: 45,
  textInputValue: 4000,
  autocompleteChoices: 25,
  choiceText: 100,
} as const;

const ELLIPSIS = '…';

/** Cut at most `n` code units, never inside a surrogate pair or after a dangling backslash. */
function cutAt(s: string, n: number): string {
  let end = Math.max(0, Math.min(n, s.length));
  const code = s.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  let cut = s.slice(0, end);
  // An odd run of trailing backslashes would escape whatever comes next.
  const slashes = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (slashes % 2 === 1) cut = cut.slice(0, -1);
  return cut;
}

/** `s` if it fits in `max`, else cut with an ellipsis (the result is at most `max` long). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  return `${cutAt(s, max - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}

/** Split text into chunks of at most `max`, preferring line breaks, then spaces. */
export function splitText(s: string, max: number = LIMITS.content): string[] {
  const chunks: string[] = [];
  let rest = s;
  while (rest.length > max) {
    const window = cutAt(rest, max);
    let at = window.lastIndexOf('\n');
    if (at < max / 2) at = window.lastIndexOf(' ');
    if (at < max / 2) at = window.length;
    const head = window.slice(0, at);
    chunks.push(head.trimEnd());
    rest = rest.slice(head.length).replace(/^[\n ]/, '');
  }
  if (rest.trim() || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** Keep whole lines while they fit in `max`; say how many were left out. */
export function fitLines(
  lines: string[],
  max: number,
  moreLine: (n: number) => string,
): { text: string; dropped: number } {
  const kept: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = truncate(lines[i] ?? '', max);
    const remaining = lines.length - i - 1;
    const reserve = remaining > 0 ? moreLine(remaining).length + 1 : 0;
    const cost = line.length + (kept.length ? 1 : 0);
    if (used + cost + reserve > max) {
      const dropped = lines.length - i;
      const more = moreLine(dropped);
      if (used + more.length + (kept.length ? 1 : 0) <= max) kept.push(more);
      return { text: kept.join('\n'), dropped };
    }
    kept.push(line);
    used += cost;
  }
  return { text: kept.join('\n'), dropped: 0 };
}

/** The characters Discord counts towards an embed's 6,000. */
export function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Clamp every part of an embed to its own limit. */
export function clampEmbed(e: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...e };
  if (out.title !== undefined) out.title = truncate(out.title, LIMITS.embedTitle);
  if (out.description !== undefined)
    out.description = truncate(out.description, LIMITS.embedDescription);
  if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, LIMITS.footer) };
  if (out.fields)
    out.fields = out.fields.map((f) => ({
      ...f,
      name: truncate(f.name, LIMITS.fieldName) || '\u200b',
      value: truncate(f.value, LIMITS.fieldValue) || '\u200b',
    }));
  return out;
}

/**
 * One embed that may be too big for a message, as several that each fit:
 * at most 25 fields and 6,000 characters apiece. The first keeps the title
 * and description, the last the footer.
 */
export function packEmbed(embed: APIEmbed): APIEmbed[] {
  const e = clampEmbed(embed);
  const fields = e.fields ?? [];
  if (fields.length <= LIMITS.embedFields && embedLength(e) <= LIMITS.embedTotal) return [e];
  const { fields: _all, footer, ...head } = e;
  const footerLen = footer?.text.length ?? 0;
  const pages: APIEmbed[] = [];
  let page: APIEmbed = { ...head, fields: [] };
  const room = () => LIMITS.embedTotal - embedLength(page) - footerLen;
  for (const f of fields) {
    const size = f.name.length + f.value.length;
    if ((page.fields?.length ?? 0) >= LIMITS.embedFields || size > room()) {
      pages.push(page);
      page = { color: e.color, fields: [] };
    }
    page.fields?.push(f);
  }
  pages.push(page);
  const last = pages[pages.length - 1];
  if (last && footer) last.footer = footer;
  return pages.map((p) => (p.fields?.length ? p : { ...p, fields: undefined }));
}

/** Group lines into chunks of at most `max` characters (a line longer than `max` is cut). */
export function chunkLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

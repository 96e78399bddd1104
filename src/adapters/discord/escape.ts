/**
 * Text a user typed, made safe to echo in Discord markdown: formatting,
 * masked links, headings and lists are escaped, and mentions are broken so
 * that `@everyone`, `@here`, `<@id>`, `<@&role>` and `<#channel>` show as
 * typed instead of pinging or rendering as someone else. (Every message is
 * also sent with `allowed_mentions.parse = []`; this keeps the text honest.)
 */
import { escapeMarkdown } from 'discord.js';

const ZWSP = '\u200b';

export function escapeText(raw: string): string {
  const md = escapeMarkdown(raw, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return md
    .replace(/@(everyone|here)/giu, `@${ZWSP}$1`)
    .replace(/<(@[!&]?|#|\/|:|a:|t:)/gu, `<${ZWSP}$1`);
}

/** Plain text for places Discord never renders as markdown (footers, labels): only strip what could ping. */
export function plainText(raw: string): string {
  return raw.replace(/@(everyone|here)/giu, `@${ZWSP}$1`);
}

/**
 * Slack message markup → the plain text the assistant reads. Slack sends
 * `&`, `<`, `>` as entities and wraps mentions, channels and links in
 * `<…>`; the assistant gets readable text (`@here`, `#sales`, a link's
 * label), or ids where a command needs them (`role <@U1|bob> manager` →
 * `role U1 manager`, `settings digest-channel <#C1|sales>` → `… C1`).
 */
import { parseCommand } from '../../../assistant/commands.ts';

export type TextMode = 'display' | 'command';

const SPECIAL = /<([^<>]*)>/g;

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function token(inner: string, mode: TextMode, botUserId: string | undefined): string {
  const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
  if (target.startsWith('@')) {
    const id = target.slice(1);
    if (botUserId && id === botUserId) return '';
    if (mode === 'command') return id;
    return `@${label || id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return mode === 'command' ? id : `#${label || id}`;
  }
  if (target.startsWith('!')) {
    const word = target.slice(1);
    if (/^(here|channel|everyone)$/.test(word)) return `@${word}`;
    if (word.startsWith('subteam^')) return label || `@${word.slice('subteam^'.length)}`;
    // <!date^…|fallback> and friends: the fallback is what a reader sees.
    return label ?? word;
  }
  // A link: the label the author wrote, else the address.
  return label || target;
}

/** Slack markup → plain text; the bot's own mention is dropped. */
export function slackToPlain(
  text: string,
  options: { mode?: TextMode; botUserId?: string } = {},
): string {
  const mode = options.mode ?? 'display';
  const out = text.replace(SPECIAL, (_m, inner: string) =>
    token(decodeEntities(inner), mode, options.botUserId),
  );
  return decodeEntities(out)
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Whether the message is addressed to the bot (mentions its user id). */
export function mentionsUser(text: string, userId: string | undefined): boolean {
  return Boolean(userId) && new RegExp(`<@${userId}(\\|[^>]*)?>`).test(text);
}

/**
 * Text for the inbox: commands keep ids (so `role @bob manager` finds the
 * member by id), everything else reads naturally.
 */
export function inboxText(text: string, botUserId: string | undefined): string {
  const display = slackToPlain(text, { botUserId });
  return parseCommand(display) ? slackToPlain(text, { botUserId, mode: 'command' }) : display;
}

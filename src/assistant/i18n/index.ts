/** Message catalogues and the rule for which language a reply uses. */
import type { Locale } from '../../pipeline/stages.ts';
import type { DegradedReason } from '../../understand/extraction.ts';
import { en, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { Messages };

export function messages(locale: Locale): Messages {
  return locale === 'zh-CN' ? zhCN : en;
}

const HAN = /[\u3400-\u9fff]/gu;
const LATIN = /[A-Za-z]/g;

/** The script a message is mostly written in, or null for neither (numbers, emoji). */
export function detectLocale(text: string): Locale | null {
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  if (han === 0 && latin === 0) return null;
  // One Han character carries about a word; weigh it against ~3 Latin letters.
  return han * 3 >= latin ? 'zh-CN' : 'en';
}

/** The member's setting, else the message's script, else the workspace's language. */
export function pickLocale(
  memberLocale: string | null | undefined,
  text: string | null,
  workspaceLocale: string,
): Locale {
  if (memberLocale === 'en' || memberLocale === 'zh-CN') return memberLocale;
  const detected = text ? detectLocale(text) : null;
  if (detected) return detected;
  return workspaceLocale === 'zh-CN' ? 'zh-CN' : 'en';
}

/** The note added to a reply read by the offline rules because the LLM could not be used. */
export function degradedNote(t: Messages, reason: DegradedReason): string {
  if (reason === 'capped') return t.aiCapped;
  if (reason === 'quota') return t.aiQuota;
  return t.aiUnavailable;
}

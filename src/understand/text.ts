/**
 * Text preparation shared by the date, amount and offline extractors.
 *
 * Chat text arrives with full-width digits and punctuation (Chinese IMEs),
 * zero-width and bidi control characters (copy-paste, RTL names) and the odd
 * control byte. Matching works on a cleaned copy; `map` ties every character
 * of the copy back to its offset in the original, so reported indices and raw
 * snippets are always the caller's own text.
 */

export interface PreparedText {
  /** The cleaned text that rules match against. */
  text: string;
  /** `map[i]` is the offset in the original text of cleaned character `i`; `map[text.length]` is the original length. */
  map: Int32Array;
}

// Zero-width, joiners, bidi embeddings/isolates/marks, BOM, soft hyphen, word joiner.
const DROPPED = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

function cleanChar(code: number): string | null {
  // Full-width ASCII (Ｆｒｉ, ５０万, ，) folds to ASCII.
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (code === 0xffe5 || code === 0xffe6) return code === 0xffe5 ? '¥' : '₩';
  if (code === 0x3000 || code === 0x00a0 || (code >= 0x2000 && code <= 0x200a)) return ' ';
  if (code === 0x202f || code === 0x205f) return ' ';
  if (code === 0x2028 || code === 0x2029) return '\n';
  if (code === 0x2018 || code === 0x2019 || code === 0x2032) return "'";
  if (code === 0x201c || code === 0x201d) return '"';
  if (code === 0x2013 || code === 0x2014 || code === 0x2212) return '-';
  if (code === 0x09 || code === 0x0a) return String.fromCharCode(code);
  if (code === 0x0d) return '\n';
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return ' ';
  return null;
}

/** Clean text for matching, keeping a map back to the original offsets. */
export function prepareText(original: string): PreparedText {
  const out: string[] = [];
  const map: number[] = [];
  for (let i = 0; i < original.length; i++) {
    const ch = original[i]!;
    if (DROPPED.test(ch)) continue;
    const code = ch.charCodeAt(0);
    const replaced = cleanChar(code);
    out.push(replaced ?? ch);
    map.push(i);
  }
  map.push(original.length);
  return { text: out.join(''), map: Int32Array.from(map) };
}

/** Lower-case ASCII letters only, so offsets never shift (unlike `toLowerCase` on e.g. "İ"). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** True for CJK ideographs (the Han script blocks a chat message uses). */
export function isHan(ch: string | undefined): boolean {
  if (!ch) return false;
  const c = ch.charCodeAt(0);
  return (
    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)
  );
}

export function isAsciiWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  两: 2,
  俩: 2,
  三: 3,
  叁: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const CN_SMALL_UNITS: Record<string, number> = {
  十: 10,
  拾: 10,
  百: 100,
  佰: 100,
  千: 1000,
  仟: 1000,
};
const CN_BIG_UNITS: Record<string, number> = {
  万: 10_000,
  萬: 10_000,
  亿: 100_000_000,
  億: 100_000_000,
};

/** Characters that may appear in a Chinese numeral. */
export const CN_NUMERAL_CHARS = '零〇一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿億';

/**
 * Value of a Chinese numeral ("十二" 12, "一百二十万" 1,200,000, "两千五" 2,500)
 * or of a mixed one ("3千" 3000); null when it is not a well-formed number.
 */
export function parseChineseNumber(s: string): number | null {
  if (s.length === 0) return null;
  let total = 0; // completed 亿 and 万 groups
  let section = 0; // current group below 万
  let digit: number | null = null;
  let lastUnit = 0;
  let zeroSinceUnit = false;
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    const arabic = /[0-9]/.test(ch) ? /^[0-9]+(?:\.[0-9]+)?/.exec(s.slice(i, i + 24)) : null;
    if (arabic) {
      if (digit !== null) return null;
      digit = Number(arabic[0]);
      i += arabic[0].length;
      continue;
    }
    if (ch in CN_DIGITS) {
      const d = CN_DIGITS[ch]!;
      if (digit !== null && digit !== 0) return null;
      if (d === 0) zeroSinceUnit = true;
      digit = d;
      i++;
      continue;
    }
    if (ch in CN_SMALL_UNITS) {
      const unit = CN_SMALL_UNITS[ch]!;
      if (digit === null && unit !== 10) return null;
      section += (digit ?? 1) * unit;
      digit = null;
      lastUnit = unit;
      zeroSinceUnit = false;
      i++;
      continue;
    }
    if (ch in CN_BIG_UNITS) {
      const unit = CN_BIG_UNITS[ch]!;
      const group = section + (digit ?? 0);
      if (group === 0) return null;
      total = unit === 10_000 ? total + group * unit : (total + group) * unit;
      section = 0;
      digit = null;
      lastUnit = unit;
      zeroSinceUnit = false;
      i++;
      continue;
    }
    return null;
  }
  if (digit !== null) {
    // "两千五" is 2,500 and "一万五" 15,000: a bare digit after a unit counts in the unit below,
    // unless a 零 says it is a plain units digit ("一千零五" is 1,005).
    const below = lastUnit >= 100 && !zeroSinceUnit && digit < 10 ? lastUnit / 10 : 1;
    section += digit * below;
  }
  const value = total + section;
  return Number.isFinite(value) ? value : null;
}

const EN_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  couple: 2,
  few: 3,
};

/** "two" → 2, "12" → 12, "couple" → 2; null otherwise. */
export function parseSmallNumber(s: string): number | null {
  const t = asciiLower(s.trim());
  if (/^[0-9]+$/.test(t)) return Number(t);
  if (t in EN_NUMBERS) return EN_NUMBERS[t]!;
  const cn = parseChineseNumber(t);
  return cn;
}

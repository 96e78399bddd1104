/**
 * The one sentence of commentary a model may add to an answer. It is
 * untrusted text: cut to one short sentence, stripped of links, mentions and
 * control characters, and every number in it that is not in the query result
 * (or the answer built from it) is removed. Numbers come from the database,
 * never from the model.
 */

const MAX_CHARS = 200;
const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, bn: 1e9, b: 1e9, 万: 1e4, 亿: 1e8 };
/** A number as written: optional currency mark, digits with separators, optional scale or percent. */
const NUMBER =
  /([$€£¥￥]\s?)?(?<![A-Za-z\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|m|bn|b|万|亿|%)(?![A-Za-z]))?/giu;
const ZH_NUMERAL =
  /[零一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?\s*(?:[万亿](?:元|美元|欧元|块)?|元|美元|欧元|块|天)/gu;

/** Every number a result contains (strings too: dates, names), ratios also as percentages. */
export function numbersIn(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number' && Number.isFinite(value)) {
    out.push(value);
    // Ratios (win rate, conversion, share) are read as percentages.
    if (value > 0 && value < 1) out.push(value * 100);
  } else if (typeof value === 'string') {
    // Ids are not figures: their digits must not vouch for a number.
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return out;
    for (const m of value.matchAll(/\d+(?:[.,]\d+)*/g)) {
      const n = Number(m[0].replace(/,/g, ''));
      if (Number.isFinite(n)) out.push(n);
      for (const part of m[0].split(/[.,]/)) out.push(Number(part));
    }
  } else if (Array.isArray(value)) {
    for (const v of value) numbersIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) numbersIn(v, out);
  }
  return out;
}

function allowed(value: number, precision: number, known: number[]): boolean {
  return known.some((k) => Math.abs(k - value) <= precision / 2 + 1e-9);
}

/** One clean sentence with only known numbers, or null when nothing worth saying is left. */
export function sanitizeCommentary(
  text: string | null | undefined,
  known: number[],
): string | null {
  if (!text) return null;
  let s = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/https?:\/\/\S+|www\.\S+/giu, '')
    .replace(/<[@#!][^>]*>|@(everyone|here|channel)\b|@\S+/giu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const first = /^.*?[.!?。!?](?=\s|$)/u.exec(s);
  if (first) s = first[0];
  s = s.replace(ZH_NUMERAL, '');
  s = s.replace(
    NUMBER,
    (token, _cur, int: string, frac: string | undefined, unit: string | undefined) => {
      const decimals = frac ? frac.length - 1 : 0;
      const scale = unit && unit !== '%' ? (MULTIPLIERS[unit.toLowerCase()] ?? 1) : 1;
      const value = Number(`${int.replace(/,/g, '')}${frac ?? ''}`) * scale;
      const precision = 10 ** -decimals * scale;
      return allowed(value, precision, known) ? token : '';
    },
  );
  s = s
    .replace(/\s+([,.;:!?,。;:!?%])/gu, '$1')
    .replace(/\(\s*\)/g, '')
    .replace(/([,;:])\s*(?=[,;:.!?])/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  if (s.length > MAX_CHARS) s = `${s.slice(0, MAX_CHARS - 1).trimEnd()}…`;
  return /[\p{L}]{2,}/u.test(s) ? s : null;
}

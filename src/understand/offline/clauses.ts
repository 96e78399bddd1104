/**
 * Clauses and the accounts that own them.
 *
 * A message that names several accounts ("Acme moved to quote at 50k; Globex
 * signed 120k") is cut into clauses at punctuation; each clause belongs to the
 * accounts it names, a clause naming none to the accounts of the clause
 * before it ("小米和OPPO都在试用,下周五前出结论" gives both the date), and
 * clauses before the first account to every account.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Clause extends Span {
  /** Index of the sentence (split at . ; ! ? and newlines) the clause is in. */
  sentence: number;
}

/** An account as the message writes it, with a key that merges repeated mentions. */
export interface AccountMention extends Span {
  name: string;
  key: string;
  known: boolean;
}

const SENTENCE_END = /[;；。!！?？\n]|\.(?=\s|$)/;
const CLAUSE_END = /[,，|]|\s[-–—]+\s/;

/** Cut cleaned text into clauses; the separators belong to no clause. */
export function splitClauses(text: string): Clause[] {
  const clauses: Clause[] = [];
  const boundary = new RegExp(`${SENTENCE_END.source}|${CLAUSE_END.source}`, 'g');
  let start = 0;
  let sentence = 0;
  for (const m of text.matchAll(boundary)) {
    // "1.2M" and "v2.3" are numbers, not sentence ends; so is a comma inside "80,000".
    const before = text[m.index - 1] ?? '';
    const after = text[m.index + m[0].length] ?? '';
    if ((m[0] === ',' || m[0] === '.') && /\d/.test(before) && /\d/.test(after)) continue;
    if (m.index > start) clauses.push({ start, end: m.index, sentence });
    if (SENTENCE_END.test(m[0])) sentence++;
    start = m.index + m[0].length;
  }
  if (start < text.length) clauses.push({ start, end: text.length, sentence });
  return clauses.filter((c) => /\S/.test(text.slice(c.start, c.end)));
}

/** Index of the clause containing offset `pos` (binary search), or -1. */
export function clauseAt(clauses: readonly Clause[], pos: number): number {
  let lo = 0;
  let hi = clauses.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = clauses[mid]!;
    if (pos < c.start) hi = mid - 1;
    else if (pos >= c.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
export const inside = (s: Span, outer: Span) => s.start >= outer.start && s.start < outer.end;

/** One update per account: the account and the clauses that speak of it. */
export interface AccountGroup {
  account: AccountMention | null;
  clauses: Clause[];
}

export function groupByAccount(clauses: Clause[], mentions: AccountMention[]): AccountGroup[] {
  if (mentions.length === 0) return [{ account: null, clauses }];
  const order: string[] = [];
  const first = new Map<string, AccountMention>();
  for (const m of mentions) {
    if (!first.has(m.key)) {
      first.set(m.key, m);
      order.push(m.key);
    }
  }
  const owned = new Map<string, Clause[]>(order.map((k) => [k, []]));
  const leading: Clause[] = [];
  let owners: string[] = [];
  const byClause = new Map<number, string[]>();
  for (const m of mentions) {
    const i = clauseAt(clauses, m.start);
    if (i >= 0) byClause.set(i, [...new Set([...(byClause.get(i) ?? []), m.key])]);
  }
  for (const [i, clause] of clauses.entries()) {
    const here = byClause.get(i) ?? [];
    if (here.length > 0) owners = here;
    if (owners.length === 0) leading.push(clause);
    for (const k of owners) owned.get(k)!.push(clause);
  }
  return order.map((k) => ({
    account: first.get(k)!,
    clauses: [...leading, ...owned.get(k)!].sort((a, b) => a.start - b.start),
  }));
}

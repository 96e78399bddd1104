/**
 * Field-level scoring of an extractor against a labelled corpus
 * (`test/understand/corpus.jsonl`), shared by `npm run eval:extract` and the
 * corpus test.
 *
 * How each field is scored:
 * - intent: exact, over every message.
 * - The other fields are scored over the expected updates of messages
 *   labelled `update`. Predicted updates are paired with expected ones by
 *   account key (case, punctuation and legal suffixes ignored), leftovers in
 *   order; an expected update with no partner scores 0 on every field.
 * - account: the pair's accounts have the same key; each predicted update
 *   with no expected partner adds a wrong account to the denominator.
 * - stage, amount, currency, closeDate, nextStepDue: exact (null = null).
 * - nextStep, lostReason: loose — both null, or after normalisation (lower
 *   case, no spaces or punctuation) one contains the other and the shorter
 *   is at least a third of the longer.
 * - needs, competitors: F1 of the two lists per update (both empty = 1),
 *   items matched one-to-one by the loose rule; the field score is the mean.
 * - contacts: F1 likewise; a contact matches when the names match loosely
 *   and the titles do (both null, or loosely).
 * - overall: the mean of the field scores.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TEMPLATE, getTemplate } from '../pipeline/stages.ts';
import {
  type Contact,
  type DealUpdate,
  type ExtractContext,
  type Extraction,
  ExtractionSchema,
} from './extraction.ts';
import { accountKey } from './offline/accounts.ts';

export const CorpusRowSchema = z.object({
  text: z.string(),
  now: z.string(),
  tz: z.string(),
  currency: z.string(),
  knownAccounts: z.array(z.string()).optional(),
  template: z.string().optional(),
  expected: ExtractionSchema,
});
export type CorpusRow = z.infer<typeof CorpusRowSchema>;

export const FIELDS = [
  'intent',
  'account',
  'stage',
  'amount',
  'currency',
  'closeDate',
  'nextStepDue',
  'nextStep',
  'needs',
  'contacts',
  'competitors',
  'lostReason',
] as const;
export type Field = (typeof FIELDS)[number];

export interface FieldScore {
  /** Sum of per-item scores (1 per exact match, F1 for lists). */
  sum: number;
  count: number;
  score: number;
}

export interface Miss {
  line: number;
  field: Field;
  text: string;
  expected: unknown;
  actual: unknown;
}

export interface Report {
  messages: number;
  fields: Record<Field, FieldScore>;
  overall: number;
  misses: Miss[];
}

export function loadCorpus(path: string): CorpusRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim().length > 0)
    .map(({ line, i }) => {
      try {
        return CorpusRowSchema.parse(JSON.parse(line));
      } catch (cause) {
        throw new Error(`corpus line ${i + 1} is not a valid row`, { cause });
      }
    });
}

export function contextFor(row: CorpusRow): ExtractContext {
  return {
    now: new Date(row.now),
    timezone: row.tz,
    currency: row.currency,
    locale: /[\u3400-\u9fff]/.test(row.text) ? 'zh-CN' : 'en',
    template: row.template ? getTemplate(row.template) : DEFAULT_TEMPLATE,
    knownAccounts: row.knownAccounts ?? [],
    openDeals: [],
  };
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Loose text match: see the module comment. */
export function looseMatch(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const x = norm(a);
  const y = norm(b);
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length > 0 && long.includes(short) && short.length * 3 >= long.length;
}

function contactMatch(a: Contact, b: Contact): boolean {
  return looseMatch(a.name, b.name) && looseMatch(a.title, b.title);
}

/** F1 of two lists under a one-to-one matching; both empty scores 1. */
export function listF1<T>(
  expected: readonly T[],
  actual: readonly T[],
  match: (a: T, b: T) => boolean,
): number {
  if (expected.length === 0 && actual.length === 0) return 1;
  if (expected.length === 0 || actual.length === 0) return 0;
  const used = new Set<number>();
  let hits = 0;
  for (const e of expected) {
    const i = actual.findIndex((a, j) => !used.has(j) && match(e, a));
    if (i >= 0) {
      used.add(i);
      hits++;
    }
  }
  const precision = hits / actual.length;
  const recall = hits / expected.length;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

const key = (account: string | null) => (account === null ? '\0null' : accountKey(account));

/** Pair expected with predicted updates by account key, then leftovers in order. */
export function pairUpdates(
  expected: readonly DealUpdate[],
  actual: readonly DealUpdate[],
): { pairs: [DealUpdate, DealUpdate | null][]; extra: DealUpdate[] } {
  const free = [...actual];
  const pairs: [DealUpdate, DealUpdate | null][] = expected.map((e) => {
    const i = free.findIndex((a) => key(a.account) === key(e.account));
    return [e, i >= 0 ? free.splice(i, 1)[0]! : null];
  });
  for (const p of pairs) if (p[1] === null && free.length > 0) p[1] = free.shift()!;
  return { pairs, extra: free };
}

function fieldScore(field: Field, e: DealUpdate, a: DealUpdate | null): number {
  if (!a) return 0;
  switch (field) {
    case 'account':
      return key(e.account) === key(a.account) ? 1 : 0;
    case 'stage':
    case 'currency':
    case 'closeDate':
    case 'nextStepDue':
      return e[field] === a[field] ? 1 : 0;
    case 'amount':
      return e.amount === a.amount ? 1 : 0;
    case 'nextStep':
    case 'lostReason':
      return looseMatch(e[field], a[field]) ? 1 : 0;
    case 'needs':
    case 'competitors':
      return listF1(e[field], a[field], looseMatch);
    case 'contacts':
      return listF1(e.contacts, a.contacts, contactMatch);
    default:
      return 0;
  }
}

export function scoreCorpus(
  rows: readonly CorpusRow[],
  extract: (text: string, ctx: ExtractContext) => Extraction,
): Report {
  const sums = Object.fromEntries(FIELDS.map((f) => [f, { sum: 0, count: 0 }])) as Record<
    Field,
    { sum: number; count: number }
  >;
  const misses: Miss[] = [];
  rows.forEach((row, i) => {
    const actual = extract(row.text, contextFor(row));
    const line = i + 1;
    sums.intent.count++;
    if (actual.intent === row.expected.intent) sums.intent.sum++;
    else
      misses.push({
        line,
        field: 'intent',
        text: row.text,
        expected: row.expected.intent,
        actual: actual.intent,
      });
    if (row.expected.intent !== 'update') return;
    const { pairs, extra } = pairUpdates(row.expected.updates, actual.updates);
    for (const [e, a] of pairs) {
      for (const field of FIELDS) {
        if (field === 'intent') continue;
        const s = fieldScore(field, e, a);
        sums[field].sum += s;
        sums[field].count++;
        if (s < 1) {
          const pick = (u: DealUpdate | null) =>
            u ? (field === 'account' ? u.account : u[field]) : '(no update)';
          misses.push({ line, field, text: row.text, expected: pick(e), actual: pick(a) });
        }
      }
    }
    for (const a of extra) {
      sums.account.count++;
      misses.push({
        line,
        field: 'account',
        text: row.text,
        expected: '(none)',
        actual: a.account,
      });
    }
  });
  const fields = Object.fromEntries(
    FIELDS.map((f) => {
      const { sum, count } = sums[f];
      return [f, { sum, count, score: count === 0 ? 1 : sum / count }];
    }),
  ) as Record<Field, FieldScore>;
  const overall = FIELDS.reduce((acc, f) => acc + fields[f].score, 0) / FIELDS.length;
  return { messages: rows.length, fields, overall, misses };
}

export function formatReport(report: Report): string {
  const lines = [`messages: ${report.messages}`];
  for (const f of FIELDS) {
    const s = report.fields[f];
    lines.push(
      `${f.padEnd(12)} ${(s.score * 100).toFixed(1).padStart(5)}%  (${s.sum.toFixed(1)}/${s.count})`,
    );
  }
  lines.push(`${'overall'.padEnd(12)} ${(report.overall * 100).toFixed(1).padStart(5)}%`);
  return lines.join('\n');
}

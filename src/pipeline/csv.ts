/**
 * CSV import and export (DESIGN.md, "contract — CSV import/export"): the
 * header and row validation. Every row is validated first and a bad one is
 * reported by line number; writing the good ones is src/pipeline/csv-import.ts,
 * reading them back out src/pipeline/csv-export.ts.
 */
import type { Deal } from '../db/schema.ts';
import { storableText } from '../lib/text.ts';
import { isValidLocalDate } from '../lib/time.ts';
import { cleanDisplayName, normalizeAccountName } from './names.ts';
import { matchStage, type StageTemplate } from './stages.ts';
import { MAX_AMOUNT } from './update.ts';

export const CSV_HEADER = [
  'account',
  'title',
  'owner',
  'stage',
  'amount',
  'currency',
  'close_date',
  'next_step',
  'next_step_due',
  'last_activity_at',
  'created_at',
] as const;
export type CsvColumn = (typeof CSV_HEADER)[number];

export interface CsvDealRow {
  line: number;
  account: string;
  normalizedAccount: string;
  title: string;
  owner: string | null;
  stage: string;
  status: Deal['status'];
  amount: number | null;
  currency: string | null;
  closeDate: string | null;
  nextStep: string | null;
  nextStepDue: string | null;
  lastActivityAt: Date | null;
  createdAt: Date | null;
}

export interface RowError {
  line: number;
  reason: string;
}

/** Map header names to column positions; unknown and missing columns are reported. */
export function readHeader(
  record: string[],
): { index: Map<CsvColumn, number> } | { error: string } {
  const index = new Map<CsvColumn, number>();
  record.forEach((name, i) => {
    const key = name
      .trim()
      .toLowerCase()
      .replace(/^\ufeff/, '') as CsvColumn;
    if ((CSV_HEADER as readonly string[]).includes(key)) index.set(key, i);
  });
  if (!index.has('account'))
    return { error: `the header must include "account" (expected: ${CSV_HEADER.join(',')})` };
  return { index };
}

function parseTimestamp(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s))
    return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !isValidLocalDate(s)) return null;
  const d = new Date(s.length === 10 ? `${s}T00:00:00Z` : s.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Validate one data row. Never throws: a bad row comes back as an error with its line. */
export function parseCsvRow(
  record: string[],
  line: number,
  header: Map<CsvColumn, number>,
  template: StageTemplate,
  defaultCurrency: string,
): CsvDealRow | RowError {
  const get = (c: CsvColumn) => {
    const i = header.get(c);
    return i === undefined ? '' : storableText(record[i] ?? '').trim();
  };
  const account = cleanDisplayName(get('account'));
  const normalizedAccount = normalizeAccountName(account);
  if (!normalizedAccount) return { line, reason: 'account is empty' };

  const stageText = get('stage');
  const firstOpen =
    template.stages.find((s) => s.phase !== 'won' && s.phase !== 'lost') ?? template.stages[0];
  const stage = stageText ? matchStage(template, stageText) : firstOpen;
  if (!stage) {
    return {
      line,
      reason: `unknown stage "${stageText}" (use one of ${template.stages.map((s) => s.key).join(', ')})`,
    };
  }

  let amount: number | null = null;
  const amountText = get('amount').replace(/[,\s_]/g, '');
  if (amountText) {
    if (!/^\d+(\.\d+)?$/.test(amountText))
      return { line, reason: `amount "${get('amount')}" is not a non-negative number` };
    amount = Number(amountText);
    if (!Number.isFinite(amount) || amount > MAX_AMOUNT)
      return { line, reason: 'amount is too large' };
  }
  let currency: string | null = get('currency').toUpperCase() || null;
  if (currency && !/^[A-Z]{3}$/.test(currency))
    return { line, reason: `currency "${get('currency')}" is not an ISO 4217 code` };
  if (amount !== null && !currency) currency = defaultCurrency;
  if (amount === null) currency = null;

  const dates: Partial<Record<'closeDate' | 'nextStepDue', string>> = {};
  for (const [col, key] of [
    ['close_date', 'closeDate'],
    ['next_step_due', 'nextStepDue'],
  ] as const) {
    const v = get(col);
    if (!v) continue;
    const d = v.slice(0, 10);
    if (!isValidLocalDate(d) || (v.length > 10 && !parseTimestamp(v)))
      return { line, reason: `${col} "${v}" is not a date (YYYY-MM-DD)` };
    dates[key] = d;
  }
  const stamps: Partial<Record<'lastActivityAt' | 'createdAt', Date>> = {};
  for (const [col, key] of [
    ['last_activity_at', 'lastActivityAt'],
    ['created_at', 'createdAt'],
  ] as const) {
    const v = get(col);
    if (!v) continue;
    const d = parseTimestamp(v);
    if (!d) return { line, reason: `${col} "${v}" is not an ISO 8601 date or time` };
    stamps[key] = d;
  }

  const nextStep = cleanDisplayName(get('next_step')).slice(0, 500) || null;
  return {
    line,
    account,
    normalizedAccount,
    title: cleanDisplayName(get('title')).slice(0, 200) || account,
    owner: cleanDisplayName(get('owner')).slice(0, 100) || null,
    stage: stage.key,
    status: stage.phase === 'won' ? 'won' : stage.phase === 'lost' ? 'lost' : 'open',
    amount,
    currency,
    closeDate: dates.closeDate ?? null,
    nextStep: nextStep ?? (dates.nextStepDue ? 'Follow up' : null),
    nextStepDue: dates.nextStepDue ?? null,
    lastActivityAt: stamps.lastActivityAt ?? null,
    createdAt: stamps.createdAt ?? null,
  };
}

export function isRowError(r: CsvDealRow | RowError): r is RowError {
  return 'reason' in r && !('account' in r);
}

export { type ExportRow, exportDealPages, exportDeals } from './csv-export.ts';
export { type ImportResult, importDeals } from './csv-import.ts';

/** Quote a CSV field when it needs it; neutralise spreadsheet formulas in text fields. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string' && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

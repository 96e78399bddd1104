/**
 * Validation of an extracted update before it reaches the database. Whatever
 * produced it (the offline rules, an LLM, a CSV row, a form), a field that is
 * not a real value for this workspace is dropped and reported, never written.
 */
import { isValidLocalDate } from '../lib/time.ts';
import type { DealUpdate } from '../understand/extraction.ts';
import { cleanDisplayName } from './names.ts';
import { findStage, matchStage, type StageTemplate } from './stages.ts';

export const MAX_AMOUNT = 1e13;
const MAX_TEXT = 500;
const MAX_ITEMS = 20;

export interface SanitizedUpdate {
  update: DealUpdate;
  /** Human-readable reasons for every dropped field (English; for logs and notes). */
  dropped: { field: keyof DealUpdate; reason: string }[];
}

function cleanText(s: string | null, max = MAX_TEXT): string | null {
  if (s === null) return null;
  const t = cleanDisplayName(s.replace(/\s+/g, ' ')).slice(0, max);
  return t === '' ? null : t;
}

function cleanList(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of items) {
    const t = cleanText(raw, 200);
    if (!t) continue;
    const key = t.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
    if (out.length >= MAX_ITEMS) break;
  }
  return out;
}

export function sanitizeUpdate(input: DealUpdate, template: StageTemplate): SanitizedUpdate {
  const dropped: SanitizedUpdate['dropped'] = [];
  const u: DealUpdate = {
    account: cleanText(input.account, 200),
    stage: null,
    amount: null,
    currency: null,
    closeDate: null,
    nextStep: cleanText(input.nextStep),
    nextStepDue: null,
    needs: cleanList(input.needs ?? []),
    contacts: [],
    competitors: cleanList(input.competitors ?? []),
    lostReason: cleanText(input.lostReason),
  };

  if (input.stage !== null && input.stage !== undefined) {
    const stage = findStage(template, input.stage) ?? matchStage(template, input.stage);
    if (stage) u.stage = stage.key;
    else dropped.push({ field: 'stage', reason: `unknown stage "${input.stage}"` });
  }

  if (input.amount !== null && input.amount !== undefined) {
    const a = input.amount;
    if (typeof a !== 'number' || !Number.isFinite(a)) {
      dropped.push({ field: 'amount', reason: 'amount is not a number' });
    } else if (a < 0) {
      dropped.push({ field: 'amount', reason: 'amount is negative' });
    } else if (a > MAX_AMOUNT) {
      dropped.push({ field: 'amount', reason: 'amount is implausibly large' });
    } else {
      u.amount = Math.round(a * 100) / 100;
      const c = (input.currency ?? '').trim().toUpperCase();
      u.currency = /^[A-Z]{3}$/.test(c) ? c : null;
      if (input.currency && !u.currency) {
        dropped.push({ field: 'currency', reason: `unknown currency "${input.currency}"` });
      }
    }
  }

  for (const field of ['closeDate', 'nextStepDue'] as const) {
    const v = input[field];
    if (v === null || v === undefined) continue;
    if (isValidLocalDate(v)) u[field] = v;
    else dropped.push({ field, reason: `"${v}" is not a calendar date` });
  }

  const seenContacts = new Set<string>();
  for (const c of input.contacts ?? []) {
    const name = cleanText(c.name, 120);
    if (!name) continue;
    const key = name.toLowerCase();
    if (seenContacts.has(key)) continue;
    seenContacts.add(key);
    u.contacts.push({ name, title: cleanText(c.title, 120) });
    if (u.contacts.length >= MAX_ITEMS) break;
  }

  // A lost reason on its own means the deal was lost.
  if (u.lostReason && !u.stage) {
    const lost = template.stages.find((s) => s.phase === 'lost');
    if (lost) u.stage = lost.key;
  }
  return { update: u, dropped };
}

/** True when the update says anything at all about a deal. */
export function hasDealContent(u: DealUpdate): boolean {
  return (
    u.stage !== null ||
    u.amount !== null ||
    u.closeDate !== null ||
    u.nextStep !== null ||
    u.nextStepDue !== null ||
    u.needs.length > 0 ||
    u.contacts.length > 0 ||
    u.competitors.length > 0 ||
    u.lostReason !== null
  );
}

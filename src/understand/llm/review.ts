/**
 * The model's answer is never trusted as is. After the SDK's schema check,
 * every field is checked again against the message and the workspace:
 * stage keys must be the template's, amounts finite and non-negative, dates
 * real; the date and amount PHRASES the model saw are resolved in code (the
 * same resolvers the offline extractor uses, in the member's timezone) and
 * preferred over the model's own arithmetic; the contract's currency rules
 * (¥/元/人民币 mean CNY unless the text says yen) are applied to the text.
 */
import { addDays, isValidLocalDate, toLocalDate } from '../../lib/time.ts';
import { findStage, matchStage } from '../../pipeline/stages.ts';
import { MAX_AMOUNT } from '../../pipeline/update.ts';
import { findAmounts } from '../amounts.ts';
import { resolveDatePhrase } from '../dates.ts';
import {
  type Contact,
  type DealUpdate,
  type ExtractContext,
  type Extraction,
  ExtractionSchema,
} from '../extraction.ts';
import type { LlmDealUpdate, LlmExtraction } from './schema.ts';

const MAX_UPDATES = 20;
const MAX_ITEMS = 20;
const MAX_TEXT = 500;
/** A date further than this from today is the model's mistake, not a plan. */
const PAST_DAYS = 5 * 366;
const FUTURE_DAYS = 10 * 366;

type Ctx = Pick<ExtractContext, 'now' | 'timezone' | 'currency' | 'template'>;

function clean(s: string | null | undefined, max = MAX_TEXT): string | null {
  if (typeof s !== 'string') return null;
  const t = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
  return t === '' ? null : t;
}

function cleanList(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of items) {
    const t = clean(raw, 200);
    if (!t || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
    if (out.length >= MAX_ITEMS) break;
  }
  return out;
}

const YEN = /日元|日圓|円|\byen\b|\bjpy\b/i;
const CNY_MARK = /(?<!日)元|[¥￥]|人民币|\brmb\b|\bcny\b/i;

/** The contract's rule on a currency the model gave: ¥/元/人民币 are CNY unless the text says yen. */
export function currencyByContract(currency: string, text: string): string {
  if (currency === 'JPY' && !YEN.test(text) && CNY_MARK.test(text)) return 'CNY';
  if (currency === 'CNY' && YEN.test(text) && !CNY_MARK.test(text)) return 'JPY';
  return currency;
}

const validAmount = (a: number | null): a is number =>
  typeof a === 'number' && Number.isFinite(a) && a >= 0 && a <= MAX_AMOUNT;

function money(
  u: LlmDealUpdate,
  text: string,
  ctx: Ctx,
): { amount: number; currency: string } | null {
  const found = findAmounts(text, ctx.currency).filter((f) => validAmount(f.amount));
  const phrase = clean(u.amountPhrase, 100);
  if (phrase) {
    // The phrase where it stands in the message (so a currency mark beside it counts), else alone.
    const at = text.toLowerCase().indexOf(phrase.toLowerCase());
    const inText =
      at >= 0
        ? found.find((f) => f.index < at + phrase.length && at < f.index + f.raw.length)
        : undefined;
    const alone = inText ?? findAmounts(phrase, ctx.currency).find((f) => validAmount(f.amount));
    if (alone) return { amount: alone.amount, currency: currencyByContract(alone.currency, text) };
  }
  if (!validAmount(u.amount)) return null;
  const amount = Math.round(u.amount * 100) / 100;
  const same = found.find((f) => f.amount === amount);
  if (same) return { amount, currency: same.currency };
  const code = (u.currency ?? '').trim().toUpperCase();
  return {
    amount,
    currency: currencyByContract(/^[A-Z]{3}$/.test(code) ? code : ctx.currency, text),
  };
}

function date(phrase: string | null, modelDate: string | null, ctx: Ctx): string | null {
  const words = clean(phrase, 100);
  const resolved = words ? resolveDatePhrase(words, ctx.now, ctx.timezone) : null;
  const d = resolved ?? (typeof modelDate === 'string' ? modelDate.trim() : null);
  if (!d || !/^\d{4}-\d{2}-\d{2}$/.test(d) || !isValidLocalDate(d)) return null;
  const today = toLocalDate(ctx.now, ctx.timezone);
  if (d < addDays(today, -PAST_DAYS) || d > addDays(today, FUTURE_DAYS)) return null;
  return d;
}

function contacts(list: readonly Contact[]): Contact[] {
  const seen = new Set<string>();
  const out: Contact[] = [];
  for (const c of list) {
    const name = clean(c.name, 120);
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push({ name, title: clean(c.title, 120) });
    if (out.length >= MAX_ITEMS) break;
  }
  return out;
}

export function reviewUpdate(u: LlmDealUpdate, text: string, ctx: Ctx): DealUpdate {
  const stage = u.stage
    ? (findStage(ctx.template, u.stage.trim()) ?? matchStage(ctx.template, u.stage))
    : undefined;
  const m = money(u, text, ctx);
  return {
    account: clean(u.account, 200),
    stage: stage?.key ?? null,
    amount: m?.amount ?? null,
    currency: m?.currency ?? null,
    closeDate: date(u.closeDatePhrase, u.closeDate, ctx),
    nextStep: clean(u.nextStep),
    nextStepDue: date(u.nextStepDuePhrase, u.nextStepDue, ctx),
    needs: cleanList(u.needs),
    contacts: contacts(u.contacts),
    competitors: cleanList(u.competitors),
    lostReason: clean(u.lostReason),
  };
}

/** The model's parsed answer, checked field by field; the result satisfies `ExtractionSchema`. */
export function reviewExtraction(raw: LlmExtraction, text: string, ctx: Ctx): Extraction {
  const updates =
    raw.intent === 'update'
      ? raw.updates.slice(0, MAX_UPDATES).map((u) => reviewUpdate(u, text, ctx))
      : [];
  return ExtractionSchema.parse({ intent: raw.intent, updates });
}

/**
 * A small rule-based extractor that drives the conversation core end to end
 * (names after met/with/拜访, k/M/万 amounts, a few stage cues, weekday
 * follow-ups). The full offline extractor replaces it behind the same interface.
 */
import { addDays, toLocalDate, weekdayOf } from '../../lib/time.ts';
import { stageForPhase } from '../../pipeline/stages.ts';
import {
  type DealUpdate,
  type ExtractContext,
  type Extraction,
  type Extractor,
  emptyUpdate,
} from '../extraction.ts';

const QUESTION = /[?？吗呢]\s*$|^(what|which|how|who|show|list|哪|什么|多少)/iu;
const CHITCHAT = /^(hi|hello|hey|thanks|thank you|你好|谢谢|ok|好的)[!.!。\s]*$/iu;
const ACCOUNT_EN =
  /\b(?:met|meeting with|call with|visited|with|at)\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)/u;
const ACCOUNT_ZH =
  /(?:拜访了?|见了|和|跟|与)([\u4e00-\u9fff]{2,8}?)(?:[,，。,\s]|的|开会|沟通|聊|$)/u;
const AMOUNT = /(?:([$€£¥￥])\s*)?(\d+(?:\.\d+)?)\s*(k|m|万|亿)?\s*(usd|eur|cny|元|美元)?/iu;
const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};
const ZH_WEEKDAYS: Record<string, number> = {
  日: 0,
  天: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
};

function amountOf(text: string, currency: string): { amount: number; currency: string } | null {
  for (const m of text.matchAll(new RegExp(AMOUNT, 'giu'))) {
    const [, sym, num, mult, code] = m;
    if (!sym && !mult && !code) continue;
    const factor = { k: 1e3, m: 1e6, 万: 1e4, 亿: 1e8 }[(mult ?? '').toLowerCase()] ?? 1;
    const cur =
      sym === '$' || /usd|美元/i.test(code ?? '')
        ? 'USD'
        : sym === '€' || /eur/i.test(code ?? '')
          ? 'EUR'
          : sym === '£'
            ? 'GBP'
            : sym === '¥' || sym === '￥' || /cny|元/i.test(code ?? '')
              ? 'CNY'
              : currency;
    return { amount: Number(num) * factor, currency: cur };
  }
  return null;
}

function dueOf(text: string, ctx: ExtractContext): string | null {
  const today = toLocalDate(ctx.now, ctx.timezone);
  const en = /\b(next\s+)?(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/i.exec(text);
  const zh = /(下)?(?:周|星期|礼拜)([一二三四五六日天])/u.exec(text);
  const target = en ? WEEKDAYS[en[2]!.toLowerCase()] : zh ? ZH_WEEKDAYS[zh[2]!] : undefined;
  if (target !== undefined) {
    const next = Boolean(en?.[1] || zh?.[1]);
    const dow = weekdayOf(today);
    let delta = (target - dow + 7) % 7;
    // "next Friday" / 下周五: that weekday in the week starting next Monday.
    if (next) delta = ((8 - dow) % 7 || 7) + ((target + 6) % 7);
    return addDays(today, delta);
  }
  if (/\btomorrow\b|明天/iu.test(text)) return addDays(today, 1);
  return null;
}

export function extractOffline(text: string, ctx: ExtractContext): Extraction {
  const t = text.trim();
  if (!t || CHITCHAT.test(t)) return { intent: 'other', updates: [] };
  if (QUESTION.test(t)) return { intent: 'question', updates: [] };
  const known = [...ctx.knownAccounts, ...ctx.openDeals.map((d) => d.account)].find((a) =>
    t.toLowerCase().includes(a.toLowerCase()),
  );
  const account = known ?? ACCOUNT_EN.exec(t)?.[1] ?? ACCOUNT_ZH.exec(t)?.[1] ?? null;
  const u: DealUpdate = emptyUpdate(account);
  const money = amountOf(t, ctx.currency);
  if (money) {
    u.amount = money.amount;
    u.currency = money.currency;
  }
  const phase = /\b(signed|closed won|won)\b|签约|成交/iu.test(t)
    ? 'won'
    : /\blost\b|丢单/iu.test(t)
      ? 'lost'
      : /negotiat|谈判/iu.test(t)
        ? 'negotiation'
        : /\bquote\b|报价/iu.test(t)
          ? 'quote'
          : /proposal|demo|方案/iu.test(t)
            ? 'proposal'
            : /\bneeds?\b|需要|需求/iu.test(t)
              ? 'needs_analysis'
              : null;
  if (phase) u.stage = stageForPhase(ctx.template, phase)?.key ?? null;
  const need = /\bneeds?\s+([^,.;]+)|需要([^,，。;；]+)/iu.exec(t);
  if (need) u.needs = [(need[1] ?? need[2] ?? '').trim()].filter(Boolean);
  const due = dueOf(t, ctx);
  if (due) {
    u.nextStepDue = due;
    u.nextStep = /follow up/i.test(t) ? 'follow up' : /发方案/u.test(t) ? '发方案' : null;
  }
  return { intent: 'update', updates: [u] };
}

export function createOfflineExtractor(): Extractor {
  return {
    name: 'offline',
    async extract(text, ctx) {
      return { extraction: extractOffline(text, ctx), source: 'offline' };
    },
  };
}

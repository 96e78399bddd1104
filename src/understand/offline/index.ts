/**
 * The offline, rule-based extractor: no network, synchronous, pure.
 *
 * It reads a chat message the way a careful rep's manager would skim it:
 * which accounts it names, what moved (the most advanced stage it asserts),
 * the money, the dates (close date vs. next step), the people, the needs and
 * the competition. Messages longer than `MAX_CHARS` are read only up to that
 * point: deal updates are short, and the bound keeps every message fast.
 */
import { isValidTimeZone, toLocalDate } from '../../lib/time.ts';
import { DEFAULT_TEMPLATE } from '../../pipeline/stages.ts';
import { type AmountSpan, pickDealAmount, scanAmounts } from '../amounts.ts';
import { type DateSpan, scanDates } from '../dates.ts';
import {
  type DealUpdate,
  type ExtractContext,
  type Extraction,
  type Extractor,
  emptyUpdate,
} from '../extraction.ts';
import { EMOJI, prepareText } from '../text.ts';
import { findAccounts } from './accounts.ts';
import {
  type AccountGroup,
  type AccountMention,
  type Clause,
  clauseAt,
  groupByAccount,
  overlaps,
  type Span,
  splitClauses,
} from './clauses.ts';
import { classifyIntent, isChitChat, isQuestion } from './intent.ts';
import { ACTION_EN, ACTION_ZH, STAGE_CUES } from './lexicon.ts';
import { findNeeds, type NeedMention } from './needs.ts';
import {
  type CompetitorMention,
  type ContactMention,
  findCompetitors,
  findContacts,
} from './people.ts';
import { type CueHit, findStageCues, pickStage } from './stage.ts';
import { findSteps } from './steps.ts';

/** Characters of a message that are read; the rest is ignored. */
export const MAX_CHARS = 4000;
/** Accounts reported per message; a chat update never names more. */
export const MAX_UPDATES = 12;

interface Found {
  text: string;
  clauses: Clause[];
  today: string;
  dates: DateSpan[];
  amounts: AmountSpan[];
  accounts: AccountMention[];
  contacts: ContactMention[];
  competitors: CompetitorMention[];
  cues: CueHit[];
  needs: NeedMention[];
}

const LOST_CUE = new RegExp(
  STAGE_CUES.filter((c) => c.phase === 'lost')
    .map((c) => `(?:${c.re.source})`)
    .join('|'),
  'gi',
);

function safeDates(text: string, now: Date, timeZone: string): DateSpan[] {
  if (Number.isNaN(now.getTime())) return [];
  try {
    return scanDates(text, now, timeZone);
  } catch {
    return [];
  }
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = key(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function lostReason(f: Found, group: AccountGroup, hit: CueHit): string | null {
  const clauses = group.clauses;
  const at = clauseAt(clauses, hit.start);
  if (at < 0) return null;
  const first = clauses.findIndex((c) => c.sentence === clauses[at]!.sentence);
  const parts = clauses.slice(first, first + 8).map((c) => {
    const chars = f.text.slice(c.start, c.end).split('');
    for (const a of f.accounts) {
      for (let i = Math.max(a.start, c.start); i < Math.min(a.end, c.end); i++)
        chars[i - c.start] = ' ';
    }
    return chars.join('');
  });
  const reason = parts
    .map((p) => p.replace(EMOJI, ' ').replace(/\s+/g, ' ').trim())
    .map((p) => p.replace(/^[-:：,，;.。!！\s的]+|[-:：,，;.。!！\s]+$/g, ''))
    .filter(Boolean)
    .join(', ');
  // "阿里丢单了" says it was lost, not why.
  const rest = reason
    .replace(LOST_CUE, '')
    .replace(/决定|最终|最后|已经|还是|项目|这单|那单|客户|对方|\b(?:the|deal|it|we|they)\b/gi, '')
    .replace(/[\s,，.。!！了的]+/g, '');
  if (!reason || rest.length < 2) return null;
  return reason.length > 160 ? `${reason.slice(0, 160).trimEnd()}…` : reason;
}

function buildUpdate(f: Found, group: AccountGroup, ctx: ExtractContext): DealUpdate {
  const own = new Set(group.clauses);
  const inGroup = (s: Span) => {
    const i = clauseAt(f.clauses, s.start);
    return i >= 0 && own.has(f.clauses[i]!);
  };
  const update = emptyUpdate(group.account?.name ?? null);
  const needs = f.needs.filter(inGroup);
  const needCues: CueHit[] = needs.map((n) => ({
    ...n,
    phase: 'needs_analysis',
    key: null,
    asserted: true,
  }));
  const cues = [...f.cues.filter(inGroup), ...needCues];
  const stage = pickStage(cues, ctx.template);
  update.stage = stage?.key ?? null;
  const amount = pickDealAmount(f.amounts.filter(inGroup));
  if (amount) {
    update.amount = amount.amount;
    update.currency = amount.currency;
  }
  const steps = findSteps(f.text, group.clauses, f.dates, f.today, [
    ...f.accounts,
    ...f.contacts,
    ...f.amounts,
  ]);
  update.nextStep = steps.nextStep;
  update.nextStepDue = steps.nextStepDue;
  update.closeDate = steps.closeDate;
  update.needs = dedupe(
    needs.flatMap((n) => n.items),
    (s) => s.toLowerCase(),
  );
  update.contacts = dedupe(
    f.contacts.filter((c) => inGroup(c) && !f.accounts.some((a) => overlaps(a, c))),
    (c) => c.name,
  ).map(({ name, title }) => ({ name, title }));
  const accountKeys = new Set(f.accounts.map((a) => a.name.toLowerCase()));
  update.competitors = dedupe(
    f.competitors
      .filter((c) => inGroup(c) && !accountKeys.has(c.name.toLowerCase()))
      .map((c) => c.name),
    (s) => s.toLowerCase(),
  );
  if (stage?.phase === 'lost') {
    const hit = cues.find((c) => c.asserted && c.phase === 'lost');
    update.lostReason = hit ? lostReason(f, group, hit) : null;
  }
  return update;
}

/** Extract deal updates from one chat message; never throws on odd input. */
export function extractOffline(text: string, given: ExtractContext): Extraction {
  const ctx: ExtractContext = {
    ...given,
    template: given.template ?? DEFAULT_TEMPLATE,
    knownAccounts: given.knownAccounts ?? [],
    openDeals: given.openDeals ?? [],
  };
  const raw = typeof text === 'string' ? text.slice(0, MAX_CHARS) : '';
  const t = prepareText(raw).text;
  if (isChitChat(t)) return { intent: 'other', updates: [] };
  if (isQuestion(t)) return { intent: 'question', updates: [] };

  const timeZone = isValidTimeZone(ctx.timezone) ? ctx.timezone : 'UTC';
  const now = ctx.now instanceof Date ? ctx.now : new Date(Number.NaN);
  const today = Number.isNaN(now.getTime()) ? '0000-01-01' : toLocalDate(now, timeZone);
  const currency = /^[A-Za-z]{3}$/.test(ctx.currency ?? '') ? ctx.currency.toUpperCase() : 'USD';

  const dates = safeDates(t, now, timeZone);
  const amounts = scanAmounts(t, currency).filter((a) => !dates.some((d) => overlaps(d, a)));
  const clauses = splitClauses(t);
  const competitors = findCompetitors(t);
  const contacts = findContacts(t).filter((c) => !competitors.some((x) => overlaps(x, c)));
  const stops = new Set([...dates.map((d) => d.start), ...amounts.map((a) => a.start)]);
  const accounts = findAccounts(
    t,
    ctx,
    clauses,
    [...competitors, ...contacts, ...dates, ...amounts],
    stops,
  );
  const cues = findStageCues(t, clauses, dates, today, ctx.template);
  const needs = findNeeds(t, clauses, [...dates, ...amounts, ...accounts, ...competitors]);

  const intent = classifyIntent(t, {
    hasStageCue: cues.some((c) => c.asserted),
    hasAmount: amounts.length > 0,
    hasAccount: accounts.length > 0,
    // "see you tomorrow" is not an update; "follow up tomorrow" is one, for the thread's deal.
    hasDate: dates.length > 0 && (ACTION_EN.test(t) || ACTION_ZH.test(t)),
    hasOther: needs.length > 0 || contacts.length > 0 || competitors.length > 0,
  });
  if (intent !== 'update') return { intent, updates: [] };

  const found: Found = {
    text: t,
    clauses,
    today,
    dates,
    amounts,
    accounts,
    contacts,
    competitors,
    cues,
    needs,
  };
  const updates = groupByAccount(clauses, accounts)
    .slice(0, MAX_UPDATES)
    .map((g) => buildUpdate(found, g, ctx));
  return { intent, updates };
}

export function createOfflineExtractor(): Extractor {
  return {
    name: 'offline',
    local: true,
    async extract(text, ctx) {
      return { extraction: extractOffline(text, ctx), source: 'offline' };
    },
  };
}

/**
 * Stage cues and whether the message asserts them.
 *
 * A cue moves the deal only when it is asserted: not negated ("not ready for
 * a quote", "还没报价"), not a plan or request ("will send the proposal",
 * "asked for a demo", "下一步商务谈判"), and not tied to a future date
 * ("下周五前发方案", "demo tomorrow") unless it is visibly under way ("POC
 * ends next Friday", "demo went well"). Among asserted cues the most advanced
 * phase wins.
 */
import type { Phase, StageTemplate } from '../../pipeline/stages.ts';
import { stageForPhase } from '../../pipeline/stages.ts';
import type { DateSpan } from '../dates.ts';
import { type Clause, clauseAt, inside, type Span } from './clauses.ts';
import {
  ACTION_BEFORE_ZH,
  AWAIT_BEFORE,
  DONE_AFTER_EN,
  DONE_BEFORE_EN,
  DONE_NEAR_ZH_AFTER,
  DONE_NEAR_ZH_BEFORE,
  NEGATION_AFTER_ZH,
  NEGATION_BEFORE_EN,
  NEGATION_BEFORE_ZH,
  PHASE_RANK,
  PLAN_BEFORE_EN,
  PLAN_BEFORE_ZH,
  STAGE_CUES,
} from './lexicon.ts';

export interface CueHit extends Span {
  phase: Phase;
  /** Set when the message named a template stage ("moved to Underwriting"). */
  key: string | null;
  asserted: boolean;
}

const PAST_FORM = /(?:ed|'d)$|^(?:sent|lost|won|chose|chosen|went|signd|singed|countersigned)\b/i;
const SINCE_BEFORE = /(?:\bsince|\bfrom|自从|从)\s*$/i;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const templateCueCache = new Map<string, { re: RegExp; phase: Phase; key: string }[]>();

/** Cues for the template's own stage names: "moved to Underwriting", "进入核保阶段". */
function templateCues(template: StageTemplate): { re: RegExp; phase: Phase; key: string }[] {
  const cached = templateCueCache.get(template.key);
  if (cached) return cached;
  const cues = template.stages.flatMap((s) => [
    {
      re: new RegExp(
        `\\b(?:mov(?:e|ed|ing)|advanc(?:e|ed|ing)|progress(?:ed)?|push(?:ed)?|now|stage)\\s*(?:to|into|in|is|:|=)?\\s*(?:the\\s+)?${escapeRegExp(s.name.en)}\\b`,
        'gi',
      ),
      phase: s.phase,
      key: s.key,
    },
    {
      re: new RegExp(
        `(?:进入|推进到|推进至|推到|到了|处于|进到|阶段[:：])\\s*${escapeRegExp(s.name['zh-CN'])}`,
        'g',
      ),
      phase: s.phase,
      key: s.key,
    },
  ]);
  templateCueCache.set(template.key, cues);
  return cues;
}

function isAsserted(
  text: string,
  hit: Span & { phase: Phase },
  clause: Clause,
  futureDates: readonly Span[],
  futureFramed: boolean,
): boolean {
  const cue = text.slice(hit.start, hit.end);
  const before = text.slice(clause.start, hit.start);
  const after = text.slice(hit.end, clause.end);
  const zh = /[\u3400-\u9fff]/.test(cue) || /[\u3400-\u9fff]\s*$/.test(before);
  if (NEGATION_BEFORE_EN.test(before) || NEGATION_BEFORE_ZH.test(before)) return false;
  if (zh && NEGATION_AFTER_ZH.test(after)) return false;
  // Needs and losses are statements about the customer, never planned actions.
  const action = hit.phase !== 'needs_analysis' && hit.phase !== 'lost';
  // A customer who wants a discount is already negotiating: "wants 8% off", "要求打9折".
  const haggling = hit.phase === 'negotiation' && /discount|off|terms|折|优惠|账期/i.test(cue);
  if (action && !haggling && (PLAN_BEFORE_EN.test(before) || PLAN_BEFORE_ZH.test(before)))
    return false;
  if (hit.phase === 'won' && AWAIT_BEFORE.test(before)) return false;
  const done = zh
    ? /[了已]/.test(cue) || DONE_NEAR_ZH_BEFORE.test(before) || DONE_NEAR_ZH_AFTER.test(after)
    : PAST_FORM.test(cue) || DONE_BEFORE_EN.test(before) || DONE_AFTER_EN.test(after);
  if (done) return true;
  if (action && !haggling && (futureFramed || futureDates.some((d) => inside(d, clause))))
    return false;
  if (zh && ACTION_BEFORE_ZH.test(before)) return false;
  return true;
}

/** Every stage cue in the text with whether it is asserted. */
export function findStageCues(
  text: string,
  clauses: readonly Clause[],
  dates: readonly DateSpan[],
  today: string,
  template: StageTemplate,
): CueHit[] {
  const futureDates = dates.filter(
    (d) => d.date > today && !SINCE_BEFORE.test(text.slice(Math.max(0, d.start - 8), d.start)),
  );
  // "下周三去一趟蔚来,演示新版本": a sentence that opens with a future date is all future.
  const framed = new Set<Clause>();
  for (const [i, c] of clauses.entries()) {
    const opens = futureDates.some(
      (d) => d.start >= c.start && /^[\s:：-]*$/.test(text.slice(c.start, d.start)),
    );
    const prev = clauses[i - 1];
    if (opens || (prev && prev.sentence === c.sentence && framed.has(prev))) framed.add(c);
  }
  const hits: CueHit[] = [];
  const scan = (re: RegExp, phase: Phase, key: string | null) => {
    for (const m of text.matchAll(re)) {
      const span = { start: m.index, end: m.index + m[0].length, phase };
      const clause = clauses[clauseAt(clauses, span.start)];
      if (!clause) continue;
      const asserted = isAsserted(text, span, clause, futureDates, framed.has(clause));
      hits.push({ ...span, key, asserted });
    }
  };
  for (const c of STAGE_CUES) scan(c.re, c.phase, null);
  for (const c of templateCues(template)) scan(c.re, c.phase, c.key);
  return hits.sort((a, b) => a.start - b.start);
}

/** The most advanced asserted cue, as a stage key of the template. */
export function pickStage(
  hits: readonly CueHit[],
  template: StageTemplate,
): { key: string; phase: Phase } | null {
  let best: CueHit | null = null;
  for (const h of hits) {
    if (!h.asserted) continue;
    if (
      !best ||
      PHASE_RANK[h.phase] > PHASE_RANK[best.phase] ||
      (h.key && h.phase === best.phase)
    ) {
      best = h;
    }
  }
  if (!best) return null;
  const key = best.key ?? stageForPhase(template, best.phase)?.key;
  return key ? { key, phase: best.phase } : null;
}

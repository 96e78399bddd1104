/**
 * Next step, its due date, and the expected close date.
 *
 * A date in a clause about closing ("expect to close end of Q1", "预计月底签约",
 * "decision by Dec 15") is the close date. A today-or-later date in a clause
 * that names an action and does not report a past event ("follow up Friday",
 * "下周五前发方案") is the next step's due date, and the clause, stripped of
 * the date, the account and filler, is the next step. Without a dated step,
 * an explicit marker ("next step:", "need to", "下一步", "先…") still gives
 * an undated next step.
 */
import type { DateSpan } from '../dates.ts';
import { EMOJI } from '../text.ts';
import { type Clause, inside, type Span } from './clauses.ts';
import {
  ACTION_EN,
  ACTION_ZH,
  CLOSE_CONTEXT_EN,
  CLOSE_CONTEXT_ZH,
  PAST_CLAUSE_EN,
  PAST_CLAUSE_ZH,
  STEP_LEAD,
  STEP_TRAIL,
} from './lexicon.ts';

export interface StepsResult {
  nextStep: string | null;
  nextStepDue: string | null;
  closeDate: string | null;
}

const REPORT_TODAY = /^(?:today|今天|今日|今早|this\s+(?:morning|afternoon|evening))$/i;
const PLAN =
  /\b(?:will|need\s+to|going\s+to|to\s+do|must|should|gotta|have\s+to|sending|calling|pinging|emailing|following\s+up)\b|准备|需要|必须|得去/i;
const WEAK_STEP = /^(?:一趟|一下|趟|去|go|visit|drop\s+by)$/i;
const SINCE_BEFORE = /(?:\bsince|\bfrom|自从|从)\s*$/i;
const PUSH_ONLY = /pushed\s+to|slipped\s+to|moved\s+to|推迟到|延期到|延到|改到/i;
const EVENT_NOUN =
  /\b(?:demo|meeting|call|workshop|presentation|review|visit|onsite)\b|演示|会议|汇报|拜访|交流|开会|上门/i;
const CONNECTOR_BEFORE = /(?:\b(?:with|w\/|at|to|for|from|and)\s*|给|和|跟|与|去|同)$/i;
const STEP_MARKER_EN =
  /\b(?:next\s+steps?\s*[:：-]|ns\s*:|need\s+to|needs\s+to|will|going\s+to|plan\s+to|follow(?:ing)?[\s-]?up|to\s+do)/i;
const STEP_MARKER_ZH = /下一步|下步|接下来|先(?!前)|准备|计划|跟进/;
const NOT_OURS = /\b(?:they|customer|client|he|she)\s+$/i;
const PHONE = /\+?\d[\d\s-]{6,}\d/g;
const TIME =
  /\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b|(?:上午|下午|晚上|早上|中午)(?:\d{1,2}点(?:半|\d{1,2}分)?)?|\d{1,2}点(?:半|\d{1,2}分)?/gi;
const PAREN = /\([^()]*\)|（[^（）]*）/g;
const GERUND: Record<string, string> = {
  following: 'follow',
  sending: 'send',
  scheduling: 'schedule',
  calling: 'call',
  setting: 'set',
  booking: 'book',
  preparing: 'prepare',
  reviewing: 'review',
  checking: 'check',
  meeting: 'meet',
  pinging: 'ping',
  emailing: 'email',
  visiting: 'visit',
  syncing: 'sync',
  sharing: 'share',
  presenting: 'present',
};

function isPastClause(clause: string): boolean {
  return PAST_CLAUSE_EN.test(clause) || PAST_CLAUSE_ZH.test(clause);
}

/** The clause as a short action: date, account, contacts, times and filler removed. */
export function stepText(
  text: string,
  clause: Span,
  remove: readonly Span[],
  from = clause.start,
): string | null {
  const chars = text.slice(from, clause.end).split('');
  for (const r of remove) {
    if (r.end <= from || r.start >= clause.end) continue;
    let start = Math.max(r.start, from);
    const connector = CONNECTOR_BEFORE.exec(text.slice(Math.max(from, start - 8), start));
    if (connector) start -= connector[0].length;
    for (let i = start; i < Math.min(r.end, clause.end); i++) chars[i - from] = ' ';
  }
  let s = chars
    .join('')
    .replace(PAREN, ' ')
    .replace(PHONE, ' ')
    .replace(TIME, ' ')
    .replace(EMOJI, ' ')
    .replace(/\s+/g, ' ');
  s = s.replace(PUSH_ONLY, ' ');
  // Strip filler, but keep a bare verb rather than nothing ("下下周三再约" → "再约").
  for (let i = 0; i < 3; i++) {
    const next = s.replace(STEP_LEAD, '').replace(STEP_TRAIL, '');
    if (!/[\p{L}\p{N}]/u.test(next)) break;
    s = next;
  }
  s = s.trim();
  const gerund = /^([a-z]+ing)\b/i.exec(s);
  if (gerund && GERUND[gerund[1]!.toLowerCase()])
    s = GERUND[gerund[1]!.toLowerCase()]! + s.slice(gerund[1]!.length);
  s = s.replace(/^(?:f\/u|fu|follow-?up|followup)\b/i, 'follow up');
  // "把报价发给小鹏" → "发报价", "把合同发过去" → "发合同".
  s = s.replace(/^把(.{1,10}?)(发给|发|给|交给|送)(?:过去|过来)?$/, '$2$1').replace(/^发给/, '发');
  if (s.length === 0 || !/[\p{L}\p{N}]/u.test(s)) return null;
  return s.length > 80 ? `${s.slice(0, 80).trimEnd()}…` : s;
}

export function findSteps(
  text: string,
  clauses: readonly Clause[],
  dates: readonly DateSpan[],
  today: string,
  remove: readonly Span[],
): StepsResult {
  const result: StepsResult = { nextStep: null, nextStepDue: null, closeDate: null };
  for (const clause of clauses) {
    const body = text.slice(clause.start, clause.end);
    const here = dates.filter(
      (d) => inside(d, clause) && !SINCE_BEFORE.test(text.slice(Math.max(0, d.start - 8), d.start)),
    );
    for (const d of here) {
      const closing = CLOSE_CONTEXT_EN.exec(body) ?? CLOSE_CONTEXT_ZH.exec(body);
      const pushedEvent = closing && PUSH_ONLY.test(closing[0]) && EVENT_NOUN.test(body);
      if (closing && !pushedEvent) {
        if (!result.closeDate && d.date > today) result.closeDate = d.date;
        continue;
      }
      if (result.nextStep || d.date < today) continue;
      // "今天客户回复要改两处" reports today; "follow up EOD" and "今天下班前发" are due today.
      if (d.date === today && REPORT_TODAY.test(text.slice(d.start, d.end)) && !PLAN.test(body))
        continue;
      if (isPastClause(body)) continue;
      // "asked for a 2nd demo w/ their security folks, set for 12/8": the action is in the clause before.
      let source = clause;
      const marked = STEP_MARKER_EN.test(body) || STEP_MARKER_ZH.test(body);
      if (!marked && !(ACTION_EN.test(body) || ACTION_ZH.test(body))) {
        const prev = clauses[clauses.indexOf(clause) - 1];
        const prevBody = prev ? text.slice(prev.start, prev.end) : '';
        if (
          !prev ||
          prev.sentence !== clause.sentence ||
          !(ACTION_EN.test(prevBody) || ACTION_ZH.test(prevBody))
        ) {
          continue;
        }
        if (isPastClause(prevBody) || dates.some((x) => inside(x, prev))) continue;
        source = prev;
      }
      let step = stepText(text, source, [...here, ...remove]);
      // "下周三去一趟蔚来,演示新版本": the visit is the frame, the next clause says what for.
      const next = clauses[clauses.indexOf(clause) + 1];
      if (step && WEAK_STEP.test(step) && next && next.sentence === clause.sentence) {
        step = stepText(text, next, remove) ?? step;
      }
      if (step) {
        result.nextStep = step;
        result.nextStepDue = d.date;
      }
    }
  }
  if (result.nextStep) return result;
  for (const clause of clauses) {
    const body = text.slice(clause.start, clause.end);
    if (dates.some((d) => inside(d, clause))) continue;
    const marker = STEP_MARKER_EN.exec(body) ?? STEP_MARKER_ZH.exec(body);
    if (!marker || NOT_OURS.test(body.slice(0, marker.index))) continue;
    if (isPastClause(body.slice(marker.index))) continue;
    const step = stepText(text, clause, remove, clause.start + marker.index);
    if (step) {
      result.nextStep = step;
      break;
    }
  }
  return result;
}

/**
 * Customer needs: short phrases after "need(s) / want / looking for /
 * require / asked for / whether we support" or 需要 / 希望 / 要求 / 关注 /
 * 想要 / 需求是, split on commas, "and", "&", "+", 和, 、.
 *
 * "we need to send pricing" is our next step, not their need; sales
 * artefacts the customer asks for ("they want pricing", "要求打9折") are
 * not needs either. A need that survives means the deal is in needs analysis.
 */

import { type Clause, clauseAt, type Span } from './clauses.ts';
import { ANY_CUE, ARTEFACT } from './lexicon.ts';

export interface NeedMention extends Span {
  items: string[];
}

const EN_NEED =
  /\b(?:need(?:s|ed)?|want(?:s|ed)?|require(?:s|d)?|looking\s+for|asked\s+for|asking\s+for|must\s+have|whether\s+we\s+(?:support|have|offer|do)|if\s+we\s+(?:support|have|offer)|do\s+we\s+(?:support|have)|requirements?\s*(?:is|are|:))\b(?!\s+to\b)[\s:]*/gi;
const EN_NOT_THEIRS = /\b(?:we|i|we'll|i'll|don't|doesn't|didn't|no|not|never)\s+(?:\S+\s+)?$/i;
const ZH_NEED =
  /需要|需求是|需求为|需求[:：]|希望|要求|关注|想要|想做|想上|想搞|打算上|看重|痛点是|能不能(?:做|支持)?|能否(?:做|支持)?|是否支持/g;
const ZH_NOT_THEIRS = /(?:我们|我|咱们|不|没|无)$/;

const EN_CUT =
  /\s(?:before|by|asap|too|as\s+well|because|so|but|which|for\s+now|if|when|until|once|in\s+order|to\s+(?:sign|close|move|go)|first|and\s+then|then)\b|\s[-(]|[!?;]/i;
const ZH_CUT = /预算|预计|因为|所以|但是|不过|然后|的话|之前|以前|才能|就能|才|再/;
const EN_SPLIT = /\s*(?:,|\band\b|&|\+|\bor\b|(?<!\bw)\/(?!\d))\s*/i;
const ZH_SPLIT = /\s*(?:、|和|及|以及|与|跟|,|，|\+|&)\s*/;
const NUMBERED = /(?:^|\s)\(?\d{1,2}[.)、:]\s*/;
const EN_LEAD = /^(?:a|an|the|some|more|to\s+have|us\s+to\s+support|support\s+for)\s+/i;
const PRONOUN_START =
  /^(?:they|we|i|he|she|it|their|our|follow|send|budget|also|still|just|both|then|but|next)\b/i;

function clean(item: string): string {
  return item
    .replace(EN_LEAD, '')
    .replace(/^[\s:：,，]+|[\s.。:：,，]+$/g, '')
    .trim();
}

/** A comma-separated continuation that still reads like a list item ("audit logs and custom roles"). */
function continuesList(text: string, blocked: readonly Span[], span: Span): boolean {
  const t = text.slice(span.start, span.end).trim();
  if (!t || t.length > 40 || /\d/.test(t) || PRONOUN_START.test(t)) return false;
  if (t.split(/\s+/).length > 5) return false;
  if (blocked.some((b) => b.start < span.end && span.start < b.end)) return false;
  return !ANY_CUE.some((re) => re.test(t));
}

export function findNeeds(
  text: string,
  clauses: Clause[],
  blocked: readonly Span[],
): NeedMention[] {
  const out: NeedMention[] = [];
  const han = /[\u3400-\u9fff]/.test(text);
  const triggers = [...text.matchAll(EN_NEED), ...(han ? text.matchAll(ZH_NEED) : [])];
  for (const m of triggers) {
    const zh = !/^[A-Za-z]/.test(m[0]);
    const before = text.slice(Math.max(0, m.index - 16), m.index);
    // "我们需要…" is our to-do, but "问我们能不能…" is still their question.
    const ours = zh ? /^需要/.test(m[0]) && ZH_NOT_THEIRS.test(before) : EN_NOT_THEIRS.test(before);
    const negated = zh && /(?:不|没|无)$/.test(before);
    if (ours || negated) continue;
    const ci = clauseAt(clauses, m.index);
    const clause = clauses[ci];
    if (!clause) continue;
    const start = m.index + m[0].length;
    let end = clause.end;
    // Dates, amounts and names end the phrase ("需要私有化部署,预算50万").
    for (const b of blocked) if (b.start >= start && b.start < end) end = b.start;
    let body = text.slice(start, end);
    const cut = (zh ? ZH_CUT : EN_CUT).exec(body);
    if (cut && cut.index > 0) body = body.slice(0, cut.index);
    const parts = [body];
    // "wants SSO, audit logs and custom roles": later comma clauses that are plain list items.
    for (let j = ci + 1; j < clauses.length && end === clause.end && !cut; j++) {
      const next = clauses[j]!;
      if (next.sentence !== clause.sentence || !continuesList(text, blocked, next)) break;
      parts.push(text.slice(next.start, next.end));
    }
    // "1.私有云部署 2.数据不出境 3.支持SSO": numbered items are separate needs.
    const items = parts
      .flatMap((p) => p.split(NUMBERED))
      .flatMap((p) => p.split(zh ? ZH_SPLIT : EN_SPLIT))
      .map(clean)
      .filter((i) => i.length >= 2 && i.length <= 60 && !ARTEFACT.test(i) && !/^签/.test(i));
    if (items.length > 0) out.push({ start: m.index, end: start, items });
  }
  return out;
}

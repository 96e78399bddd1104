/**
 * The offline intent router: keywords and patterns (English and Chinese) that
 * map the common pipeline questions onto the query library. It never guesses:
 * a question none of its rules recognise comes back as `unknown`, and the
 * answer lists what can be asked instead.
 */
import {
  openStages,
  type Phase,
  type StageTemplate,
  stageForPhase,
} from '../../pipeline/stages.ts';
import { findPeriod } from '../periods.ts';
import type { QueryArgs, QueryCall } from './catalog.ts';
import type { AskContext, AskMember, Choice, QueryChooser } from './types.ts';

const LOSS =
  /\b(loss|lost|losing|lose)\b.*\breasons?\b|\breasons?\b.*\b(lost|losing|loss|lose)\b|\bwhy\b.*\b(lose|lost|losing)\b|丢单.*原因|输单.*原因|(丢|输)的原因|为什么.*(丢|输)/u;
const DURATION =
  /bottleneck|how long.*\bstages?\b|\b(time|days) (spent )?in (each )?stages?\b|\bstages?\b.*\b(longest|slowest)\b|\b(longest|slowest)\b.*\bstages?\b|where do deals (get stuck|slow down|stall)|瓶颈|哪个阶段.*(最久|最长|最慢|卡)|阶段.*(停留|待多久|待了多久|多少天|耗时)|每个阶段.*(多久|多少天|时间)|卡得最久/u;
const FUNNEL = /funnel|conver(sion|t)|漏斗|转化/u;
const WIN_RATE =
  /win\s*rate|win ratio|close rate|closing rate|hit rate|average (deal |won |winning )?(size|value|amount)|avg\.? deal|deal size|sales cycle|cycle (length|time)|how long .*\bto (close|win)\b|赢单率|赢率|胜率|成交率|平均.*(金额|单价|规模|大小)|客单价|销售周期|成交周期/u;
const TREND = /trend|week[- ]by[- ]week|weekly|趋势|每周|逐周/u;
const ACTIVITY =
  /(?<!\bno (recent )?)activit|\bactive\b|been (up to|doing)|\bbusy\b|\blogged\b|活动|活跃|动态|工作量|跟进情况|干了什么|做了什么|更新了多少/u;
const OVERDUE =
  /overdue|past due|late follow|follow[- ]?ups?|next steps? (due|overdue)|逾期|过期|超期|跟进/u;
const STALLED =
  /stall|stuck|stale|gone (quiet|cold|dark)|\bquiet\b|no (recent )?activity|\bidle\b|inactive|neglect|停滞|卡住|卡着|没动静|没有动静|没进展|没有进展|沉寂|很久没|好久没/u;
const AMOUNT =
  /how much|how many|\btotal\b|\bsum\b|\bvalue\b|多少|总额|总共|合计|总计|金额|几个|几单/u;
const OPEN_TOTAL =
  /total (open )?pipeline|pipeline (total|value|worth)|open pipeline (total|value)|管道总额|管道总值|在手总额|总管道/u;
const WON =
  /\b(won|closed|signed|booked)\b|\bdid \w+ (close|win|sign|book)\b|赢了|赢单|赢得|成交了|签了|签下|拿下|成交(的)?(金额|额|多少|总额|几)/u;
const CLOSING_AHEAD = /(要|将|预计|能|会|待|可以)(成交|签)/u;
const LOST = /\b(lost|lose)\b|丢了|丢单|输了|输单/u;
const NEW = /\bnew\b|\bcreated\b|\badded\b|\bopened\b|新增|新建|新开|新的?(商机|单子)/u;
const CLOSING = /\bclos(e|es|ing)\b|\bto sign\b|\bsigning\b|\bland(ing)?\b|要关单/u;
const BY_OWNER =
  /\bby (rep|owner|person|salesperson|seller|member)s?\b|\bper (rep|owner|person|salesperson|seller)\b|\beach (rep|owner|person|salesperson|seller)\b|\bevery rep\b|who has the (most|biggest)|leaderboard|按(销售|负责人|人|成员)|每个(人|销售|成员)|各(个)?(销售|人|成员)|谁的(管道|单子|商机)最多/u;
const BIG = /biggest|largest|\btop\b|最大|金额最高|前\s*[\d一二三四五六七八九十]+/u;
const DEALS_WORD = /\bdeals?\b|\bopportunit|单子|商机|订单|项目/u;
const BY_STAGE = /pipeline|carrying|\bstages?\b|forecast|管道|各阶段|阶段|手上|手里|在跟|预测/u;
const DEAL_CUE =
  /status|how('s| is| are)|going|update on|happening|what about|tell me about|where are we|情况|进展|怎么样|如何|状态|到哪一步|到哪了/u;

const PHASE_WORDS: [Phase, RegExp][] = [
  ['negotiation', /negotiat|\bcontracts?\b|谈判|合同|商务/u],
  ['quote', /\bquot(e|es|ed|ing)\b|报价/u],
  ['proposal', /proposal|\bdemos?\b|\bpoc\b|方案|演示/u],
  ['needs_analysis', /needs[ -]analysis|discovery|需求分析|需求调研|需求阶段/u],
  ['prospecting', /prospect|潜在客户|线索/u],
];

const ZH_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};

const HAN = /\p{Script=Han}/u;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does `name` occur in `text` as a whole word (ASCII names) or at all (Chinese names)? */
function mentions(text: string, name: string): boolean {
  const n = name.toLowerCase().trim();
  if (n.length < 2) return false;
  if (HAN.test(n)) return text.includes(n);
  return new RegExp(`(^|[^a-z0-9])${escapeRe(n)}([^a-z0-9]|$)`, 'u').test(text);
}

function findOwner(text: string, ctx: AskContext): string | undefined {
  let best: { member: AskMember; length: number } | undefined;
  for (const m of ctx.members) {
    const tokens = new Set([m.name.toLowerCase(), m.externalId.toLowerCase()]);
    for (const part of m.name.toLowerCase().split(/\s+/)) if (part.length >= 3) tokens.add(part);
    for (const token of tokens) {
      if (token === 'admin' || token === 'me') continue;
      if (mentions(text, token) && (!best || token.length > best.length))
        best = { member: m, length: token.length };
    }
  }
  if (best) return best.member.name;
  const self =
    /\b(my|mine)\b|\bi\s+(have|own|am|got|carry|need|should|will)\b|\bi'm\b|\bam i\b|\b(for|to) me\b|我的|我(?!们)(?=本|这|下|上|今|手|有|要|负责|在跟)/u;
  return self.test(text) ? ctx.self.name : undefined;
}

function findStage(text: string, template: StageTemplate): string | undefined {
  const stages = openStages(template);
  for (const s of stages) {
    if (
      mentions(text, s.name.en) ||
      text.includes(s.name['zh-CN']) ||
      mentions(text, s.key.replace(/_/g, ' '))
    )
      return s.key;
  }
  for (const [phase, re] of PHASE_WORDS) {
    if (re.test(text)) {
      const s = stageForPhase(template, phase);
      if (s) return s.key;
    }
  }
  return undefined;
}

function findLimit(text: string): number | undefined {
  const m =
    /(?:\btop|前)\s*(\d{1,2}|[一二两三四五六七八九十])|(\d{1,2})\s*(?:个|笔|单)?\s*(?:biggest|largest|最大)|(?:最大|biggest|largest)的?\s*(\d{1,2})/u.exec(
      text,
    );
  if (!m) return undefined;
  const raw = m[1] ?? m[2] ?? m[3] ?? '';
  const n = Number(raw) || ZH_DIGITS[raw];
  return n && n >= 1 && n <= 50 ? n : undefined;
}

/** An account the question names: a known one, else the words after "status of" and the like. */
function findAccount(text: string, original: string, ctx: AskContext): string | undefined {
  let best: string | undefined;
  for (const a of ctx.accounts) {
    if (mentions(text, a) && (!best || a.length > best.length)) best = a;
  }
  if (best) return best;
  for (const a of ctx.accounts) {
    const first = a.split(/\s+/)[0] ?? '';
    if (a.includes(' ') && first.length >= 4 && !HAN.test(first) && mentions(text, first))
      return first;
  }
  const m =
    /(?:status of|update on|news on|what about|tell me about|what(?:'s| is) happening with|how(?:'s| is| are)(?: things with| we doing with)?)\s+(?:the\s+)?(.+?)(?:\s+deal)?(?:\s+going)?\s*[?.!]*$/iu.exec(
      original,
    ) ??
    /^(.+?)(?:的|这个单子|这单|这个商机)?(?:现在)?(?:的)?(?:什么|啥)?(?:进展|情况|状态)(?:怎么样|如何)?[?？]*$/u.exec(
      original.trim(),
    );
  const name = m?.[1]?.trim();
  if (!name || name.length > 60) return undefined;
  const lower = name.toLowerCase();
  if (ctx.members.some((mem) => mentions(lower, mem.name) || mentions(lower, mem.externalId)))
    return undefined;
  // Words that make it a question about deals in general, not about one account.
  const general =
    /\b(we|things|it|you|pipeline|team|everyone|which|what|any|deals?)\b|我们|大家|团队|管道|哪|什么|单子|商机|没有|阶段/u;
  if (general.test(lower)) return undefined;
  return name;
}

/** Map a question to a query call, or null when none of the rules recognise it. */
export function routeQuestion(question: string, ctx: AskContext): QueryCall | null {
  const original = question.normalize('NFKC').trim();
  const text = original.toLowerCase();
  if (!text) return null;

  const period = findPeriod(text);
  const rest = period
    ? `${text.slice(0, period.index)} ${text.slice(period.index + period.length)}`
    : text;
  const owner = findOwner(rest, ctx);
  const stage = findStage(rest, ctx.template);
  const limit = findLimit(rest);
  const account = findAccount(rest, original, ctx);

  const args = (picked: Partial<QueryArgs>): QueryArgs => {
    const out: QueryArgs = {};
    for (const [k, v] of Object.entries(picked)) {
      if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    }
    return out;
  };
  const p = period?.key;
  const call = (name: QueryCall['name'], picked: Partial<QueryArgs>): QueryCall => ({
    name,
    args: args(picked),
  });

  if (account && DEAL_CUE.test(text) && !AMOUNT.test(text))
    return call('getDealStatus', { account });
  if (LOSS.test(text)) return call('rankLossReasons', { period: p, owner });
  if (DURATION.test(text)) return call('measureStageDurations', { period: p, owner });
  if (FUNNEL.test(text)) return call('computeStageFunnel', { period: p, owner });
  if (WIN_RATE.test(text)) return call('measureWinRate', { period: p, owner });
  if (TREND.test(text)) return call('summarizeWeeklyTrend', { owner });
  if (ACTIVITY.test(text)) return call('summarizeRepActivity', { period: p, owner });
  if (OVERDUE.test(text)) return call('listOverdueFollowups', { owner, limit });
  if (STALLED.test(text)) return call('listStalledDeals', { owner, stage, limit });
  if (OPEN_TOTAL.test(text)) return call('sumDeals', { status: 'open', period: p, owner, stage });
  const asksAmount = AMOUNT.test(text) || p !== undefined;
  if (LOST.test(text) && asksAmount) return call('sumDeals', { status: 'lost', period: p, owner });
  if (NEW.test(text) && asksAmount) return call('sumDeals', { status: 'new', period: p, owner });
  if (CLOSING_AHEAD.test(text)) return call('listDealsClosing', { period: p, owner, limit });
  if (WON.test(text) && asksAmount) return call('sumDeals', { status: 'won', period: p, owner });
  if (CLOSING.test(text)) return call('listDealsClosing', { period: p, owner, limit });
  if (BY_OWNER.test(text)) return call('summarizePipelineByOwner', { stage });
  if (stage || BIG.test(text) || (owner && DEALS_WORD.test(text)))
    return call('listOpenDeals', {
      owner,
      stage,
      sort: BIG.test(text) ? 'amount' : undefined,
      limit,
    });
  if (BY_STAGE.test(text) || (owner && AMOUNT.test(text)))
    return call('summarizePipelineByStage', { owner });
  if (account) return call('getDealStatus', { account });
  return null;
}

export function createOfflineChooser(): QueryChooser {
  return {
    name: 'offline',
    async choose(question: string, ctx: AskContext): Promise<Choice> {
      const call = routeQuestion(question, ctx);
      return call ? { kind: 'query', call } : { kind: 'unknown' };
    },
  };
}

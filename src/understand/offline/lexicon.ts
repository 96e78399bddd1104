/**
 * Words the offline extractor recognises, in English and Chinese: stage cues
 * per canonical phase, and the markers that decide whether a cue is asserted
 * ("sent the quote") or only negated or planned ("not ready for a quote",
 * "还没报价", "下周五前发方案").
 *
 * Every pattern is a flat alternation without nested quantifiers, so matching
 * stays linear however long the message.
 */
import type { Phase } from '../../pipeline/stages.ts';

export interface CueDef {
  phase: Phase;
  re: RegExp;
}

/** Pipeline order; lost ranks above won so "signed the LOI but they walked away" reads as lost. */
export const PHASE_RANK: Record<Phase, number> = {
  prospecting: 1,
  needs_analysis: 2,
  proposal: 3,
  quote: 4,
  negotiation: 5,
  won: 6,
  lost: 7,
};

export const STAGE_CUES: readonly CueDef[] = [
  {
    phase: 'prospecting',
    re: /\b(?:met(?:\s+with)?|meeting(?:\s+with)?|intro(?:duction)?(?:\s+(?:call|meeting))?|first\s+(?:call|meeting|contact|touch)|initial\s+(?:call|meeting|contact)|cold[\s-]?call(?:ed)?|reached\s+out|visited|new\s+lead|inbound\s+lead)\b/gi,
  },
  {
    phase: 'needs_analysis',
    re: /\b(?:discovery(?:\s+(?:call|meeting|session|workshop))?|needs?\s+analysis|requirements?(?:\s+(?:gathering|workshop|call))?|scoping|qualif(?:ied|ying|ication)|pain\s+points?|budget(?:ed)?|use\s+cases?)\b/gi,
  },
  {
    phase: 'proposal',
    re: /\b(?:demo(?:'d|ed|s)?|presentation|presented|proposal|poc|pilot|proof\s+of\s+concept|trial|sandbox|solution\s+design|rfp(?:\s+response)?|tender|bid)\b/gi,
  },
  {
    phase: 'quote',
    re: /\b(?:quot(?:e|ed|es|ing|ation)|qoute[ds]?|pricing\s+sent|sent\s+(?:the\s+|our\s+|a\s+)?pricing|price\s+sent)\b/gi,
  },
  {
    phase: 'negotiation',
    re: /\b(?:negotiat\w*|negotiaton|redlin\w*|red[\s-]lines?|legal(?:\s+review)?|counsel|contracts?|msa|sow|terms|procurement(?!\s+(?:head|manager|lead|director|officer|team|contact))|security\s+review|vendor\s+(?:onboarding|registration)|discount|percent\s+off|pushed\s+back|counter(?:ed|offer|-offer)?|verbal(?:\s+(?:yes|commit\w*|agreement|ok))?|final\s+approval|sign[\s-]?off|signature|commercials|commercial\s+(?:discussions?|terms|negotiations?))\b|\d\s?%\s+off\b/gi,
  },
  {
    phase: 'won',
    re: /\b(?:signed(?!\s+(?:an?\s+|the\s+)?nda)|signd|singed|closed(?![\s-]lost)(?:[\s-]won)?|won\s+(?:the\s+)?(?:deal|it)|we\s+won|deal\s+won|p\.?o\.?\s+(?:received|in|issued|came\s+in)|got\s+(?:the\s+)?p\.?o\b|received\s+(?:the\s+)?p\.?o\b|countersigned|payment\s+received|bought|purchased|renewed)\b/gi,
  },
  {
    phase: 'lost',
    re: /\b(?:lost(?!\s+(?:contact|touch))|closed[\s-]lost|went\s+(?:with|w\/)(?!\s+(?:us|our|we)\b)|going\s+(?:with|w\/)(?!\s+(?:us|our)\b)|chose(?!\s+(?:us|our)\b)|chosen|picked(?!\s+(?:us|our|up)\b)|selected(?!\s+(?:us|our)\b)|opted\s+for|no\s+decision|not\s+moving\s+forward|not\s+going\s+ahead|pulled\s+out|walked\s+away|deal\s+(?:is\s+)?dead|cancel+ed|build(?:ing)?\s+in[\s-]house)\b/gi,
  },
  {
    phase: 'prospecting',
    re: /拜访|初次接触|初次拜访|首次拜访|首次接触|第一次见|见了|见面|认识了|接触了|约见了|初步沟通|初步接触|新线索|引荐/g,
  },
  { phase: 'needs_analysis', re: /需求调研|需求分析|调研|需求|痛点|预算/g },
  { phase: 'proposal', re: /方案|演示|试用|试点|技术评估|POC|poc|测试|打样|样品|投标|述标|讲标/g },
  { phase: 'quote', re: /报价|报了价|报过价|出价/g },
  {
    phase: 'negotiation',
    re: /谈判|在谈|还在谈|议价|砍价|砍到|压价|压到|讲价|谈价|价格谈|折扣|打[0-9一二三四五六七八九]折|让利|合同(?!额|金额|价)|法务|盖章|用印|采购流程|走采购|采购阶段|招采|比价|商务条款|付款条件|账期|采购走流程|走流程/g,
  },
  {
    phase: 'won',
    re: /签约|签了|签下|签单|已签|签合同|签署|盖章了|已盖章|盖完章|签字了|已签字|成交|拿下|中标|赢单|回款|到账|打款|付款了|已付款|收到PO|拿到了?PO|下单了|下了单|PO下来/g,
  },
  {
    phase: 'lost',
    re: /丢单|丢了|输了|输给|丢给|选了别家|选择了别家|用了别家|选了(?!我们)|选择了(?!我们)|没选我们|没有选我们|没选择我们|黄了|不做了|取消了|放弃了|截胡|落选|没中标|未中标|流标/g,
  },
];

/** Negation just before a cue: "not ready for a quote", "还没报价", "没有签". */
export const NEGATION_BEFORE_EN =
  /\b(?:not|no|never|without|yet\s+to|n't|hasn't|haven't|didn't|don't|doesn't|won't|isn't|aren't|wasn't|weren't|no\s+longer|instead\s+of|rather\s+than)\b(?:\s+\S+){0,3}\s*$|n't(?:\s+\S+){0,3}\s*$/i;
export const NEGATION_BEFORE_ZH =
  /(?:没有|没|未|还没|尚未|不|别|无|暂不|不要|不用)[^，,。；;！!？?\s]{0,2}$/;
/** "PO还没下来", "合同没签". */
export const NEGATION_AFTER_ZH = /^[^，,。；;！!？?]{0,1}(?:还没|没有|没|未|尚未)/;

/** A plan or request before a cue: it is what will happen, not what has. */
export const PLAN_BEFORE_EN =
  /\b(?:will|'ll|going\s+to|gonna|plan(?:ning)?\s+to|need\s+to|needs\s+to|have\s+to|has\s+to|wants?|wanted|want\s+to|hoping\s+to|hope\s+to|asked\s+for|asking\s+for|requested|requesting|request|schedul\w*|set\s+up|prep(?:are|aring)?|next\s+steps?|then|let's|send|sending|do|run|give)\b(?:\s+\S+){0,3}\s*$/i;
export const PLAN_BEFORE_ZH =
  /(?:准备|计划|打算|要|将|待|想要|下一步|下步|接下来|争取|希望|预计|有望|约了|约|安排|再|先|要求)[^，,。；;！!？?]{0,4}$/;
/** Waiting for something means it has not happened yet; only a win can be awaited this way. */
export const AWAIT_BEFORE =
  /(?:\bwait(?:ing)?\s+(?:for|on)|\bawaiting|等(?:着|待)?)(?:\s+\S+){0,2}\s*$/i;
/** A Chinese action verb right before the cue with no completion marker: "发方案", "给报价". */
export const ACTION_BEFORE_ZH = /(?:发|出|做|给|提供|去|交)$/;

/** The cue happened or is under way: "sent the proposal", "in POC", "报价已发", "试用中". */
export const DONE_BEFORE_EN =
  /\b(?:sent|gave|did|had|held|completed|finished|ran|delivered|presented|shared|submitted|in|into|since|started|kicked\s+off|got|received|moved\s+to|now\s+in)\b(?:\s+(?:the|a|an|our|their|revised|updated|final|great|good|quick))?\s*$/i;
export const DONE_AFTER_EN =
  /^[^.;!?,]{0,30}?\b(?:went|done|completed|finished|delivered|passed|approved|sent|received|back|ends?|ending|kicked\s+off|started|running|ongoing|underway|in\s+progress|going\s+well|signed|held|happened|out)\b/i;
export const DONE_NEAR_ZH_BEFORE = /(?:了|已|已经|过|正在|在|还在)[^，,。；;！!？?]{0,2}$/;
export const DONE_NEAR_ZH_AFTER = /^[^，,。；;！!？?]{0,3}(?:了|已|过|完|中|通过)/;

/** Past-tense markers: a clause saying what happened is not a next step. */
export const PAST_CLAUSE_EN =
  /\b(?:went|was|were|did|had|done|completed|finished|sent|signed|met|visited|spoke|talked|received|got|closed|lost|kicked\s+off|pushed\s+back|delivered|presented)\b/i;
export const PAST_CLAUSE_ZH = /(?<!约)了|已|过(?!去)|完了|完成了/;

/** Words that tie a date to closing the deal rather than to a next step. */
export const CLOSE_CONTEXT_EN =
  /\b(?:close|closing|sign|signing|signature|decide|decision|decisions|commit|purchase|buy|p\.?o|pushed\s+to|slipped\s+to|slip|target\s+close|expected\s+close|go\s+with\s+us)\b/i;
export const CLOSE_CONTEXT_ZH =
  /签约|签合同|签单|签|成交|下单|拿下|关单|结单|定下来|能定|决定|决策|拍板|开标|确认采购|走采购|推迟到|延期到|延到/;

/** Actions that make a dated clause a next step. */
export const ACTION_EN =
  /\b(?:follow(?:ing)?[\s-]?up|f\/u|send|sending|calls?|calling|meet|meetings?|demos?|present|presentation|pitch|schedul\w*|set\s?up|setup|trial|pilot|onboarding|pinging|emailing|visiting|checking|syncing|reviewing|presenting|sharing|schedule|review|check|sync|kick-?off|kickoff|revisit|poc|pilot|ping|email|share|deliver|prepare|visit|talk|discuss|workshop|onsite|lunch|dinner|training|renewal|proposals?|quotes?|deck|touch\s+base|circle\s+back|reach\s+out)\b/i;
export const ACTION_ZH =
  /跟进|发|给|约|做|出|提供|去|拜访|开会|会议|汇报|评估|演示|交流|上门|答复|回复|联系|沟通|回款|启动|确认|结论|准备|安排|电话|现场|见|方案|报价|合同|试用|培训|签|到账|付款|打款|聊|谈/;

/** Leading words to drop from a next step: "Next step: pricing call", "will send deck", "先发一版方案". */
export const STEP_LEAD =
  /^(?:\s|[-:：,，;&+]|(?:next\s+steps?|next(?=\s*[:：])|ns|then|and|also|so|will|we'll|i'll|we\s+will|i\s+will|need\s+to|needs\s+to|going\s+to|plan\s+to|to|please|pls|we|i|they\s+want(?:\s+(?:a|an|the))?|requested(?:\s+(?:a|an|the))?|asked\s+for(?:\s+(?:a|an|the))?)\b|下一步|下步|接下来|先|再|要求|要|准备|计划|打算|约了|约|去|客户|他们|我们|那边|这边)+/i;
export const STEP_TRAIL =
  /(?:\s|[-:：,，;.。!！]|\b(?:scheduled(?:\s+for)?|booked(?:\s+for)?|set\s+for|by|on|before|until|due|around|at|for|in|re)\b|前|之前|以前|过去)+$/i;

/** Sales artefacts a customer asks for that are not product needs ("they want pricing"). */
export const ARTEFACT =
  /\b(?:quotes?|quotation|pricing|prices?|proposals?|demos?|poc|pilot|trial|discount|\d+\s?%\s*off|off|contract|calls?|meetings?|deck|reviews?|walkthrough|sessions?|workshops?|presentations?)\b|报价|价格|方案|演示|试用|折|优惠|合同|POC/i;

/** The stage cues without the global flag, for "does this text contain a cue" tests. */
export const ANY_CUE: readonly RegExp[] = STAGE_CUES.map(
  (c) => new RegExp(c.re.source, c.re.flags.replace('g', '')),
);

/**
 * Is a message a deal update, a question about the pipeline, or chit-chat?
 *
 * A question starts with a question word or an imperative ("what's", "show
 * me", "哪些", "帮我看看") or ends like one ("?", "？", "吗", "呢"), or
 * carries a Chinese question word anywhere ("这个月预计成交多少钱"). Reported
 * questions stay updates: "met Acme, they asked how much SSO costs",
 * "李经理问我们能不能做私有化部署".
 */
import type { Intent } from '../extraction.ts';

const CHIT_CHAT_EN = new Set(
  `hi hello hey yo thanks thank you thx ty tks cheers ok okay k kk cool lol haha nice great awesome sure yes yep
  yeah no nope good morning afternoon evening night gm gn team all everyone folks guys sounds bye see ya later
  welcome np problem got it noted will do perfect fine alright right have a great nice happy weekend day
  holiday holidays enjoy friday y'all guys`.split(/\s+/),
);
const CHIT_CHAT_ZH =
  /^(?:谢谢|多谢|感谢|你好|您好|大家好|好的|好滴|好哒|好嘞|好|收到|马上处理|恭喜|祝贺|恭喜恭喜|太棒了|太好了|棒|厉害|赞|马上|处理|这就去|周末愉快|节日快乐|新年快乐|愉快|了解|明白|明白了|知道了|嗯+|哦+|早|早上好|上午好|下午好|晚上好|晚安|辛苦了|辛苦|哈+|呵+|ok|OK|好嘞|没问题|行|可以|对|是的|谢了|拜拜|再见)+$/;

const QUESTION_START_EN =
  /^(?:what(?:'s|s| is| are| was| were| did| do| does)?|which|who(?:'s| is)?|whose|how(?:'s| much| many| is| are| did| do| does| about)?|when|where|why|show(?:\s+me)?|list|give\s+me|tell\s+me|can\s+(?:you|i|we)|could\s+you|would\s+you|pull\s+up|any\s+(?:update|updates|news|word))\b/i;
/** "Did Globex sign yet?": an auxiliary start is a question only with a question mark. */
const AUXILIARY_START_EN =
  /^(?:did|does|do|is|are|has|have|was|were|should|will|can|could|would)\b/i;
const QUESTION_START_ZH =
  /^(?:帮我|给我看|给我|列出|查一下|查查|查|看看|看一下|请问|问下|问一下|哪些|哪个|哪家|谁|多少|几个|有多少|有哪些|什么|为什么|怎么|如何|是否)/;
const QUESTION_END = /(?:[?？]|吗|呢|么|嘛)\s*$/;
const QUESTION_WORD_ZH =
  /多少|哪些|哪个|哪家|什么|怎么样|怎样|如何|几个|几单|谁|是不是|有没有|是否/;
const REPORTED =
  /\b(?:asked|asking|asks|wanted\s+to\s+know|wondering|wonders|inquired|question\s+(?:was|about))\b|问了|问我|问我们|询问|问到|在问|问能|问是否|问[^题]/;

/** Signals that a message carries deal information even if it reads like a question. */
export interface UpdateSignals {
  hasStageCue: boolean;
  hasAmount: boolean;
  hasAccount: boolean;
  hasDate: boolean;
  hasOther: boolean;
}

/** Letters, digits or Han characters: what is left when emojis and punctuation are gone. */
function words(text: string): string {
  return text
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Empty, emoji-only and greeting/thanks messages. */
export function isChitChat(text: string): boolean {
  const w = words(text);
  if (w.length === 0) return true;
  if (/[\u3400-\u9fff]/.test(w)) return CHIT_CHAT_ZH.test(w.replace(/\s+/g, ''));
  return w
    .toLowerCase()
    .split(' ')
    .every((t) => CHIT_CHAT_EN.has(t));
}

export function isQuestion(text: string): boolean {
  const t = text.trim().replace(/^[@#]\S+\s*/, '');
  const reportedAt = t.search(REPORTED);
  const endsAsQuestion = QUESTION_END.test(t);
  if (QUESTION_START_EN.test(t) || QUESTION_START_ZH.test(t)) return true;
  if (AUXILIARY_START_EN.test(t) && endsAsQuestion) return true;
  const zhWord = QUESTION_WORD_ZH.exec(t);
  if (!endsAsQuestion && !zhWord) return false;
  // "they asked how much SSO costs", "李经理问我们能不能做私有化部署": a reported question.
  if (reportedAt >= 0) {
    const qAt = endsAsQuestion ? t.length - 1 : zhWord!.index;
    if (reportedAt < qAt) return false;
  }
  return true;
}

export function classifyIntent(text: string, signals: UpdateSignals): Intent {
  if (isChitChat(text)) return 'other';
  if (isQuestion(text)) return 'question';
  const any =
    signals.hasStageCue ||
    signals.hasAmount ||
    signals.hasAccount ||
    signals.hasDate ||
    signals.hasOther;
  return any ? 'update' : 'other';
}

/**
 * Which customer accounts a message speaks of.
 *
 * The workspace's own accounts come first (known accounts and open deals,
 * case-insensitive, legal and generic suffixes ignored, Chinese names as
 * substrings: "华为" finds 华为技术有限公司). Then names by position:
 * capitalised names after "met / with / at / for / visited / call with",
 * at the start of a clause, or before "'s"; Chinese names after 拜访了 / 和 /
 * 跟 / 与 / 见了 / 给, before a company suffix (银行, 集团, 汽车…) or at
 * the start of a sentence up to the first predicate word. The account is
 * reported as written; only matching ignores suffixes.
 */
import { memoizeString } from '../../lib/memo.ts';
import type { StageTemplate } from '../../pipeline/stages.ts';
import { asciiLower, isHan } from '../text.ts';
import { type AccountMention, type Clause, overlaps, type Span } from './clauses.ts';
import { STAGE_CUES } from './lexicon.ts';
import { isFirstName, isNotChineseName, readChineseName, readEnglishName } from './names.ts';

const LEGAL_SUFFIX =
  /(?:[\s,]+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|llp|plc|gmbh|ag|sa|s\.a|sas|bv|nv|pty|kk|oy|ab|srl|spa)\.?)+$|(?:股份有限公司|有限责任公司|集团有限公司|有限公司|公司)$/i;
const GENERIC_SUFFIX =
  /(?:[\s,]+(?:group|holdings|industries|enterprises|ent\.?|international|technologies|technology|tech|systems|solutions|software|labs|global)\.?)+$|(?:集团|科技|技术|信息|网络|软件|电子|控股|实业|股份)$/i;
const ZH_PLACE_PREFIX =
  /^(?:北京|上海|深圳|广州|杭州|南京|成都|武汉|天津|重庆|苏州|西安|厦门|青岛|中国)/;

export function stripLegalSuffix(name: string): string {
  return name.trim().replace(LEGAL_SUFFIX, '').trim();
}

/** The distinctive part of a company name: "Stark Industries" → "Stark", "华为技术有限公司" → "华为". */
export function coreName(name: string): string {
  let core = stripLegalSuffix(name);
  for (let i = 0; i < 3; i++) {
    const next = stripLegalSuffix(core.replace(GENERIC_SUFFIX, '').trim());
    if (next.length < 2 || next === core) break;
    core = next;
  }
  const unprefixed = core.replace(ZH_PLACE_PREFIX, '');
  return unprefixed.length >= 2 && /^[\u3400-\u9fff]+$/.test(unprefixed) ? unprefixed : core;
}

/** Key that merges spellings of one account: case, punctuation and legal suffixes ignored. */
export function accountKey(name: string): string {
  return asciiLower(stripLegalSuffix(name)).replace(/[^a-z0-9\u3400-\u9fff]+/g, '');
}

interface Candidate extends Span {
  name: string;
  key: string;
  known: boolean;
}

interface KnownName {
  key: string;
  variants: { text: string; latin: boolean; key: string; variantKey: string }[];
}

/** What indexing one known name yields; the same few hundred names come with every message. */
const knownName = memoizeString((name: string): KnownName | null => {
  const key = accountKey(name);
  if (!key) return null;
  const variants: KnownName['variants'] = [];
  for (const v of [name, stripLegalSuffix(name), coreName(name)]) {
    const text = asciiLower(v.trim());
    if (text.length < 2 || variants.some((x) => x.text === text)) continue;
    variants.push({ text, latin: !/[\u3400-\u9fff]/.test(text), key, variantKey: accountKey(v) });
  }
  return { key, variants };
});

/**
 * The known names of one message, most recent first. A message needs only a
 * few lookups, so they scan the names rather than build maps of a few hundred
 * entries for every message.
 */
class KnownIndex {
  readonly names: readonly KnownName[];

  constructor(raw: readonly string[]) {
    const names: KnownName[] = [];
    for (const r of raw) {
      const known = knownName(r.trim());
      if (known) names.push(known);
    }
    this.names = names;
  }

  /** The known account a key stands for: a name with that key, else the first with a variant of it. */
  get(key: string): string | undefined {
    for (const n of this.names) if (n.key === key) return key;
    for (const n of this.names) for (const v of n.variants) if (v.variantKey === key) return n.key;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/** Where known names occur; when two names share a spelling, the earlier one's comes first. */
function findKnown(lower: string, text: string, index: KnownIndex): Candidate[] {
  const out: Candidate[] = [];
  for (const n of index.names) {
    for (const v of n.variants) {
      let from = 0;
      for (;;) {
        const at = lower.indexOf(v.text, from);
        if (at < 0) break;
        from = at + 1;
        const end = at + v.text.length;
        if (
          v.latin &&
          (/[a-z0-9]/i.test(lower[at - 1] ?? '') || /[a-z0-9]/i.test(lower[end] ?? ''))
        ) {
          continue;
        }
        out.push({ start: at, end, name: text.slice(at, end), key: v.key, known: true });
      }
    }
  }
  return out;
}

const EN_TRIGGER =
  /\b(?:met(?:\s+with)?|meeting\s+(?:with|at)|call(?:s)?\s+with|spoke\s+(?:to|with)|talked\s+(?:to|with)|visited|visit(?:ing)?(?:\s+to)?|demo(?:'d|ed)?\s+(?:for|to|with)|pinged|emailed|called|with|w\/|at|from|for|to|lost|closed|signed\s+with)\s+/gi;
const EN_LEAD =
  /^(?:closed[\s-](?:won|lost)|met|sent|had|call|called|quick|update|late|note|lost|closed|won|demo|fyi|meeting|spoke|visited|pinged|emailed|just|today|also|and|then|so|btw|re|hey|ok|good|great|finally|visit)\b[\s:,-]*/i;

const ZH_TRIGGER =
  /去拜访了|去拜访|去了一趟|去了趟|去一趟|去趟|拜访了|拜访|见了|见到了|见到|约见了|约见|电话沟通了|沟通了|对接了|联系了|电话跟进了|跟进了|跟进|发给|交给|报给|拿下了|拿下|签下了|签下|客户是|和|跟|与|同|给/g;
const WEAK_ZH_TRIGGER = /^(?:和|跟|与|同|给)$/;
const AFTER_WEAK_ZH =
  /^(?:的|开了|开会|聊|谈|签|沟通|打电话|电话|吃饭|约|发|做|打|报|送|见面|一起|交流|对接|合作|在|那边|这边)/;
const ZH_LEAD =
  /^(?:今天|昨天|刚刚|刚才|刚|上午|下午|晚上|今早|早上|我们|我|咱们|客户|他们|又|也|另外|还有|然后|今日|因为|由于|所以|但是|不过|如果|虽然|进入|推进到|推进|到了)+/;
const ZH_SUFFIX =
  /集团|银行|证券|保险|汽车|科技|医药|电力|电网|移动|联通|电信|航空|物流|地产|能源|重工|制药|医院|大学|公司|控股|实业|传媒|石化|石油|化工|钢铁|食品|乳业|百货|商城|智能|动力|时代|世界|找房|山泉|世纪/g;
const ZH_TRIGGER_AT_START = new RegExp(`^(?:${ZH_TRIGGER.source})`);
const ZH_SUFFIX_AT_END = new RegExp(`(?:${ZH_SUFFIX.source})$`);
const ZH_BACK_STOP = /[了和跟与在给访见是的去到向对把被从约请帮及说要就都也还又再已进、]/;

const STICKY_CUES = STAGE_CUES.map(
  (c) => new RegExp(c.re.source, `${c.re.flags.replace('g', '')}y`),
);

function cueStartsAt(text: string, pos: number): boolean {
  return STICKY_CUES.some((re) => {
    re.lastIndex = pos;
    return re.test(text);
  });
}

/** Bullets, quote marks and emoji (UTF-16 surrogate halves, selectors, dingbats) before a first word. */
function isDecoration(code: number): boolean {
  return (
    /[\s*•\-–>#]/.test(String.fromCharCode(code)) ||
    (code >= 0xd800 && code <= 0xdfff) ||
    code === 0xfe0f ||
    code === 0x200d ||
    (code >= 0x2600 && code <= 0x27bf)
  );
}

function englishCandidates(text: string, clauses: Clause[]): Candidate[] {
  const out: Candidate[] = [];
  const push = (start: number, r: { name: string; end: number } | null) => {
    if (r) out.push({ start, end: r.end, name: r.name, key: accountKey(r.name), known: false });
  };
  for (const m of text.matchAll(EN_TRIGGER)) {
    const the = /^the\s+/i.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 5));
    const start = m.index + m[0].length + (the ? the[0].length : 0);
    push(start, readEnglishName(text, start));
  }
  for (const c of clauses) {
    let pos = c.start;
    while (pos < c.end && isDecoration(text.charCodeAt(pos))) pos++;
    for (let i = 0; i < 3; i++) {
      const lead = EN_LEAD.exec(text.slice(pos, c.end));
      if (!lead) break;
      pos += lead[0].length;
    }
    push(pos, readEnglishName(text, pos));
  }
  for (const m of text.matchAll(/\b([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*){0,3})['’]s\b/g)) {
    push(m.index, readEnglishName(text, m.index));
  }
  return out;
}

function chineseCandidates(
  text: string,
  clauses: Clause[],
  stops: ReadonlySet<number>,
): Candidate[] {
  const out: Candidate[] = [];
  const push = (start: number, name: string, end: number) => {
    if (!isNotChineseName(name))
      out.push({ start, end, name, key: accountKey(name), known: false });
  };
  for (const m of text.matchAll(ZH_SUFFIX)) {
    // "信息科技部" is a department, not a company ending in 科技.
    if (/^(?:部|中心|处)/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 2)))
      continue;
    let start = m.index;
    while (start > 0 && m.index - start < 6) {
      const ch = text[start - 1]!;
      if (!(isHan(ch) || /[A-Za-z0-9]/.test(ch)) || ZH_BACK_STOP.test(ch) || stops.has(start - 1))
        break;
      start--;
    }
    if (start < m.index)
      push(start, text.slice(start, m.index + m[0].length), m.index + m[0].length);
  }
  for (const m of text.matchAll(ZH_TRIGGER)) {
    const start = m.index + m[0].length;
    const r = /[A-Za-z]/.test(text[start] ?? '')
      ? readEnglishName(text, start)
      : readChineseName(text, start, stops);
    if (!r) continue;
    // "给出", "给了", "给他" are verbs and pronouns, not "to <account>".
    if (m[0] === '给' && /^[出予了过到他她我你们]/.test(text[start] ?? '')) continue;
    if (WEAK_ZH_TRIGGER.test(m[0])) {
      const follows = AFTER_WEAK_ZH.test(text.slice(r.end, r.end + 3));
      const clauseEnd =
        m[0] === '给' && /^\s*(?:[,，。;；!！]|$)/.test(text.slice(r.end, r.end + 2));
      const coordinated = out.some((c) => c.end === m.index);
      if (!follows && !clauseEnd && !coordinated) continue;
    }
    push(start, r.name, r.end);
  }
  for (const [ci, c] of clauses.entries()) {
    let pos = c.start;
    while (pos < c.end && isDecoration(text.charCodeAt(pos))) pos++;
    const lead = ZH_LEAD.exec(text.slice(pos, c.end));
    if (lead) pos += lead[0].length;
    // "今天拜访了华为": the trigger rule reads the name after 拜访了.
    const trigger = ZH_TRIGGER_AT_START.exec(text.slice(pos, c.end));
    if (trigger && !WEAK_ZH_TRIGGER.test(trigger[0])) continue;
    // "美的集团 POC 通过了": a run ending in a company suffix is one name even if it holds a stop word.
    const run = /^[\u3400-\u9fffA-Za-z0-9&]{2,10}/.exec(text.slice(pos, c.end))?.[0] ?? '';
    const suffixed = ZH_SUFFIX_AT_END.test(run) && !isNotChineseName(run);
    const r = suffixed ? { name: run, end: pos + run.length } : readChineseName(text, pos, stops);
    if (!r || (!isHan(r.name[0]) && !/[\u3400-\u9fff]/.test(text.slice(r.end, r.end + 2))))
      continue;
    const sentenceStart = ci === 0 || clauses[ci - 1]!.sentence !== c.sentence;
    const next = text.slice(r.end, r.end + 1);
    const marked = /^[:：\s的]/.test(next) || cueStartsAt(text, r.end);
    if (r.end >= c.end && !sentenceStart) continue;
    if (sentenceStart || marked) push(pos, r.name, r.end);
  }
  return out;
}

export interface AccountContext {
  knownAccounts: readonly string[];
  openDeals: readonly { account: string }[];
  template?: StageTemplate;
}

/**
 * Account mentions in cleaned text, in reading order. `blocked` spans (people,
 * competitors, dates, amounts) are never accounts.
 */
export function findAccounts(
  text: string,
  ctx: AccountContext,
  clauses: Clause[],
  blocked: readonly Span[],
  stops: ReadonlySet<number>,
): AccountMention[] {
  // "moved to Quoted", "进入核保阶段": a template's stage names are never accounts.
  const stageNames = (ctx.template?.stages ?? []).flatMap((s) => [
    asciiLower(s.name.en),
    s.name['zh-CN'],
  ]);
  const isStageName = (name: string) =>
    stageNames.some(
      (n) => asciiLower(name) === n || (/[\u3400-\u9fff]/.test(n) && name.includes(n)),
    );
  const known = new KnownIndex([
    ...ctx.knownAccounts,
    ...ctx.openDeals.slice(0, 20).map((d) => d.account),
  ]);
  const lower = asciiLower(text);
  const candidates = [
    ...findKnown(lower, text, known),
    ...englishCandidates(text, clauses),
    ...(/[\u3400-\u9fff]/.test(text) ? chineseCandidates(text, clauses, stops) : []),
  ].filter((c) => {
    if (c.known) return true;
    if (blocked.some((b) => overlaps(b, c))) return false;
    if (isStageName(c.name)) return false;
    if (/^[A-Za-z]/.test(c.name) && isFirstName(c.name.split(/\s/)[0]!) && !known.has(c.key)) {
      return false;
    }
    return c.name.trim().length >= 2;
  });
  for (const c of candidates) {
    const k = known.get(c.key) ?? known.get(accountKey(coreName(c.name)));
    if (k) {
      c.key = k;
      c.known = true;
    }
  }
  // Earliest first, then the longest ("京东方" over the known "京东" inside it), known before guessed.
  candidates.sort(
    (a, b) => a.start - b.start || b.end - a.end || Number(b.known) - Number(a.known),
  );
  const chosen: AccountMention[] = [];
  for (const c of candidates) {
    const clash = chosen.find((x) => overlaps(x, c));
    if (clash) {
      // Only a name that contains the chosen one replaces it ("京东方" over the known "京东").
      if (
        c.end - c.start > clash.end - clash.start &&
        c.start <= clash.start &&
        c.end >= clash.end
      ) {
        chosen.splice(chosen.indexOf(clash), 1, { ...c, name: c.name.trim() });
      }
      continue;
    }
    chosen.push({ ...c, name: c.name.trim() });
  }
  // Coordinated names: "Hooli and Pied Piper", "小米和OPPO", "顺丰 & 京东物流".
  for (let i = 0; i < chosen.length; i++) {
    const m = chosen[i]!;
    const join = /^\s*(?:&|\band\b|\+|和|与|、)\s*/.exec(text.slice(m.end, m.end + 8));
    if (!join) continue;
    const start = m.end + join[0].length;
    if (chosen.some((x) => x.start === start)) continue;
    const r = /[A-Za-z]/.test(text[start] ?? '')
      ? readEnglishName(text, start)
      : readChineseName(text, start, stops);
    if (!r) continue;
    const span = { start, end: r.end };
    if (blocked.some((b) => overlaps(b, span)) || chosen.some((x) => overlaps(x, span))) continue;
    if (/^[A-Za-z]/.test(r.name) && isFirstName(r.name.split(/\s/)[0]!)) continue;
    const key = known.get(accountKey(r.name)) ?? accountKey(r.name);
    chosen.splice(i + 1, 0, { ...span, name: r.name, key, known: known.has(key) });
  }
  return chosen.sort((a, b) => a.start - b.start);
}

/**
 * Contacts (people at the account, with titles) and competitors.
 *
 * Contacts: "Jane (CTO)", "Jane Doe, CTO", "their CTO Jane", "IT manager
 * Peter Gibbons", "Lisa from Hooli procurement", "采购经理王磊", "王磊(采购经理)",
 * "王总", "李经理(CIO)", "理想汽车的王磊、赵敏".
 * Competitors: "also looking at X", "competing with X", "vs X", "lost to X",
 * "went with X", "竞品是X", "在和X比较", "同时在看X", "输给了X", "被X截胡".
 */
import type { Contact } from '../extraction.ts';
import { isHan } from '../text.ts';
import type { Span } from './clauses.ts';
import {
  COMPOUND_SURNAMES,
  isFirstName,
  isNotChineseName,
  isNotName,
  readChineseName,
  readEnglishName,
  SURNAMES,
  startsWithStopWord,
} from './names.ts';

export interface ContactMention extends Span, Contact {}

export interface CompetitorMention extends Span {
  name: string;
}

const DEPT =
  '(?:IT|procurement|purchasing|engineering|eng|security|legal|finance|ops|operations|sales|marketing|product|data|HR|regional|program|project|account|technical|tech|infrastructure|infra|platform|digital)';
const EN_TITLE = `(?:C[EFTIOMRD]O|CISO|SVP|EVP|GM|VP(?:\\s(?:of\\s)?[A-Z][a-z]+)?|[Cc]o-?founder|[Ff]ounder|[Pp]resident|[Oo]wner|[Cc]hairman|[Hh]ead\\sof\\s[A-Za-z]+|[Dd]irector\\sof\\s[A-Za-z]+|(?:${DEPT}\\s){0,2}(?:[Mm]anager|[Dd]irector|[Hh]ead|[Ll]ead|[Oo]fficer|[Ee]ngineer|[Aa]rchitect|[Bb]uyer|[Aa]dmin))`;
const TITLE_ONLY = new RegExp(`^${EN_TITLE}$`);
const NAME = "[A-Z][a-z][A-Za-z'-]*(?:\\s[A-Z][a-z][A-Za-z'-]*){0,2}";

const EN_PATTERNS: { re: RegExp; name: number; title: number | null }[] = [
  // "CIO (Priya Shah)"
  { re: new RegExp(`(?<![A-Za-z])(${EN_TITLE})\\s?\\((${NAME})\\)`, 'gd'), name: 2, title: 1 },
  // "Richard (CEO)", "Charlie Bucket (Ops Director)"
  { re: new RegExp(`\\b(${NAME})\\s?\\(([^()\\n]{1,40})\\)`, 'gd'), name: 1, title: 2 },
  // "Jane Doe, CTO", "Bob the CFO", "Jane Doe - CTO"
  { re: new RegExp(`\\b(${NAME}),?\\s(?:the\\s|-\\s)?(${EN_TITLE})\\b`, 'gd'), name: 1, title: 2 },
  // "their CTO Jane Park", "IT manager Peter Gibbons", "VP Eng, Maria Lopez"
  { re: new RegExp(`(?<![A-Za-z])(${EN_TITLE}),?\\s(${NAME})`, 'gd'), name: 2, title: 1 },
];
const EN_FROM = new RegExp(
  `\\b(${NAME}(?:\\s(?:&|and)\\s${NAME})?)\\sfrom\\s(?:(?:[A-Z][\\w&.-]*\\s){1,2}(${DEPT})\\b)?`,
  'g',
);
const EN_MET = new RegExp(
  `\\b(?:met(?:\\swith)?|spoke\\s(?:to|with)|talked\\s(?:to|with)|call\\swith|w\\/|with|champion\\sis|contact\\sis|cc)\\s(${NAME})`,
  'gi',
);

const CN_TITLE =
  '(?:采购经理|采购总监|采购负责人|IT总监|IT经理|IT负责人|技术总监|技术负责人|技术VP|信息中心主任|信息部主任|财务总监|运营总监|销售总监|市场总监|项目经理|总经理|副总经理|副总裁|总裁|董事长|负责人|CTO|CIO|CEO|CFO|COO|VP)';
const HONORIFIC = '(?:总监|总裁|经理|主任|主管|处长|局长|部长|科长|院长|行长|老师|总|工|董)';
const SURNAME = `(?:${COMPOUND_SURNAMES.join('|')}|[${SURNAMES}])`;

const SURNAME_AT = new RegExp(SURNAME, 'y');
const CN_TITLE_ALL = new RegExp(CN_TITLE, 'g');
// "王总", "陈总", "李经理": a surname and an honorific, not "总价" or "总共".
const HONORED = new RegExp(`${SURNAME}${HONORIFIC}(?![价额共体部结计是之数作程具厂资门])`, 'g');

/** A Chinese personal name at `pos`: surname plus one or two given characters. */
function readChinesePerson(text: string, pos: number): { name: string; end: number } | null {
  const sm = SURNAME_AT;
  sm.lastIndex = pos;
  const s = sm.exec(text);
  if (!s) return null;
  let end = pos + s[0].length;
  const given = end;
  while (end - given < 2 && isHan(text[end]) && !(end > given && startsWithStopWord(text, end))) {
    end++;
  }
  if (end === given) return null;
  const name = text.slice(pos, end);
  return isNotChineseName(name) ? null : { name, end };
}

function cleanTitle(t: string): string {
  return t.replace(/^(?:the|their|our|his|her|a|an)\s+/i, '').trim();
}

export function findContacts(text: string, accounts: readonly Span[] = []): ContactMention[] {
  const out: ContactMention[] = [];
  const add = (start: number, end: number, name: string, title: string | null) => {
    const n = name.trim();
    if (!n || out.some((c) => c.start < end && start < c.end)) return;
    out.push({ start, end, name: n, title: title ? cleanTitle(title) : null });
  };
  const isAccountAt = (start: number) => accounts.some((a) => a.start === start);
  for (const p of EN_PATTERNS) {
    for (const m of text.matchAll(p.re)) {
      const name = m[p.name]!;
      const first = name.split(/\s/)[0]!;
      const [nameStart, nameEnd] = m.indices![p.name]!;
      if (isNotName(first) || isAccountAt(nameStart) || /['’]s$/.test(name)) continue;
      // "Infosys procurement head Ravi Kumar": a bare "Name Title" needs a known first name.
      if (p === EN_PATTERNS[2] && !/,|\sthe\s|\s-\s/.test(m[0]) && !isFirstName(first)) continue;
      // Without a known first name, "(…)" after a capitalised word is as likely a note on a company.
      if (p === EN_PATTERNS[1] && !isFirstName(first) && !TITLE_ONLY.test(m[2]!)) continue;
      add(nameStart, nameEnd, name, p.title ? m[p.title]! : null);
    }
  }
  for (const m of text.matchAll(EN_FROM)) {
    // "Jen & Tom from Globex procurement": each person gets the department.
    let at = m.index;
    for (const person of m[1]!.split(/\s(?:&|and)\s/)) {
      const start = text.indexOf(person, at);
      at = start + person.length;
      if (isFirstName(person.split(/\s/)[0]!)) add(start, at, person, m[2] ?? null);
    }
  }
  for (const m of text.matchAll(EN_MET)) {
    const first = m[1]!.split(/\s/)[0]!;
    if (!isFirstName(first)) continue;
    const start = m.index + m[0].length - m[1]!.length;
    const r = readEnglishName(text, start);
    add(start, r?.end ?? start + m[1]!.length, r?.name ?? m[1]!, null);
  }
  if (/[\u3400-\u9fff]/.test(text)) findChineseContacts(text, add);
  return out.sort((a, b) => a.start - b.start);
}

function findChineseContacts(
  text: string,
  add: (start: number, end: number, name: string, title: string | null) => void,
): void {
  // "王磊(采购经理)", "李经理(CIO)", "张总监(采购)"
  const paren = new RegExp(
    `(${SURNAME}(?:${HONORIFIC}|[\\u4e00-\\u9fa5]{1,2}))[(（]([^()（）\\n]{1,12})[)）]`,
    'g',
  );
  for (const m of text.matchAll(paren)) {
    if (isNotChineseName(m[1]!)) continue;
    add(m.index, m.index + m[0].length, m[1]!, m[2]!);
  }
  // "采购经理王磊", "技术VP张伟", "对接人是IT总监刘洋"
  for (const m of text.matchAll(CN_TITLE_ALL)) {
    // "CIO 李明" may have a space before the name.
    const pos = m.index + m[0].length + (text[m.index + m[0].length] === ' ' ? 1 : 0);
    const person = readChinesePerson(text, pos);
    if (person) add(pos, person.end, person.name, m[0]);
  }
  // "王总", "陈总", "李经理" — a surname and an honorific, not "总价" or "总共".
  for (const m of text.matchAll(HONORED)) {
    if (m.index > 0 && isHan(text[m.index - 1]) && !/[的是和跟与给见了、]/.test(text[m.index - 1]!))
      continue;
    add(m.index, m.index + m[0].length, m[0], null);
  }
  // "理想汽车的王磊、赵敏都参加了演示": a name after 的 or in a 、 list, then a pause or a verb.
  const after = /^(?:[、,，和]|说|都|参加|表示|挺|很|也|是|$)/;
  for (const m of text.matchAll(/[的、]/g)) {
    const person = readChinesePerson(text, m.index + 1);
    if (person && after.test(text.slice(person.end, person.end + 2))) {
      add(m.index + 1, person.end, person.name, null);
    }
  }
}

const EN_COMPETITOR =
  /\blost\s+[A-Z][\w&.'-]*(?:\s[A-Z][\w&.'-]*){0,3}\s+to\s+|\bshortlisted\s+(?:us\s+)?(?:with|alongside)\s+|\b(?:also\s+(?:looking\s+at|evaluating|talking\s+to|considering|in\s+talks\s+with)|along\s+with|alongside|looking\s+at|evaluating|considering|competing\s+(?:with|against)|compar(?:ing|ed|e)\s+(?:us\s+)?(?:with|to|against|vs\.?)|up\s+against|vs\.?|versus|against|competitors?(?:\s+(?:is|are))?\s*:?|incumbent(?:\s+is)?|lost\s+to|went\s+(?:with|w\/)|going\s+(?:with|w\/)|chose|picked|selected|switched\s+to|replacing)\s+/gi;
const ZH_COMPETITOR =
  /在比较|比较(?=我们|我司)|竞品是|竞品有|竞品[:：]|竞争对手是|竞争对手有|竞争对手[:：]?|对手是|同时在看|也在看|还在看|在看|还在对比|在对比|对比了|对比|输给了|输给|丢给了|丢给|选了|选择了|用了|换成了|改用了?|倾向于/g;
const ZH_COMPARED =
  /(?:在和|在跟|和|跟|与)([^\s，,。；;！!？?]{2,24}?)(?:[两三四五几]家)?(?:在)?(?:比较|对比|竞争|PK|pk)|被([^\s，,。；;！!？?]{2,10}?)截胡/g;
const NOT_COMPETITOR = /^(?:别家|别人|其他|其它|其他家|竞品|对手|us|our|we|them|别的|我们|我司)$/i;

function readNameList(text: string, start: number): { names: string[]; end: number } {
  const names: string[] = [];
  let pos = start;
  for (let i = 0; i < 5; i++) {
    const r = /[A-Za-z]/.test(text[pos] ?? '')
      ? readEnglishName(text, pos)
      : readChineseName(text, pos, new Set(), 10);
    // "在跟我们、阿里云、腾讯云三家比较": skip "我们" but keep reading the list.
    const us = /^(?:我们|我司|us|our\s+team)(?=\s*(?:、|,|，|和|and|&))/i.exec(
      text.slice(pos, pos + 8),
    );
    if (us) {
      pos += us[0].length;
      const sep = /^\s*(?:,|，|、|&|\band\b|和)\s*/i.exec(text.slice(pos, pos + 8));
      if (sep) pos += sep[0].length;
      continue;
    }
    if (!r) break;
    if (!NOT_COMPETITOR.test(r.name) && !(/[0-9]/.test(r.name) && /[\u3400-\u9fff]/.test(r.name))) {
      names.push(r.name);
    }
    pos = r.end;
    const sep = /^\s*(?:,|，|、|\/|&|\band\b|\bor\b|和|及|与|或)\s*/i.exec(
      text.slice(pos, pos + 8),
    );
    if (!sep) break;
    pos += sep[0].length;
  }
  return { names, end: pos };
}

export function findCompetitors(text: string): CompetitorMention[] {
  const out: CompetitorMention[] = [];
  const add = (start: number, name: string) => {
    if (NOT_COMPETITOR.test(name) || isNotChineseName(name)) return;
    const end = text.indexOf(name, start) + name.length;
    if (out.some((c) => c.name === name)) return;
    out.push({ start: text.indexOf(name, start), end, name });
  };
  for (const m of text.matchAll(EN_COMPETITOR)) {
    const start = m.index + m[0].length;
    for (const name of readNameList(text, start).names) {
      if (!isNotName(name.split(/\s/)[0]!)) add(start, name);
    }
  }
  if (/[\u3400-\u9fff]/.test(text)) {
    for (const m of text.matchAll(ZH_COMPETITOR)) {
      const start = m.index + m[0].length;
      for (const name of readNameList(text, start).names) add(start, name);
    }
    for (const m of text.matchAll(ZH_COMPARED)) {
      const inner = m[1] ?? m[2]!;
      const start = m.index + m[0].indexOf(inner);
      for (const name of readNameList(text, start).names) add(start, name);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

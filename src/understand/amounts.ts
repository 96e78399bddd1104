/**
 * Money amounts in chat text: "$50k", "€80,000", "1.2M", "30万", "1.5亿",
 * "5万美元", "人民币50万", "八十万", "约50万", "about $1.2m", "50 thousand".
 *
 * Rules (DESIGN.md, "contract — extraction JSON"):
 * - An amount with no currency mark is in the workspace default currency.
 * - ¥, ￥, 元, 块 and 人民币 mean CNY unless the text says yen (日元, 円,
 *   "yen", JPY). A bare "$" (or "dollars") is the workspace currency when
 *   that is a dollar currency (AUD, CAD, NZD, SGD, HKD, TWD), else USD.
 * - A number is read as money only when something says so: a currency mark,
 *   a multiplier ("k", "万"), thousands separators ("80,000"), or a money
 *   word just before it ("budget 50000", "预算500000"). Percentages, counts
 *   ("50 seats", "3个人"), dates, times, versions, phone numbers and unit
 *   prices ("$50/seat") are not amounts.
 */
import { asciiLower, CN_NUMERAL_CHARS, parseChineseNumber, prepareText } from './text.ts';

export interface FoundAmount {
  /** Plain number in units of `currency` ("50k" → 50000); finite and ≥ 0. */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  /** True for "~50k", "around 50k", "约50万", "50万左右", "50k+". */
  approx: boolean;
  /** Offset in the caller's text. */
  index: number;
  /** The amount as written. */
  raw: string;
}

/** An amount in cleaned text, with what the picker needs to rank it. */
export interface AmountSpan {
  start: number;
  end: number;
  amount: number;
  currency: string;
  approx: boolean;
  /** A currency mark was written (not the workspace default). */
  explicitCurrency: boolean;
  /** A money word ("budget", "预算", "worth") sits just before it. */
  moneyWord: boolean;
  /** A discount/saving word sits just before it, so it is not the deal size. */
  discountWord: boolean;
}

const DOLLAR_CURRENCIES = new Set(['USD', 'AUD', 'CAD', 'NZD', 'SGD', 'HKD', 'TWD']);

// Prefix marks, matched against the text just before a number (anchored at its end).
const PREFIX =
  /(?:^|[^A-Za-z])(us\$|usd|hk\$|hkd|s\$|sgd|a\$|aud|c\$|cad|nz\$|nzd|nt\$|twd|rmb|cny|jpy|eur|gbp|inr|krw|rs\.?|€|£|¥|₹|₩|\$|人民币|美元|美金|欧元|英镑|港币|日元)\s{0,2}$/i;
const SUFFIX_CURRENCY =
  /^\s{0,2}(usd|us dollars?|dollars?|bucks|hkd|sgd|aud|cad|nzd|twd|eur|euros?|gbp|pounds?|quid|cny|rmb|jpy|yen|inr|rupees?|krw|won|元人民币|元|块钱|块|人民币|美元|美金|刀|欧元|英镑|港币|港元|澳元|加元|日元|円|韩元|卢比)(?![A-Za-z])/i;
const MULTIPLIER =
  /^(?:(?:\s?(k)|(mm|mn|bn|m|b))(?![A-Za-z])|\s{0,2}(thousand|grand|mil|million|billion|lakhs?|lacs?|crores?)(?![A-Za-z])|(多)?(千万|百万|个亿|万|萬|亿|億|千)|(w)(?![A-Za-z]))/i;
const APPROX_BEFORE =
  /(?:~|≈|\babout|\baround|\bapprox\.?|\bapproximately|\broughly|\bcirca|\bca\.|\best\.?|\bestimated|\bapx|\bnearly|\balmost|\bclose to|约|大约|大概|差不多|估计|预估|将近|接近)\s{0,2}$/i;
const APPROX_AFTER = /^\s{0,2}(?:\+|-?ish\b|or so\b|左右|上下|出头)/i;
// What follows a number that makes it a count, a percentage or a unit price, not money.
const COUNT_AFTER =
  /^\s{0,2}(?:%|percent|pct|per\s?cent|折|个点|seats?|licen[cs]es?|users?|people|persons?|ppl|employees?|staff|heads?|headcount|devices?|nodes?|servers?|instances?|units?|pcs|pieces|accounts?|reps?|agents?|locations?|sites?|stores?|branches?|vehicles?|trucks?|beds?|students?|members?|customers?|clients?|tickets?|calls?|emails?|meetings?|times|x\b|gb|tb|mb|kg|km|sq|人|个|位|名|台|套|家|次|张|件|份|条|岁|楼|层|账号|用户|席位|节点|许可|并发|门店|座|辆|床|间|户|级|期|批|版|倍|\/\s?(?:seat|user|unit|licen|head|人|个|套|台)|per\s(?:seat|user|unit|licen|head)|each|每)/i;
// Dates and times: only for plain numbers ("3 weeks", "12月", "3点"), not for "50万年费".
const DATE_TIME_AFTER =
  /^\s{0,2}(?:hours?|hrs?|mins?|minutes?|days?|weeks?|wks?|months?|mos?|years?|yrs?|am\b|pm\b|st\b|nd\b|rd\b|th\b|天|周|月|年|日|号|点|时|小时|分钟|:\d)/i;
const MONEY_WORD_BEFORE =
  /(?:budget|budgeted|deal size|deal value|deal|worth|valued|value|price[ds]?|pricing|quoted?|quoting|acv|arr|mrr|tcv|contract value|contract|cost|costs|spend|paying|paid|预算|报价|报了|价格|价位|合同额|合同金额|金额|总价|总额|成交价|成交额|签了|费用|单子|项目额|标的|投入|花费)(?:\s{1,2}(?:is|was|at|of|for|around|about|approx|roughly|to|size))?[\s:：=为是约在了个~≈]{0,3}$/i;
const DISCOUNT_BEFORE =
  /(?:discount|off|rebate|credit|save|saved|saving|savings|refund|折扣|优惠|返点|降价|降了|便宜|让利|砍了|砍价)[\s:：了为是约到]{0,3}$/i;

// Western ("1,200,000") and Indian ("12,00,000") digit grouping, plain digits, or Chinese numerals.
const NUMBER_TOKEN = new RegExp(
  `(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d{1,2}(?:,\\d{2})+,\\d{3}(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)|[${CN_NUMERAL_CHARS}]{2,12}|[一二两三四五六七八九几]个亿`,
  'g',
);

function currencyOf(mark: string, defaultCurrency: string, yenText: boolean): string {
  const m = asciiLower(mark.trim());
  if (m === '$' || /^dollars?$|^bucks$/.test(m)) {
    return DOLLAR_CURRENCIES.has(defaultCurrency) ? defaultCurrency : 'USD';
  }
  if (/^(us\$|usd|us dollars?|美元|美金|刀)$/.test(m)) return 'USD';
  if (/^(hk\$|hkd|港币|港元)$/.test(m)) return 'HKD';
  if (/^(s\$|sgd)$/.test(m)) return 'SGD';
  if (/^(a\$|aud|澳元)$/.test(m)) return 'AUD';
  if (/^(c\$|cad|加元)$/.test(m)) return 'CAD';
  if (/^(nz\$|nzd)$/.test(m)) return 'NZD';
  if (/^(nt\$|twd)$/.test(m)) return 'TWD';
  if (/^(€|eur|euros?|欧元)$/.test(m)) return 'EUR';
  if (/^(£|gbp|pounds?|quid|英镑)$/.test(m)) return 'GBP';
  if (/^(jpy|yen|日元|円)$/.test(m)) return 'JPY';
  if (/^(₹|inr|rs\.?|rupees?|卢比)$/.test(m)) return 'INR';
  if (/^(₩|krw|won|韩元)$/.test(m)) return 'KRW';
  if (m === '¥') return yenText ? 'JPY' : 'CNY';
  if (/^(rmb|cny|人民币|元|元人民币|块|块钱)$/.test(m)) return 'CNY';
  return defaultCurrency;
}

function multiplierValue(word: string): number {
  const w = asciiLower(word);
  if (/^(k|thousand|grand|千)$/.test(w)) return 1e3;
  if (/^(m|mm|mn|mil|million|百万)$/.test(w)) return 1e6;
  if (/^(b|bn|billion)$/.test(w)) return 1e9;
  if (/^(lakhs?|lacs?)$/.test(w)) return 1e5;
  if (/^(crores?)$/.test(w)) return 1e7;
  if (w === '千万') return 1e7;
  if (w === '个亿' || w === '亿' || w === '億') return 1e8;
  return 1e4; // 万, 萬, and the chat slang "w"
}

interface Parsed {
  value: number;
  end: number;
  multiplied: boolean;
  approx: boolean;
}

/** Parse the number token at `start` plus any multiplier after it. */
function readNumber(text: string, start: number, token: string, hanText: boolean): Parsed | null {
  let end = start + token.length;
  let approx = false;
  let multiplied = false;
  let value: number;
  if (/^[\d,.]+$/.test(token)) {
    value = Number(token.replace(/,/g, ''));
    const mult = MULTIPLIER.exec(text.slice(end, end + 12));
    const word = mult ? (mult[1] ?? mult[2] ?? mult[3] ?? mult[5] ?? mult[6]) : undefined;
    // "w" for 万 is Chinese chat slang; in English "2w" is two weeks.
    if (mult && word && (word.toLowerCase() !== 'w' || hanText)) {
      value *= multiplierValue(word);
      if (mult[4]) approx = true;
      end += mult[0].length;
      multiplied = true;
      // Colloquial "1万5" = 15,000.
      const tail = /^([1-9])(?![\d.,%]|[个天周月年号日点万千百亿])/.exec(text.slice(end, end + 2));
      if (tail && multiplierValue(word) === 1e4) {
        value += Number(tail[1]) * 1000;
        end += 1;
      }
    }
  } else {
    if (!/[十百千万亿萬億]/.test(token)) return null;
    const parsed = parseChineseNumber(token.replace('个亿', '亿'));
    if (parsed === null) return null;
    value = parsed;
    multiplied = /[万亿萬億]/.test(token);
  }
  if (!Number.isFinite(value) || value < 0) return null;
  return { value, end, multiplied, approx };
}

/** Every amount in already-cleaned text (see `prepareText`), with ranking hints. */
export function scanAmounts(text: string, defaultCurrency: string): AmountSpan[] {
  const yenText = /日元|円|\byen\b|\bjpy\b/i.test(text);
  const hanText = /[\u3400-\u9fff]/.test(text);
  const out: AmountSpan[] = [];
  for (const m of text.matchAll(NUMBER_TOKEN)) {
    const start = m.index;
    const token = m[0];
    const before = text.slice(Math.max(0, start - 32), start);
    const isArabic = /^\d/.test(token);
    if (isArabic) {
      // Part of a code, version, date, time or phone number: "Q1", "v2.3", "12/4", "10:30", "555-1234", "+86".
      if (/[\d.]$/.test(before) || /\d\s?[-/:.]\s?$/.test(before) || /[+#@_]$/.test(before))
        continue;
      if (/[A-Za-z]$/.test(before) && !PREFIX.test(before)) continue;
      if (/^[.\-/:]\d/.test(text.slice(start + token.length, start + token.length + 2))) continue;
    }
    const parsed = readNumber(text, start, token, hanText);
    if (!parsed) continue;
    let end = parsed.end;
    const after = text.slice(end, end + 24);
    const prefix = PREFIX.exec(before);
    const suffix = SUFFIX_CURRENCY.exec(after);
    if (!suffix && COUNT_AFTER.test(after)) continue;
    if (!suffix && !parsed.multiplied && DATE_TIME_AFTER.test(after)) continue;
    let markStart = start;
    if (prefix) {
      const trailing = prefix[0].length - prefix[0].trimEnd().length;
      markStart = start - trailing - prefix[1]!.length;
    }
    const mark = prefix?.[1] ?? suffix?.[1] ?? null;
    if (suffix) end += suffix[0].trimEnd().length;
    const head = text.slice(Math.max(0, markStart - 32), markStart);
    const moneyWord = MONEY_WORD_BEFORE.test(head);
    const digits = token.replace(/[,.]/g, '');
    if (!mark && !parsed.multiplied) {
      const grouped = /,\d{3}/.test(token);
      if (/^(19|20)\d{2}$/.test(token)) continue;
      if (isArabic && digits.length >= 7 && !grouped && !moneyWord) continue;
      if (!grouped && !moneyWord) continue;
    }
    // Long unseparated digit runs are account or phone numbers even after a currency word.
    if (isArabic && !parsed.multiplied && !/,/.test(token) && digits.length >= 10) continue;
    out.push({
      start: markStart,
      end,
      amount: parsed.value,
      currency: mark ? currencyOf(mark, defaultCurrency, yenText) : defaultCurrency,
      approx:
        parsed.approx || APPROX_BEFORE.test(head) || APPROX_AFTER.test(text.slice(end, end + 8)),
      explicitCurrency: mark !== null,
      moneyWord,
      discountWord: DISCOUNT_BEFORE.test(head),
    });
  }
  return out;
}

/** Every money amount in a message; see the module comment for what counts. */
export function findAmounts(text: string, defaultCurrency: string): FoundAmount[] {
  const prepared = prepareText(text);
  return scanAmounts(prepared.text, defaultCurrency.toUpperCase()).map((a) => {
    const index = prepared.map[a.start]!;
    const end = prepared.map[a.end - 1]! + 1;
    return {
      amount: a.amount,
      currency: a.currency,
      approx: a.approx,
      index,
      raw: text.slice(index, end).trim(),
    };
  });
}

/**
 * The amount most likely to be the deal size: one after a money word
 * ("budget", "预算", "worth") first, then one with a currency mark or a
 * multiplier, earliest first; amounts after "discount"/"优惠" come last.
 */
export function pickDealAmount<T extends AmountSpan>(amounts: readonly T[]): T | null {
  let best: T | null = null;
  let bestScore = -1;
  for (const a of amounts) {
    const score =
      (a.moneyWord ? 4 : 0) + (a.explicitCurrency ? 2 : 0) + (a.discountWord ? -10 : 0) + 10;
    if (score > bestScore) {
      best = a;
      bestScore = score;
    }
  }
  return best;
}

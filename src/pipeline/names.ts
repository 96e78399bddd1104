/**
 * Account-name normalisation: the matching key that makes "ACME Corp.",
 * "Acme, Inc" and "acme" one account, and "华为技术有限公司" the same as "华为".
 */

import { memoizeString } from '../lib/memo.ts';

const LATIN_SUFFIXES = [
  'incorporated',
  'inc',
  'corporation',
  'corp',
  'company',
  'co',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'nv',
  'bv',
  'plc',
  'pty',
  'pte',
  'oy',
  'ab',
  'as',
  'kk',
  'group',
  'holdings',
];

// Longest first, so "股份有限公司" goes before "有限公司" and "公司".
const CJK_SUFFIXES = [
  '集团股份有限公司',
  '集团有限责任公司',
  '集团有限公司',
  '股份有限公司',
  '有限责任公司',
  '有限公司',
  '股份公司',
  '集团公司',
  '控股集团',
  '集团',
  '公司',
  '控股',
];

// Descriptors that Chinese legal names insert before the suffix (华为技术有限公司).
const CJK_DESCRIPTORS = [
  '网络技术',
  '信息技术',
  '计算机系统',
  '科技',
  '技术',
  '软件',
  '电子',
  '实业',
  '网络',
];

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

function stripCjk(name: string): string {
  let s = name;
  // Region markers in brackets: 华为技术有限公司(深圳) / （中国）
  s = s.replace(/[(（][^)）]*[)）]/gu, '');
  s = s.replace(/^(中国|北京|上海|深圳|广州|杭州)(市)?/u, (m, _c, _shi, offset, whole) =>
    whole.length - m.length >= 2 && offset === 0 ? '' : m,
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of [...CJK_SUFFIXES, ...CJK_DESCRIPTORS]) {
      if (s.endsWith(suffix) && s.length - suffix.length >= 2) {
        s = s.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  return s;
}

/** The matching key for an account name; empty when nothing meaningful remains. */
function normalizeUncached(raw: string): string {
  let s = raw.normalize('NFKC').toLowerCase();
  // Invisible and directional characters never belong in a name.
  s = s.replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu, '');
  s = s.replace(/&/g, ' and ');
  if (CJK.test(s)) s = stripCjk(s.replace(/\s+/g, ''));
  s = s.replace(/['’]s\b/g, '');
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const words = s.split(' ').filter(Boolean);
  if (words[0] === 'the' && words.length > 1) words.shift();
  while (words.length > 1 && LATIN_SUFFIXES.includes(words[words.length - 1] as string))
    words.pop();
  return words.join(' ');
}

export const normalizeAccountName: (raw: string) => string = memoizeString(normalizeUncached);

/** A tidy display form of what the user typed: trimmed, single-spaced, invisible characters removed. */
export function cleanDisplayName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

// Proves money amounts are read in every written form with the contract's currency rules, and counts, dates and phones are not.
import { describe, expect, it } from 'vitest';
import { findAmounts, pickDealAmount, scanAmounts } from '../../src/understand/amounts.ts';

const one = (text: string, currency = 'USD') => {
  const found = findAmounts(text, currency);
  expect(found, text).toHaveLength(1);
  return found[0]!;
};

describe('findAmounts', () => {
  it.each([
    ['$50k', 50_000, 'USD'],
    ['50K USD', 50_000, 'USD'],
    ['1.2M', 1_200_000, 'CNY'],
    ['€80,000', 80_000, 'EUR'],
    ['£30k', 30_000, 'GBP'],
    ['¥300,000', 300_000, 'CNY'],
    ['￥300,000', 300_000, 'CNY'],
    ['30万', 300_000, 'CNY'],
    ['1.5亿', 150_000_000, 'CNY'],
    ['5万美元', 50_000, 'USD'],
    ['50万元', 500_000, 'CNY'],
    ['人民币50万', 500_000, 'CNY'],
    ['八十万', 800_000, 'CNY'],
    ['一百二十万', 1_200_000, 'CNY'],
    ['3千万', 30_000_000, 'CNY'],
    ['两个亿', 200_000_000, 'CNY'],
    ['1万5', 15_000, 'CNY'],
    ['USD 50,000', 50_000, 'USD'],
    ['50 thousand', 50_000, 'CNY'],
    ['RMB 1.2M', 1_200_000, 'CNY'],
    ['A$120k', 120_000, 'AUD'],
    ['₹1.2 crore', 12_000_000, 'INR'],
    ['45 lakh', 4_500_000, 'CNY'],
    ['Rs 80,00,000', 8_000_000, 'INR'],
    ['预算500000', 500_000, 'CNY'],
    ['budget 50000', 50_000, 'CNY'],
    ['报价2.3亿', 230_000_000, 'CNY'],
  ])('%s → %d %s (workspace CNY)', (text, amount, currency) => {
    const a = one(text, 'CNY');
    expect(a.amount).toBe(amount);
    expect(a.currency).toBe(currency);
  });

  it('puts unmarked amounts in the workspace currency', () => {
    expect(one('budget 50k', 'EUR').currency).toBe('EUR');
    expect(one('预算50万', 'USD')).toMatchObject({ amount: 500_000, currency: 'USD' });
  });

  it('reads ¥, ￥, 元 and 人民币 as CNY unless the text says yen', () => {
    expect(one('¥5,000,000', 'USD').currency).toBe('CNY');
    expect(one('¥5,000,000 (yen)', 'USD').currency).toBe('JPY');
    expect(one('报价500万日元', 'CNY').currency).toBe('JPY');
    expect(one('JPY 3,000,000', 'CNY').currency).toBe('JPY');
  });

  it('reads a bare $ as the workspace dollar, else USD', () => {
    expect(one('$95k', 'NZD').currency).toBe('NZD');
    expect(one('$95k', 'CNY').currency).toBe('USD');
    expect(one('US$95k', 'NZD').currency).toBe('USD');
  });

  it('marks approximate amounts', () => {
    for (const text of [
      '~50k',
      'around 50k',
      'about $1.2m',
      '约50万',
      '50万左右',
      '50k+',
      '30多万',
      '20-30万',
    ]) {
      expect(one(text, 'CNY').approx, text).toBe(true);
    }
    expect(one('$50k').approx).toBe(false);
    expect(one('预算20-30万', 'CNY').amount).toBe(300_000);
  });

  it('ignores phone numbers, dates, percentages, counts, versions and unit prices', () => {
    for (const text of [
      'call 555-123-4567',
      '13800138000',
      '+86 138 0013 8000',
      '20% discount',
      '打8折',
      '降了5个点',
      '50 seats',
      '3 licenses',
      '2 people',
      '30个用户',
      '50k users',
      'v2.3',
      'version 3.1.4',
      '2.0版本',
      'Q1',
      '12/4',
      '2026-12-04',
      '12月4日',
      'in 2026',
      '3 years',
      'at 3pm',
      '10:30',
      '$50/seat',
      'follow up in 2w',
    ]) {
      expect(findAmounts(text, 'USD'), text).toEqual([]);
    }
  });

  it('reports the index and raw text in the caller’s string', () => {
    const text = '今天拜访了华为,需要私有化部署,预算５０万,下周五前发方案';
    const [a] = findAmounts(text, 'CNY');
    expect(a).toMatchObject({ amount: 500_000, currency: 'CNY', raw: '５０万' });
    expect(text.slice(a!.index, a!.index + a!.raw.length)).toBe('５０万');
  });

  it('keeps every amount finite and non-negative', () => {
    const found = findAmounts(
      '-50k, 99999999999999999999999 USD, 1e400, 九九九九九九九九亿',
      'USD',
    );
    for (const a of found) {
      expect(Number.isFinite(a.amount)).toBe(true);
      expect(a.amount).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('pickDealAmount', () => {
  it('prefers an amount after a money word and skips discounts', () => {
    const pick = (text: string) => pickDealAmount(scanAmounts(text, 'CNY'))?.amount;
    expect(pick('3 licenses at $40, budget $18k')).toBe(18_000);
    expect(pick('报价12万,优惠2万')).toBe(120_000);
    expect(pick('discount 5k, deal worth 80k')).toBe(80_000);
    expect(pick('50 users x $40/mo = $24k/yr')).toBe(24_000);
    expect(pick('no money here')).toBeUndefined();
  });
});

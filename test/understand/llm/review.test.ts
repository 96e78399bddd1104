// Proves the model's answer is checked again in code: template stage keys, finite non-negative amounts, real dates, phrases resolved in the member's timezone over the model's arithmetic, and the contract's currency rules.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE, IT_TEMPLATE } from '../../../src/pipeline/stages.ts';
import { currencyByContract, reviewExtraction } from '../../../src/understand/llm/review.ts';
import type { LlmDealUpdate, LlmExtraction } from '../../../src/understand/llm/schema.ts';

const ctx = {
  now: new Date('2026-11-25T01:30:00Z'), // Wednesday in Shanghai, still Tuesday in Chicago
  timezone: 'Asia/Shanghai',
  currency: 'CNY',
  template: DEFAULT_TEMPLATE,
};

function answer(fields: Partial<LlmDealUpdate>, intent: LlmExtraction['intent'] = 'update') {
  const u: LlmDealUpdate = {
    account: 'Acme',
    stage: null,
    amount: null,
    currency: null,
    closeDate: null,
    nextStep: null,
    nextStepDue: null,
    needs: [],
    contacts: [],
    competitors: [],
    lostReason: null,
    amountPhrase: null,
    closeDatePhrase: null,
    nextStepDuePhrase: null,
    ...fields,
  };
  return { intent, updates: [u] };
}

const one = (text: string, fields: Partial<LlmDealUpdate>, c = ctx) =>
  reviewExtraction(answer(fields), text, c).updates[0]!;

describe('reviewing the model’s answer', () => {
  it('keeps only stage keys of the workspace’s template (names are mapped to keys)', () => {
    expect(one('x', { stage: 'quote' }).stage).toBe('quote');
    expect(one('x', { stage: 'Needs analysis' }).stage).toBe('needs_analysis');
    expect(one('x', { stage: '谈判' }).stage).toBe('negotiation');
    expect(one('x', { stage: 'signed_in_blood' }).stage).toBeNull();
    const itCtx = { ...ctx, template: IT_TEMPLATE };
    expect(one('x', { stage: 'poc' }, itCtx).stage).toBe('poc');
    expect(one('x', { stage: 'proposal' }, itCtx).stage).toBeNull();
  });

  it('drops amounts that are negative, not finite or implausibly large', () => {
    for (const amount of [-5, Number.POSITIVE_INFINITY, Number.NaN, 1e15]) {
      expect(one('x', { amount, currency: 'USD' })).toMatchObject({ amount: null, currency: null });
    }
    expect(one('x', { amount: 1234.567, currency: 'usd' })).toMatchObject({
      amount: 1234.57,
      currency: 'USD',
    });
    expect(one('x', { amount: 10, currency: 'dollars' }).currency).toBe('CNY');
  });

  it('reads the amount phrase in code, over the model’s arithmetic', () => {
    expect(one('预算50万', { amount: 50, amountPhrase: '50万' })).toMatchObject({
      amount: 500000,
      currency: 'CNY',
    });
    expect(
      one('about $1.2M total', { amount: 12000, currency: 'CNY', amountPhrase: '$1.2M' }),
    ).toMatchObject({
      amount: 1200000,
      currency: 'USD',
    });
    // The phrase where it stands: the currency word beside it counts.
    expect(
      one('预算是50万日元', { amount: 500000, currency: 'CNY', amountPhrase: '50万' }),
    ).toMatchObject({
      amount: 500000,
      currency: 'JPY',
    });
  });

  it('applies the currency rules of the contract to the model’s currency', () => {
    expect(currencyByContract('JPY', '报价¥300,000')).toBe('CNY');
    expect(currencyByContract('JPY', 'quote ¥300,000 (yen)')).toBe('JPY');
    expect(currencyByContract('CNY', '30万日元')).toBe('JPY');
    expect(currencyByContract('CNY', '30万元')).toBe('CNY');
    expect(one('¥300,000 quote', { amount: 300000, currency: 'JPY' }).currency).toBe('CNY');
    expect(one('50万', { amount: 500000, currency: null }).currency).toBe('CNY');
  });

  it('resolves date phrases in the member’s timezone and prefers them to the model’s dates', () => {
    // 01:30 UTC on 2026-11-25 is Wednesday 09:30 in Shanghai: 下周五 is 2026-12-04.
    expect(
      one('下周五前发方案', { nextStepDue: '2026-12-05', nextStepDuePhrase: '下周五前' })
        .nextStepDue,
    ).toBe('2026-12-04');
    // The same instant is Tuesday evening in Chicago: "tomorrow" is Wednesday the 25th.
    expect(
      one(
        'call tomorrow',
        { nextStepDue: '2026-11-27', nextStepDuePhrase: 'tomorrow' },
        {
          ...ctx,
          timezone: 'America/Chicago',
        },
      ).nextStepDue,
    ).toBe('2026-11-25');
    // A phrase code cannot read leaves the model's date, if it is real.
    expect(one('x', { closeDate: '2026-12-31', closeDatePhrase: 'when pigs fly' }).closeDate).toBe(
      '2026-12-31',
    );
  });

  it('drops dates that are not real or far from today', () => {
    for (const d of [
      '2026-02-30',
      '2026-13-01',
      'next week',
      '26-12-01',
      '1999-01-01',
      '2099-01-01',
    ]) {
      expect(one('x', { closeDate: d }).closeDate, d).toBeNull();
    }
  });

  it('cleans text fields and lists, and empties updates unless the intent is update', () => {
    const u = one('x', {
      account: '  Acme\u200b\nCorp  ',
      needs: ['SSO', 'sso', ' ', 'audit logs'],
      contacts: [
        { name: 'Jane', title: 'CTO' },
        { name: 'jane', title: null },
        { name: ' ', title: 'x' },
      ],
      nextStep: 'x'.repeat(900),
    });
    expect(u.account).toBe('Acme Corp');
    expect(u.needs).toEqual(['SSO', 'audit logs']);
    expect(u.contacts).toEqual([{ name: 'Jane', title: 'CTO' }]);
    expect(u.nextStep).toHaveLength(500);
    expect(reviewExtraction(answer({ account: 'Acme' }, 'question'), 'x', ctx)).toEqual({
      intent: 'question',
      updates: [],
    });
  });
});

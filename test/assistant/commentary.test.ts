// Proves model commentary is cut to one clean sentence and keeps only numbers the query result contains.
import { describe, expect, it } from 'vitest';
import { numbersIn, sanitizeCommentary } from '../../src/assistant/answers/commentary.ts';

const result = {
  count: 3,
  winRate: 0.4,
  total: { byCurrency: [{ currency: 'USD', amount: 1_234_000 }] },
  period: { key: 'this_month', from: '2026-11-01', to: '2026-11-30' },
  dealId: '0b6e3c2a-1111-4222-8333-444455556666',
};
const known = numbersIn(result);

describe('sanitizeCommentary', () => {
  it.each([
    ['Three deals, 3 in total.', 'Three deals, 3 in total.'],
    ['Win rate is 40% this month.', 'Win rate is 40% this month.'],
    ['Win rate is 45% this month.', 'Win rate is this month.'],
    ['That is $1,234,000 or about $1.2M.', 'That is $1,234,000 or about $1.2M.'],
    ['Roughly $1.5M in play.', 'Roughly in play.'],
    ['You will hit 2,000,000 by Friday.', 'You will hit by Friday.'],
    ['Looks good. Also 99 other things!', 'Looks good.'],
    ['预计本月成交3单,约五十万元。', '预计本月成交3单,约。'],
    ['预计本月成交7单。', '预计本月成交单。'],
    ['Between 2026-11-01 and 2026-11-30.', 'Between 2026-11-01 and 2026-11-30.'],
    ['See https://evil.example/x for 5 more @everyone', 'See for more'],
    ['Great quarter for Q4 planning.', 'Great quarter for Q4 planning.'],
  ])('%s', (input, output) => {
    expect(sanitizeCommentary(input, known)).toBe(output);
  });

  it('does not let the digits of an id vouch for a number', () => {
    expect(sanitizeCommentary('It is 4222 strong.', known)).toBe('It is strong.');
  });

  it('drops commentary with nothing left to say', () => {
    expect(sanitizeCommentary('$9,999,999!', known)).toBeNull();
    expect(sanitizeCommentary('', known)).toBeNull();
    expect(sanitizeCommentary(null, known)).toBeNull();
  });

  it('keeps it short', () => {
    expect(sanitizeCommentary(`${'word '.repeat(100)}end.`, known)!.length).toBeLessThanOrEqual(
      200,
    );
  });
});

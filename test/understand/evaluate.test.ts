// Proves the corpus scoring rules: loose text matching, list F1, and pairing updates by account.
import { describe, expect, it } from 'vitest';
import {
  type CorpusRow,
  listF1,
  looseMatch,
  pairUpdates,
  scoreCorpus,
} from '../../src/understand/evaluate.ts';
import { emptyUpdate } from '../../src/understand/extraction.ts';

describe('looseMatch', () => {
  it('matches after normalisation when one contains the other and is not much shorter', () => {
    expect(looseMatch(null, null)).toBe(true);
    expect(looseMatch('follow up', null)).toBe(false);
    expect(looseMatch('Follow-up', 'follow up')).toBe(true);
    expect(looseMatch('follow up', 'follow up with Jane')).toBe(true);
    expect(looseMatch('发方案', '下周五前发方案给华为')).toBe(false);
    expect(looseMatch('价格', '因为价格丢单')).toBe(true);
    expect(looseMatch('价格', '因为价格太高所以丢单了')).toBe(false);
  });
});

describe('listF1', () => {
  it('scores lists by one-to-one matches', () => {
    expect(listF1([], [], looseMatch)).toBe(1);
    expect(listF1(['SSO'], [], looseMatch)).toBe(0);
    expect(listF1(['SSO', 'SCIM'], ['SSO'], looseMatch)).toBeCloseTo(2 / 3);
    expect(listF1(['SSO'], ['SSO', 'SSO'], looseMatch)).toBeCloseTo(2 / 3);
  });
});

describe('pairUpdates and scoreCorpus', () => {
  const acme = { ...emptyUpdate('Acme Corp.'), stage: 'quote' };
  const globex = { ...emptyUpdate('Globex'), stage: 'closed_won' };

  it('pairs by account key, ignoring case and legal suffixes', () => {
    const { pairs, extra } = pairUpdates(
      [acme, globex],
      [emptyUpdate('globex'), emptyUpdate('ACME')],
    );
    expect(pairs.map(([, a]) => a?.account)).toEqual(['ACME', 'globex']);
    expect(extra).toEqual([]);
  });

  it('counts missing updates as wrong and extra updates against the account field', () => {
    const row: CorpusRow = {
      text: 'Acme moved to quote',
      now: '2026-11-25T09:30:00+08:00',
      tz: 'Asia/Shanghai',
      currency: 'CNY',
      expected: { intent: 'update', updates: [acme] },
    };
    const report = scoreCorpus([row], () => ({
      intent: 'update',
      updates: [{ ...emptyUpdate('Acme'), stage: 'quote' }, emptyUpdate('Umbrella')],
    }));
    expect(report.fields.stage.score).toBe(1);
    expect(report.fields.account.score).toBe(0.5);
    const missing = scoreCorpus([row], () => ({ intent: 'question', updates: [] }));
    expect(missing.fields.intent.score).toBe(0);
    expect(missing.fields.stage.score).toBe(0);
  });
});

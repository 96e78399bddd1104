// Proves the offline extractor keeps its measured per-field accuracy on the labelled corpora (floors sit a little below the measurement).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Field, loadCorpus, scoreCorpus } from '../../src/understand/evaluate.ts';
import { extractOffline } from '../../src/understand/offline/index.ts';

const load = (file: string) => loadCorpus(fileURLToPath(new URL(file, import.meta.url)));

// Measured with `npm run eval:extract`. corpus.jsonl was written with the rules (100% on every
// field); corpus-holdout.jsonl was labelled before the extractor first ran on it — that first run
// scored 93.5% overall (account 77.9%, nextStep 90.0%), and fixes for what it exposed bring it to
// the figures below.
const FLOORS: Record<string, Record<Field | 'overall', number>> = {
  'corpus.jsonl': {
    intent: 0.98,
    account: 0.97,
    stage: 0.97,
    amount: 0.98,
    currency: 0.98,
    closeDate: 0.97,
    nextStepDue: 0.97,
    nextStep: 0.97,
    needs: 0.97,
    contacts: 0.97,
    competitors: 0.97,
    lostReason: 0.97,
    overall: 0.98,
  },
  'corpus-holdout.jsonl': {
    intent: 0.97,
    account: 0.89,
    stage: 0.97,
    amount: 0.97,
    currency: 0.97,
    closeDate: 0.96,
    nextStepDue: 0.96,
    nextStep: 0.96,
    needs: 0.97,
    contacts: 0.97,
    competitors: 0.96,
    lostReason: 0.96,
    overall: 0.96,
  },
};

describe.each(Object.entries(FLOORS))('%s', (file, floors) => {
  const rows = load(file);
  const report = scoreCorpus(rows, extractOffline);

  it('is a real corpus: enough messages, about half of them Chinese', () => {
    const chinese = rows.filter((r) => /[\u3400-\u9fff]/.test(r.text)).length;
    expect(rows.length).toBeGreaterThanOrEqual(file === 'corpus.jsonl' ? 150 : 60);
    expect(chinese / rows.length).toBeGreaterThan(0.4);
    expect(chinese / rows.length).toBeLessThan(0.6);
  });

  it.each(Object.entries(floors))('%s stays at or above its floor', (field, floor) => {
    const score = field === 'overall' ? report.overall : report.fields[field as Field].score;
    const misses = report.misses.filter((m) => m.field === field).slice(0, 5);
    expect(score, JSON.stringify(misses, null, 1)).toBeGreaterThanOrEqual(floor);
  });
});

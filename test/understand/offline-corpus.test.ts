// Proves the offline extractor keeps its measured per-field accuracy on the labelled corpora (floors sit a little below the measurement).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Field, loadCorpus, scoreCorpus } from '../../src/understand/evaluate.ts';
import { extractOffline } from '../../src/understand/offline/index.ts';

const load = (file: string) => loadCorpus(fileURLToPath(new URL(file, import.meta.url)));

// Measured with `npm run eval:extract`. corpus.jsonl was written with the rules (100% on every
// field). corpus-holdout.jsonl and corpus-fresh.jsonl were each labelled before the extractor first
// ran on them; those first runs scored 93.5% and 90.4% overall (weakest: account 77.9% / 79.5%,
// stage 92.9% / 81.1%, nextStep 90.0% / 83.8%) — the honest estimate for new messages. Fixes for
// what they exposed bring them to the figures the floors below sit just under.
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
  'corpus-fresh.jsonl': {
    intent: 0.97,
    account: 0.94,
    stage: 0.97,
    amount: 0.97,
    currency: 0.97,
    closeDate: 0.97,
    nextStepDue: 0.97,
    nextStep: 0.89,
    needs: 0.97,
    contacts: 0.97,
    competitors: 0.97,
    lostReason: 0.97,
    overall: 0.97,
  },
};

describe.each(Object.entries(FLOORS))('%s', (file, floors) => {
  const rows = load(file);
  const report = scoreCorpus(rows, extractOffline);

  it('is a real corpus: enough messages, about half of them Chinese', () => {
    const chinese = rows.filter((r) => /[\u3400-\u9fff]/.test(r.text)).length;
    expect(rows.length).toBeGreaterThanOrEqual(file === 'corpus.jsonl' ? 150 : 40);
    expect(chinese / rows.length).toBeGreaterThan(0.4);
    expect(chinese / rows.length).toBeLessThan(0.6);
  });

  it.each(Object.entries(floors))('%s stays at or above its floor', (field, floor) => {
    const score = field === 'overall' ? report.overall : report.fields[field as Field].score;
    const misses = report.misses.filter((m) => m.field === field).slice(0, 5);
    expect(score, JSON.stringify(misses, null, 1)).toBeGreaterThanOrEqual(floor);
  });
});

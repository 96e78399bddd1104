/**
 * Field-level accuracy and throughput of the offline extractor on the
 * labelled corpora. `npm run eval:extract [-- --misses]`; the scoring rules
 * are in src/understand/evaluate.ts.
 *
 * corpus.jsonl was written alongside the rules, so its score is an upper
 * bound; corpus-holdout.jsonl was labelled before the extractor first ran on
 * it and is the better estimate of accuracy on new messages.
 */
import { fileURLToPath } from 'node:url';
import {
  type CorpusRow,
  contextFor,
  formatReport,
  loadCorpus,
  scoreCorpus,
} from '../src/understand/evaluate.ts';
import { extractOffline } from '../src/understand/offline/index.ts';

const corpora = ['corpus.jsonl', 'corpus-holdout.jsonl'].map((file) => ({
  file,
  rows: loadCorpus(fileURLToPath(new URL(`../test/understand/${file}`, import.meta.url))),
}));

for (const { file, rows } of corpora) {
  const report = scoreCorpus(rows, extractOffline);
  console.log(`== ${file}\n${formatReport(report)}\n`);
  if (process.argv.includes('--misses')) {
    for (const m of report.misses) {
      console.log(
        `  #${m.line} ${m.field}: expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}  | ${m.text}`,
      );
    }
    console.log();
  }
}

const all: CorpusRow[] = corpora.flatMap((c) => c.rows);
const contexts = all.map(contextFor);
const rounds = 20;
for (let i = 0; i < all.length; i++) extractOffline(all[i]!.text, contexts[i]!);
const started = performance.now();
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < all.length; i++) extractOffline(all[i]!.text, contexts[i]!);
}
const seconds = (performance.now() - started) / 1000;
const total = all.length * rounds;
console.log(
  `throughput: ${Math.round(total / seconds)} messages/s (${((seconds * 1000) / total).toFixed(3)} ms/message over ${total} extractions)`,
);

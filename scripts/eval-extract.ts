/**
 * Field-level accuracy and throughput of the offline extractor on the
 * labelled corpus. `npm run eval:extract [-- --misses]`; scoring rules are in
 * src/understand/evaluate.ts.
 */
import { fileURLToPath } from 'node:url';
import { contextFor, formatReport, loadCorpus, scoreCorpus } from '../src/understand/evaluate.ts';
import { extractOffline } from '../src/understand/offline/index.ts';

const corpusPath = fileURLToPath(new URL('../test/understand/corpus.jsonl', import.meta.url));
const rows = loadCorpus(corpusPath);
const report = scoreCorpus(rows, extractOffline);
console.log(formatReport(report));

if (process.argv.includes('--misses')) {
  console.log('\nmisses:');
  for (const m of report.misses) {
    console.log(
      `  #${m.line} ${m.field}: expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}  | ${m.text}`,
    );
  }
}

const contexts = rows.map(contextFor);
const rounds = 20;
for (let i = 0; i < rows.length; i++) extractOffline(rows[i]!.text, contexts[i]!);
const started = performance.now();
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < rows.length; i++) extractOffline(rows[i]!.text, contexts[i]!);
}
const seconds = (performance.now() - started) / 1000;
const total = rows.length * rounds;
console.log(
  `\nthroughput: ${Math.round(total / seconds)} messages/s (${((seconds * 1000) / total).toFixed(3)} ms/message, ${total} extractions)`,
);

/**
 * `npm run bench`: measures pipebot's speed and cost, prints a table and
 * writes BENCHMARKS.md. Every figure is a median over several runs after a
 * warm-up, beside its goal and, where there is one, the ratio to a baseline
 * measured in the same run. `--quick` runs tiny sizes (CI smoke) and writes
 * nothing.
 *
 * usage: npm run bench [-- --quick] [--sizes 10000,100000] [--only update,extract,…]
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Driver } from '../src/db/connect.ts';
import type { BenchOptions, Figure } from './lib/harness.ts';
import { benchCsvImport } from './suites/csv.ts';
import { benchExtractor } from './suites/extract.ts';
import { benchDigest, benchSchedulerTick } from './suites/jobs.ts';
import { benchMemory } from './suites/memory.ts';
import { benchQueries } from './suites/queries.ts';
import { benchSlackAcks } from './suites/slack.ts';
import { benchTokens } from './suites/tokens.ts';
import { benchUpdatePath } from './suites/update.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
  },
});

const ANALYSIS = new URL('./analysis.md', import.meta.url);

const postgresUrl = process.env.DATABASE_URL?.startsWith('postgres')
  ? process.env.DATABASE_URL
  : process.env.TEST_DATABASE_URL;
const options: BenchOptions = {
  quick: Boolean(values.quick),
  postgresUrl,
  drivers: postgresUrl ? ['pglite', 'postgres'] : ['pglite'],
  sizes: values.sizes
    ? values.sizes.split(',').map(Number)
    : values.quick
      ? [2_000]
      : [10_000, 100_000, 1_000_000],
  runs: values.quick ? 5 : 21,
  now: new Date(),
  log: (line) => process.stderr.write(`${line}\n`),
};

type Suite = { name: string; run: () => Promise<Figure[]> };
const suites: Suite[] = [
  { name: 'extract', run: () => benchExtractor(options) },
  { name: 'tokens', run: () => benchTokens(options) },
];
for (const driver of options.drivers as Driver[]) {
  suites.push({ name: 'update', run: () => benchUpdatePath(driver, options) });
  suites.push({ name: 'queries', run: () => benchQueries(driver, options) });
  suites.push({ name: 'digest', run: () => benchDigest(driver, options) });
  suites.push({ name: 'tick', run: () => benchSchedulerTick(driver, options) });
  suites.push({ name: 'slack', run: () => benchSlackAcks(driver, options) });
  suites.push({ name: 'csv', run: () => benchCsvImport(driver, options) });
  suites.push({ name: 'memory', run: () => benchMemory(driver, options) });
}

const only = values.only ? new Set(values.only.split(',')) : null;
const figures: Figure[] = [];
for (const s of suites) {
  if (only && !only.has(s.name)) continue;
  options.log(`bench: ${s.name}…`);
  const t0 = performance.now();
  try {
    figures.push(...(await s.run()));
  } catch (err) {
    figures.push({
      figure: `${s.name} (failed)`,
      driver: '-',
      value: String((err as Error).message).slice(0, 200),
      goal: '',
      met: false,
    });
  }
  options.log(`bench: ${s.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const mark = (f: Figure) => (f.met === null ? '—' : f.met ? '✅' : '❌');
const rows = figures.map(
  (f) => `| ${f.figure} | ${f.driver} | ${f.value} | ${f.goal} | ${mark(f)} | ${f.ratio ?? ''} |`,
);
const table = [
  '| figure | driver | measured | goal | met | baseline |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
process.stdout.write(`${table}\n`);
const notes = figures
  .filter((f) => f.note)
  .map((f) => `- **${f.figure}** (${f.driver}): ${f.note}`);

if (!options.quick) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  writeFileSync(
    values.out as string,
    [
      '# Benchmarks',
      '',
      `Measured ${options.now.toISOString().slice(0, 10)} on ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}; drivers: ${options.drivers.join(', ')}${postgresUrl ? ' (Postgres on 127.0.0.1)' : ''}.`,
      '',
      'Reproduce: `npm run bench` (PGlite only), or `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench` (PGlite and Postgres).',
      'Every figure is the median of several runs after a warm-up; ratios compare with a baseline measured in the same run.',
      '',
      table,
      '',
      '## Notes',
      '',
      ...notes,
      '',
      // The analysis of goals not met (why, and what would change it) is kept by hand.
      ...(existsSync(ANALYSIS) ? [readFileSync(ANALYSIS, 'utf8').trim(), ''] : []),
      ...figures
        .filter((f) => f.detail)
        .flatMap((f) => [
          `## Query plan: ${f.figure} (${f.driver}, ${f.size ?? ''})`,
          '',
          '```',
          f.detail as string,
          '```',
          '',
        ]),
    ].join('\n'),
  );
  options.log(`bench: wrote ${values.out}`);
}
process.exit(figures.some((f) => f.figure.endsWith('(failed)')) ? 1 : 0);

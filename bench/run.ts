/**
 * `npm run bench`: measures pipebot's speed and cost, prints a table and
 * writes BENCHMARKS.md. Every figure is a median over several runs after a
 * warm-up, beside its goal and, where there is one, the ratio to a baseline
 * measured in the same run. `--quick` runs tiny sizes (CI smoke) and writes
 * nothing.
 *
 * usage: npm run bench [-- --quick] [--sizes 10000,100000] [--only update,extract,…]
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    // Internal: run one suite in this process and write its figures as JSON.
    child: { type: 'string' },
    'child-out': { type: 'string' },
    now: { type: 'string' },
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
  now: values.now ? new Date(values.now) : new Date(),
  log: (line) => process.stderr.write(`${line}\n`),
};

type Suite = { name: string; id: string; run: () => Promise<Figure[]> };
const suites: Suite[] = [
  { name: 'extract', id: 'extract', run: () => benchExtractor(options) },
  { name: 'tokens', id: 'tokens', run: () => benchTokens(options) },
];
for (const driver of options.drivers as Driver[]) {
  suites.push({
    name: 'update',
    id: `update:${driver}`,
    run: () => benchUpdatePath(driver, options),
  });
  suites.push({
    name: 'queries',
    id: `queries:${driver}`,
    run: () => benchQueries(driver, options),
  });
  suites.push({ name: 'digest', id: `digest:${driver}`, run: () => benchDigest(driver, options) });
  suites.push({
    name: 'tick',
    id: `tick:${driver}`,
    run: () => benchSchedulerTick(driver, options),
  });
  suites.push({ name: 'slack', id: `slack:${driver}`, run: () => benchSlackAcks(driver, options) });
  suites.push({ name: 'csv', id: `csv:${driver}`, run: () => benchCsvImport(driver, options) });
  suites.push({ name: 'memory', id: `memory:${driver}`, run: () => benchMemory(driver, options) });
}

if (values.child) {
  const suite = suites.find((s) => s.id === values.child);
  if (!suite) throw new Error(`no suite ${values.child}`);
  writeFileSync(values['child-out'] as string, JSON.stringify(await suite.run()));
  process.exit(0);
}

/**
 * Each suite runs in a process of its own, one after another: what one suite
 * leaves behind (a 100k-deal embedded database, a grown heap, compiled code)
 * must not slow or speed the next one.
 */
function runIsolated(suite: Suite): Figure[] {
  const out = join(mkdtempSync(join(tmpdir(), 'pipebot-bench-')), 'figures.json');
  const args = [
    fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)),
    fileURLToPath(import.meta.url),
    '--child',
    suite.id,
    '--child-out',
    out,
    '--now',
    options.now.toISOString(),
    ...(values.quick ? ['--quick'] : []),
    ...(values.sizes ? ['--sizes', values.sizes] : []),
  ];
  const r = spawnSync(process.execPath, [...process.execArgv, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  try {
    if (r.status !== 0) throw new Error(`exited with ${r.status ?? r.signal}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Figure[];
  } finally {
    rmSync(dirname(out), { recursive: true, force: true });
  }
}

const only = values.only ? new Set(values.only.split(',')) : null;
const figures: Figure[] = [];
for (const s of suites) {
  if (only && !only.has(s.name)) continue;
  options.log(`bench: ${s.id}…`);
  const t0 = performance.now();
  try {
    figures.push(...runIsolated(s));
  } catch (err) {
    figures.push({
      figure: `${s.name} (failed)`,
      driver: '-',
      value: String((err as Error).message).slice(0, 200),
      goal: '',
      met: false,
    });
  }
  options.log(`bench: ${s.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
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
      'Every figure is the median of several runs after a warm-up; ratios compare with a baseline measured in the same run. Each suite runs in a fresh process.',
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

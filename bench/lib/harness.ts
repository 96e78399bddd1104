/** Shared benchmark plumbing: fresh databases per driver, round-trip counting, result rows. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, type Driver, openDatabase } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';

export interface Figure {
  figure: string;
  driver: Driver | '-';
  size?: string;
  value: string;
  goal: string;
  /** null when there is no goal to meet (reported only). */
  met: boolean | null;
  /** Ratio to the baseline measured in the same run, e.g. "1.4× hand-written SQL". */
  ratio?: string;
  note?: string;
  /** Long evidence (query plans) for a section of its own in BENCHMARKS.md. */
  detail?: string;
}

export interface BenchOptions {
  quick: boolean;
  postgresUrl: string | undefined;
  drivers: Driver[];
  /** Deal counts to generate for the query benchmarks. */
  sizes: number[];
  runs: number;
  now: Date;
  log: (line: string) => void;
}

export interface BenchDatabase extends Database {
  /** Statements sent since the last reset (Postgres only). */
  statements: string[];
  /** Queries with their parameters as drizzle built them, when `capture` is on (for EXPLAIN). */
  captured: { query: string; params: unknown[] }[];
  capture: boolean;
  /** The database's own URL (Postgres only). */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh migrated database: in-memory PGlite, or a new Postgres database dropped afterwards. */
export async function freshDatabase(
  driver: Driver,
  options: BenchOptions,
  label: string,
): Promise<BenchDatabase> {
  const statements: string[] = [];
  const captured: BenchDatabase['captured'] = [];
  const box = { capture: false };
  const queryLogger = {
    logQuery(query: string, params: unknown[]) {
      if (box.capture) captured.push({ query, params });
    },
  };
  const withCapture = (d: Database, url?: string, drop?: () => Promise<void>): BenchDatabase => ({
    ...d,
    statements,
    captured,
    get capture() {
      return box.capture;
    },
    set capture(on: boolean) {
      box.capture = on;
    },
    ...(url ? { url } : {}),
    drop: drop ?? (async () => d.close()),
  });
  if (driver === 'pglite') {
    const d = await openDatabase({ url: 'memory://', queryLogger });
    await migrate(d.db);
    return withCapture(d);
  }
  if (!options.postgresUrl) throw new Error('no Postgres URL');
  const name = `pipebot_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(options.postgresUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(options.postgresUrl);
  u.pathname = `/${name}`;
  const d = await openDatabase({
    url: u.toString(),
    max: 10,
    onQuery: (s) => statements.push(s),
    queryLogger,
  });
  await migrate(d.db);
  return withCapture(d, u.toString(), async () => {
    await d.close();
    const a = postgres(options.postgresUrl as string, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  });
}

export function rss(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

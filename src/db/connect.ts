/**
 * One connection module for both drivers: Postgres through postgres-js, or the
 * embedded PGlite (a directory, or `memory://`). Both give the same `Db` type.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { PipebotError } from '../errors.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction: what domain functions take. */
export type Executor = Db | Tx;

export type Driver = 'postgres' | 'pglite';

export interface Database {
  db: Db;
  driver: Driver;
  /** Where it points, with any password hidden. */
  describe: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://…, memory://, or undefined for the PGlite directory. */
  url: string | undefined;
  pgliteDir?: string;
  /** Postgres pool size. */
  max?: number;
  /** Called with every statement sent to Postgres (round-trip counting in benchmarks). */
  onQuery?: (statement: string) => void;
  /** Prepare statements on Postgres (default true); off behind PgBouncer in transaction mode. */
  prepare?: boolean;
  /** Sees every query drizzle runs (tests count queries with it). */
  queryLogger?: QueryLogger;
}

export interface QueryLogger {
  logQuery(query: string, params: unknown[]): void;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const url = options.url;
  const logger = options.queryLogger;
  if (url && /^postgres(ql)?:\/\//.test(url))
    return openPostgres(url, options.max ?? 10, logger, options.onQuery, options.prepare ?? true);
  if (url === 'memory://') return openPglite(undefined, logger);
  return openPglite(resolve(options.pgliteDir ?? './data/pglite'), logger);
}

function openPostgres(
  url: string,
  max: number,
  logger?: QueryLogger,
  onQuery?: (statement: string) => void,
  prepare = true,
): Database {
  const client = postgres(url, {
    max,
    ...(onQuery ? { debug: (_connection: number, statement: string) => onQuery(statement) } : {}),
    onnotice: () => {},
    // Fail fast when the server is down instead of queueing forever.
    connect_timeout: 10,
    // Reconnect within a second once the server is back. The driver's default
    // backoff grows to 20 s per connection, so after a restart queries sat
    // waiting for a slot long after Postgres had returned.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    idle_timeout: 60,
    connection: { application_name: 'pipebot' },
  });
  const db = drizzlePostgres(prepare ? preparing(client) : client, {
    schema,
    ...(logger ? { logger } : {}),
  }) as unknown as Db;
  const u = new URL(url);
  return {
    db,
    driver: 'postgres',
    describe: `postgres://${u.host}${u.pathname}`,
    close: () => client.end({ timeout: 5 }),
  };
}

type PgClient = ReturnType<typeof postgres>;

/**
 * The client as drizzle sees it, with every statement prepared: drizzle sends
 * its queries unprepared, so Postgres parses and plans the same few dozen
 * statements on every call (half a millisecond for the ingest statement).
 * Prepared per connection by their text, they are planned once. Transactions
 * and savepoints get the same treatment.
 */
function preparing(client: PgClient): PgClient {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (key === 'unsafe')
          return (query: string, params?: unknown[], options: Record<string, unknown> = {}) =>
            (t as unknown as PgClient).unsafe(query, params as never, {
              ...options,
              prepare: true,
            });
        // Transactions and nested transactions (savepoints) hand their own client to the callback.
        if (key === 'begin' || key === 'savepoint')
          return (...args: unknown[]) => {
            const fn = args[args.length - 1] as (tx: unknown) => unknown;
            const rest = args.slice(0, -1);
            const open = (t as unknown as Record<string, (...a: unknown[]) => unknown>)[key];
            return open?.call(t, ...rest, (tx: object) => fn(wrap(tx)));
          };
        return Reflect.get(t, key, receiver);
      },
    });
  return wrap(client);
}

/**
 * PGlite's defaults, with shared_buffers cut from 128 MB to 16 MB: the
 * embedded database serves one small team, and every buffer is resident
 * memory of the bot's own process (about 120 MB less RSS at idle).
 */
const PGLITE_START_PARAMS = [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
  '-c',
  'shared_buffers=16MB',
];

async function openPglite(dir: string | undefined, logger?: QueryLogger): Promise<Database> {
  let release = () => {};
  if (dir) {
    mkdirSync(dirname(dir), { recursive: true });
    release = lockDirectory(dir);
  }
  try {
    // Loaded only here: the embedded database's module alone is about 40 MB of
    // resident memory, which a bot running on Postgres need not carry.
    const [{ PGlite }, { pg_trgm }, { drizzle: drizzlePglite }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('drizzle-orm/pglite'),
    ]);
    const client = new PGlite(dir ?? 'memory://', {
      extensions: { pg_trgm },
      startParams: PGLITE_START_PARAMS,
    });
    await client.waitReady;
    const db = drizzlePglite(client, { schema, ...(logger ? { logger } : {}) }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      describe: dir ? `embedded database at ${dir}` : 'in-memory embedded database',
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw new PipebotError('unavailable', `could not open the embedded database`, { cause: err });
  }
}

/**
 * PGlite is single-process: a second process opening the same directory would
 * corrupt it. A lock file with the owner's pid refuses that with a clear error
 * and is taken over when its owner is gone.
 */
function lockDirectory(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new PipebotError(
          'unavailable',
          `the embedded database at ${dir} is in use by process ${owner}; stop it, or use Postgres (DATABASE_URL) to run several processes`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new PipebotError('unavailable', `could not lock the embedded database at ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run raw SQL and get plain rows, whatever the driver's result shape. */
export async function queryRows<T = Record<string, unknown>>(
  db: Executor,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A cheap round trip that proves the database answers. */
export async function ping(db: Executor): Promise<void> {
  await queryRows(db, sql`select 1`);
}

const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True when an error (or one of its causes) means the connection to the database failed, not the query. */
export function isConnectionError(err: unknown): boolean {
  for (
    let e: unknown = err, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  }
  return false;
}

/** Whether a database error (or one it caused) carries this SQLSTATE, e.g. `23503`. */
export function hasPgCode(err: unknown, code: string): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}

/**
 * Run a statement that is safe to repeat, retrying a couple of times when the
 * connection (not the statement) failed — after a database restart the pool
 * holds dead connections that each fail once before reconnecting.
 */
export async function withReconnect<T>(
  run: () => Promise<T>,
  attempts = 3,
  delayMs = 150,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isConnectionError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
    }
  }
}

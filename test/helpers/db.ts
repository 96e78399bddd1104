/**
 * Database fixtures for tests: PGlite in memory always, and Postgres too when
 * TEST_DATABASE_URL is set. Each Postgres fixture gets a fresh database so
 * test files running in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import {
  type Database,
  type Db,
  type Driver,
  openDatabase,
  type QueryLogger,
} from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';
import * as schema from '../../src/db/schema.ts';

const TEST_URL = process.env.TEST_DATABASE_URL;

/** The drivers every database-backed suite runs on. */
export const DRIVERS: Driver[] = TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends Database {
  /** For Postgres fixtures: the URL of the fresh database (other processes can open it). */
  url: string;
}

/** A fresh, empty database (not migrated). */
export async function createEmptyDatabase(
  driver: Driver,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (driver === 'pglite') return { url: 'memory://', drop: async () => {} };
  if (!TEST_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pipebot_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(TEST_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(TEST_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(TEST_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** A fresh database with migrations applied. Close it with `close()`. */
export async function openTestDatabase(
  driver: Driver,
  options: { queryLogger?: QueryLogger } = {},
): Promise<TestDatabase> {
  const empty = await createEmptyDatabase(driver);
  const database = await openDatabase({ url: empty.url, max: 10, ...options });
  await migrate(database.db);
  return {
    ...database,
    url: empty.url,
    close: async () => {
      await database.close();
      await empty.drop();
    },
  };
}

/** A fresh, migrated database whose drizzle instance counts the statements it sends. */
export async function openCountingDatabase(
  driver: Driver,
): Promise<{ db: Db; statements(): number; close(): Promise<void> }> {
  let n = 0;
  const logger = {
    logQuery() {
      n++;
    },
  };
  if (driver === 'pglite') {
    const client = new PGlite('memory://', { extensions: { pg_trgm } });
    await client.waitReady;
    const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
    await migrate(db);
    return { db, statements: () => n, close: () => client.close() };
  }
  const empty = await createEmptyDatabase('postgres');
  const client = postgres(empty.url, { max: 2, onnotice: () => {} });
  const db = drizzlePostgres(client, { schema, logger }) as unknown as Db;
  await migrate(db);
  return {
    db,
    statements: () => n,
    close: async () => {
      await client.end();
      await empty.drop();
    },
  };
}

/**
 * Applies the generated migrations in `drizzle/` in one transaction under an
 * advisory lock, so that several processes starting at once queue instead of
 * racing (CREATE EXTENSION and CREATE TABLE are not safe to run concurrently).
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { type Db, queryRows } from './connect.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Arbitrary constant: the advisory-lock key for migrations. */
const MIGRATION_LOCK_KEY = 7_320_113_019;

export interface MigrateResult {
  applied: string[];
}

export async function migrate(db: Db, migrationsFolder = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create extension if not exists pg_trgm`);
    await tx.execute(sql`
      create table if not exists pipebot_migrations (
        hash text primary key,
        created_at bigint not null,
        applied_at timestamptz not null default now()
      )`);
    const done = new Set(
      (await queryRows<{ hash: string }>(tx, sql`select hash from pipebot_migrations`)).map(
        (r) => r.hash,
      ),
    );
    for (const m of migrations) {
      if (done.has(m.hash)) continue;
      for (const statement of m.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into pipebot_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`,
      );
      applied.push(String(m.folderMillis));
    }
  });
  return { applied };
}

/** True when every migration in the folder has been applied (readiness). */
export async function migrationsApplied(
  db: Db,
  migrationsFolder = MIGRATIONS_DIR,
): Promise<boolean> {
  const migrations = readMigrationFiles({ migrationsFolder });
  try {
    const rows = await queryRows<{ hash: string }>(db, sql`select hash from pipebot_migrations`);
    const done = new Set(rows.map((r) => r.hash));
    return migrations.every((m) => done.has(m.hash));
  } catch {
    return false;
  }
}

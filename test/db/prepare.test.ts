// Proves statements sent through drizzle are prepared on Postgres (planned once per connection, also inside transactions), and are not when prepared statements are turned off.
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, queryRows } from '../../src/db/connect.ts';
import { createEmptyDatabase } from '../helpers/db.ts';

const TEST_URL = process.env.TEST_DATABASE_URL;

describe.runIf(TEST_URL)('prepared statements on Postgres', () => {
  const open: { database: Database; drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const o of open) {
      await o.database.close();
      await o.drop();
    }
  });

  async function connect(prepare: boolean) {
    const empty = await createEmptyDatabase('postgres');
    // One connection, so that pg_prepared_statements shows that connection's statements.
    const database = await openDatabase({ url: empty.url, max: 1, prepare });
    open.push({ database, drop: empty.drop });
    return database;
  }

  const prepared = async (database: Database) =>
    (
      await queryRows<{ statement: string }>(
        database.db,
        sql`select statement from pg_prepared_statements`,
      )
    ).map((r) => r.statement);

  it('prepares each statement once and reuses it, in and out of transactions', async () => {
    const { db } = await connect(true);
    for (let i = 0; i < 3; i++) await queryRows(db, sql`select ${i}::int + 1 as n`);
    await db.transaction(async (tx) => {
      await queryRows(tx, sql`select ${'in a transaction'}::text as t`);
      await tx.transaction(async (inner) => {
        await queryRows(inner, sql`select ${'in a savepoint'}::text as inner_t`);
      });
    });
    const statements = await prepared({ db } as Database);
    expect(statements.filter((s) => s.includes('::int + 1'))).toHaveLength(1);
    expect(
      statements.some((s) => s.includes('::text as t')) &&
        statements.some((s) => s.includes('::text as inner_t')),
    ).toBe(true);
  });

  it('prepares nothing with prepared statements off', async () => {
    const database = await connect(false);
    await queryRows(database.db, sql`select ${1}::int + 1 as n`);
    // (The driver's own start-up query for array types may be there; ours are not.)
    expect((await prepared(database)).filter((s) => s.includes('::int + 1'))).toEqual([]);
  });
});

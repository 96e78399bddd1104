/**
 * Many rows in one statement with one parameter: the rows travel as a JSON
 * array and `jsonb_to_recordset` turns them back into typed columns. Building
 * a 1,000-row multi-VALUES statement costs more than running it; this does
 * not, and it behaves the same on Postgres and PGlite.
 *
 * Table and column names come from code (never from input): they are
 * inserted as raw SQL; every value is data in the JSON parameter.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connect.ts';

export type ColumnType = 'uuid' | 'text' | 'numeric' | 'int' | 'date' | 'timestamptz' | 'jsonb';
export type Columns = Record<string, ColumnType>;

const IDENT = /^[a-z_][a-z0-9_]*$/;

function checked(names: string[]): string[] {
  for (const n of names) if (!IDENT.test(n)) throw new Error(`not a column name: ${n}`);
  return names;
}

/** `jsonb_to_recordset($1::jsonb) as r(col type, …)` over the rows. */
export function recordset(columns: Columns, rows: Record<string, unknown>[]): SQL {
  const defs = checked(Object.keys(columns))
    .map((c) => `${c} ${columns[c]}`)
    .join(', ');
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(defs)})`;
}

/** INSERT the rows (keys are column names) in one statement; RETURNING the given columns. */
export async function insertRecords<R = Record<string, unknown>>(
  db: Executor,
  table: string,
  columns: Columns,
  rows: Record<string, unknown>[],
  returning: string[] = [],
  onConflictDoNothing = false,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const [name] = checked([table]);
  const cols = checked(Object.keys(columns));
  return queryRows<R>(
    db,
    sql`insert into ${sql.raw(name!)} (${sql.raw(cols.join(', '))})
        select ${sql.raw(cols.map((c) => `r.${c}`).join(', '))} from ${recordset(columns, rows)}
        ${onConflictDoNothing ? sql`on conflict do nothing` : sql``}
        ${returning.length ? sql.raw(`returning ${checked(returning).join(', ')}`) : sql``}`,
  );
}

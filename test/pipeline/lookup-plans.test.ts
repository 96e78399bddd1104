// Guards the plans of the lookups every message makes: an account found by its name or an alias, and the sender's recent open deals, read through indexes rather than by reading every row of a big workspace.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member, Workspace } from '../../src/db/schema.ts';
import { resolveAccount } from '../../src/pipeline/accounts.ts';
import { applyUpdate } from '../../src/pipeline/deals.ts';
import { extractionContext } from '../../src/pipeline/views.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember, makeWorkspace, upd } from '../helpers/fixtures.ts';

interface Captured {
  query: string;
  params: unknown[];
}

/** The statement with its parameters written in as literals, for EXPLAIN. */
function inline({ query, params }: Captured): string {
  return query.replace(/\$(\d+)\b/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (v === null || v === undefined) return 'null';
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}

describe.each(DRIVERS)('lookup plans on %s', (driver) => {
  let t: TestDatabase;
  let ws: Workspace;
  let rep: Member;
  const captured: Captured[] = [];
  let capturing = false;
  const now = new Date('2026-11-25T14:00:00Z');

  beforeAll(async () => {
    t = await openTestDatabase(driver, {
      queryLogger: {
        logQuery(query, params) {
          if (capturing) captured.push({ query, params });
        },
      },
    });
    ws = await makeWorkspace(t.db);
    rep = await makeMember(t.db, ws, 'rep');
    const team = [rep];
    for (let i = 1; i < 10; i++) team.push(await makeMember(t.db, ws, `rep${i}`));
    // A big workspace: 5,000 accounts, every tenth with an alias, and an open deal on each,
    // shared among ten reps (500 each).
    await t.db.execute(sql`
      insert into accounts (workspace_id, name, normalized_name, aliases)
      select ${ws.id}::uuid, 'Company ' || g, 'company ' || g,
             case when g % 10 = 0 then array['alias ' || g] else '{}'::text[] end
      from generate_series(1, 5000) g`);
    await t.db.execute(sql`
      insert into deals (workspace_id, account_id, owner_id, title, stage, status, last_activity_at)
      select a.workspace_id, a.id,
             (${sql.raw(`array[${team.map((m) => `'${m.id}'::uuid`).join(',')}]`)})[1 + (row_number() over (order by a.id)) % 10],
             a.name, 'proposal', 'open',
             ${now.toISOString()}::timestamptz - (row_number() over (order by a.id)) * interval '1 minute'
      from accounts a where a.workspace_id = ${ws.id}::uuid`);
    await t.db.execute(sql`analyze accounts`);
    await t.db.execute(sql`analyze deals`);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function plan(statement: Captured): Promise<string> {
    const r = await t.db.execute(sql.raw(`explain ${inline(statement)}`));
    const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<
      string,
      string
    >[];
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  async function statementsOf(run: () => Promise<unknown>): Promise<Captured[]> {
    captured.length = 0;
    capturing = true;
    try {
      await run();
    } finally {
      capturing = false;
    }
    return [...captured];
  }

  it('resolves a name and an alias through the indexes, not by reading every account', async () => {
    for (const [name, expected] of [
      ['Company 4321', 'Company 4321'],
      ['alias 4320', 'Company 4320'],
    ] as const) {
      const [first] = await statementsOf(async () => {
        const r = await resolveAccount(t.db, ws.id, name);
        expect(r.kind === 'match' && r.account.name).toBe(expected);
      });
      if (!first) throw new Error('no statement captured');
      const p = await plan(first);
      expect(p).not.toMatch(/Seq Scan on accounts/);
      expect(p).toMatch(/accounts_workspace_normalized_uq|accounts_aliases_idx/);
    }
  });

  it('finds the account of an update by name or alias through the indexes', async () => {
    // An alias of an account whose deal is the rep's own.
    const r = await t.db.execute(sql`
      select a.aliases[1] as alias from accounts a join deals d on d.account_id = a.id
      where d.owner_id = ${rep.id}::uuid and cardinality(a.aliases) > 0 limit 1`);
    const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { alias: string }[];
    const alias = rows[0]?.alias;
    if (!alias) throw new Error('no aliased account of the rep');
    const statements = await statementsOf(async () => {
      const out = await applyUpdate(
        t.db,
        { workspace: ws, member: rep, now },
        upd({ account: alias, amount: 1000, currency: 'USD' }),
      );
      expect(out.status).toBe('applied');
    });
    const lookup = statements.find((s) => /from accounts/.test(s.query));
    if (!lookup) throw new Error('no account lookup captured');
    expect(await plan(lookup)).not.toMatch(/Seq Scan on accounts/);
  });

  it('reads a rep’s 20 most recent open deals in index order, not all 500 sorted', async () => {
    const [hints] = await statementsOf(() => extractionContext(t.db, ws.id, rep.id));
    if (!hints) throw new Error('no statement captured');
    const p = await plan(hints);
    expect(p).toMatch(/Index Scan Backward using deals_workspace_owner_idx/);
  });
});

// Proves the migrations apply on both drivers, are idempotent, survive concurrent starts, keep the audit trail append-only and backfill each deal's reached stages.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase, queryRows } from '../../src/db/connect.ts';
import { MIGRATIONS_DIR, migrate, migrationsApplied } from '../../src/db/migrate.ts';
import { createEmptyDatabase, DRIVERS } from '../helpers/db.ts';

/** A workspace with one member and one account, by plain SQL (no application code). */
async function owner(db: Db) {
  const [ws] = await queryRows<{ id: string }>(
    db,
    sql`insert into workspaces (platform, external_id) values ('console', 'x') returning id`,
  );
  const [m] = await queryRows<{ id: string }>(
    db,
    sql`insert into members (workspace_id, external_id) values (${ws!.id}, 'u') returning id`,
  );
  const [a] = await queryRows<{ id: string }>(
    db,
    sql`insert into accounts (workspace_id, name, normalized_name) values (${ws!.id}, 'A', 'a') returning id`,
  );
  return { ws: ws!, m: m!, a: a! };
}

describe.each(DRIVERS)('migrations on %s', (driver) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('creates every table, the trigram extension and is a no-op the second time', async () => {
    const empty = await createEmptyDatabase(driver);
    const database = await openDatabase({ url: empty.url });
    cleanups.push(async () => {
      await database.close();
      await empty.drop();
    });
    expect(await migrationsApplied(database.db)).toBe(false);
    const first = await migrate(database.db);
    expect(first.applied.length).toBeGreaterThanOrEqual(2);
    expect(await migrationsApplied(database.db)).toBe(true);
    const second = await migrate(database.db);
    expect(second.applied).toEqual([]);

    const tables = await queryRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = tables.map((t) => t.table_name);
    for (const t of [
      'workspaces',
      'members',
      'accounts',
      'contacts',
      'deals',
      'deal_events',
      'followups',
      'inbox',
      'job_runs',
      'llm_calls',
      'outbound',
      'watched_channels',
    ]) {
      expect(names).toContain(t);
    }
    const sim = await queryRows<{ s: number }>(
      database.db,
      sql`select similarity('acme', 'acme corp') as s`,
    );
    expect(Number(sim[0]?.s)).toBeGreaterThan(0.3);
  });

  it('refuses UPDATE and DELETE on deal_events', async () => {
    const empty = await createEmptyDatabase(driver);
    const database = await openDatabase({ url: empty.url });
    cleanups.push(async () => {
      await database.close();
      await empty.drop();
    });
    await migrate(database.db);
    const db = database.db;
    const { ws, m, a } = await owner(db);
    const [d] = await queryRows<{ id: string }>(
      db,
      sql`insert into deals (workspace_id, account_id, owner_id, title, stage) values (${ws!.id}, ${a!.id}, ${m!.id}, 'A', 'prospecting') returning id`,
    );
    await db.execute(
      sql`insert into deal_events (workspace_id, deal_id, kind, diff, version) values (${ws!.id}, ${d!.id}, 'create', '{}'::jsonb, 1)`,
    );
    await expect(db.execute(sql`update deal_events set kind = 'x'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from deal_events`)).rejects.toThrow();
    const rows = await queryRows<{ kind: string }>(db, sql`select kind from deal_events`);
    expect(rows).toEqual([{ kind: 'create' }]);
  });

  it('fills reached_stages from the history already there when 0004 is applied', async () => {
    // The migrations as they were before 0004, in a folder of their own.
    const before = mkdtempSync(join(tmpdir(), 'pipebot-mig-'));
    cpSync(MIGRATIONS_DIR, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
      entries: { tag: string }[];
    };
    journal.entries = journal.entries.filter((e) => e.tag < '0004');
    writeFileSync(journalPath, JSON.stringify(journal));
    const empty = await createEmptyDatabase(driver);
    const database = await openDatabase({ url: empty.url });
    cleanups.push(async () => {
      await database.close();
      await empty.drop();
      rmSync(before, { recursive: true, force: true });
    });
    const db = database.db;
    await migrate(db, before);
    const { ws, m, a } = await owner(db);
    const deal = async (title: string) =>
      (
        await queryRows<{ id: string }>(
          db,
          sql`insert into deals (workspace_id, account_id, owner_id, title, stage)
              values (${ws!.id}, ${a!.id}, ${m!.id}, ${title}, 'proposal') returning id`,
        )
      )[0]!.id;
    const moved = await deal('moved');
    const quiet = await deal('quiet');
    const event = async (dealId: string, kind: string, to: string | null, reverts?: string) =>
      (
        await queryRows<{ id: string }>(
          db,
          sql`insert into deal_events (workspace_id, deal_id, kind, diff, to_stage, reverts_event_id, version)
              values (${ws!.id}, ${dealId}, ${kind}, '{}'::jsonb, ${to}, ${reverts ?? null}, 1) returning id`,
        )
      )[0]!.id;
    await event(moved, 'create', 'prospecting');
    await event(moved, 'update', 'proposal');
    await event(moved, 'update', null);
    const quote = await event(moved, 'update', 'quote');
    // The move to quote was taken back: the undo names it and moves back.
    await event(moved, 'undo', 'proposal', quote);
    await event(quiet, 'import', null);

    const second = await migrate(db);
    expect(second.applied.length).toBeGreaterThanOrEqual(1);
    const rows = await queryRows<{ title: string; reached_stages: string[] }>(
      db,
      sql`select title, reached_stages from deals order by title`,
    );
    expect(rows.map((r) => [r.title, [...r.reached_stages].sort()])).toEqual([
      ['moved', ['proposal', 'prospecting']],
      ['quiet', []],
    ]);
    // From here on the trigger keeps it: a new move is added, an undo of it removes it.
    const neg = await event(moved, 'update', 'negotiation');
    const [afterMove] = await queryRows<{ reached_stages: string[] }>(
      db,
      sql`select reached_stages from deals where id = ${moved}`,
    );
    expect([...afterMove!.reached_stages].sort()).toEqual([
      'negotiation',
      'proposal',
      'prospecting',
    ]);
    await event(moved, 'undo', 'proposal', neg);
    const [afterUndo] = await queryRows<{ reached_stages: string[] }>(
      db,
      sql`select reached_stages from deals where id = ${moved}`,
    );
    expect([...afterUndo!.reached_stages].sort()).toEqual(['proposal', 'prospecting']);
  });

  it.runIf(driver === 'postgres')(
    'lets several processes migrate the same database at once',
    async () => {
      const empty = await createEmptyDatabase(driver);
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase({ url: empty.url, max: 2 })),
      );
      cleanups.push(async () => {
        for (const o of opened) await o.close();
        await empty.drop();
      });
      const results = await Promise.all(opened.map((o) => migrate(o.db)));
      const appliedCounts = results.map((r) => r.applied.length).sort();
      // Exactly one of them applied everything; the others found nothing left to do.
      expect(appliedCounts.filter((n) => n > 0)).toHaveLength(1);
      expect(await migrationsApplied(opened[0]!.db)).toBe(true);
    },
  );
});

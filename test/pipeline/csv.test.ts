// Proves CSV import reports bad rows by line, imports good rows in one batched transaction (new and updated deals alike, in a bounded number of statements), re-imports without duplicates, and exports the same format a page at a time.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/connect.ts';
import { dealEvents, deals, followups } from '../../src/db/schema.ts';
import {
  type CsvDealRow,
  csvField,
  exportDeals,
  importDeals,
  isRowError,
  parseCsvRow,
  readHeader,
} from '../../src/pipeline/csv.ts';
import { DEFAULT_TEMPLATE } from '../../src/pipeline/stages.ts';
import {
  DRIVERS,
  openCountingDatabase,
  openTestDatabase,
  type TestDatabase,
} from '../helpers/db.ts';
import { makeMember, makeWorkspace } from '../helpers/fixtures.ts';

const HEADER =
  'account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at'.split(
    ',',
  );

function parseAll(lines: string[][]) {
  const h = readHeader(HEADER);
  if ('error' in h) throw new Error(h.error);
  return lines.map((l, i) => parseCsvRow(l, i + 2, h.index, DEFAULT_TEMPLATE, 'USD'));
}

describe('CSV rows', () => {
  it('accepts stage keys and English or Chinese names, and reports each bad row by line', () => {
    const results = parseAll([
      [
        'Acme Corp',
        '',
        'Alice',
        'quote',
        '50,000',
        'usd',
        '2026-12-31',
        'send contract',
        '2026-12-01',
        '2026-11-20T10:00:00Z',
        '2026-10-01',
      ],
      ['华为', '私有云', '李娜', '谈判', '500000', 'CNY', '', '', '', '', ''],
      ['Globex', '', '', 'Closed won', '1000', '', '', '', '', '', ''],
      ['', '', '', 'quote', '', '', '', '', '', '', ''],
      ['Initech', '', '', 'signed-ish', '', '', '', '', '', '', ''],
      ['Initech', '', '', '', '-5', '', '', '', '', '', ''],
      ['Initech', '', '', '', '', '', '2026-02-30', '', '', '', ''],
      ['Initech', '', '', '', '10', 'dollars', '', '', '', '', ''],
      ['Initech', '', '', '', '', '', '', '', '', 'yesterday', ''],
    ]);
    const good = results.filter((r): r is CsvDealRow => !isRowError(r));
    expect(good.map((g) => [g.account, g.stage, g.amount, g.currency, g.status])).toEqual([
      ['Acme Corp', 'quote', 50000, 'USD', 'open'],
      ['华为', 'negotiation', 500000, 'CNY', 'open'],
      ['Globex', 'closed_won', 1000, 'USD', 'won'],
    ]);
    expect(results.filter(isRowError).map((e) => [e.line, e.reason.split(' ')[0]])).toEqual([
      [5, 'account'],
      [6, 'unknown'],
      [7, 'amount'],
      [8, 'close_date'],
      [9, 'currency'],
      [10, 'last_activity_at'],
    ]);
  });

  it('quotes fields and neutralises spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
});

describe.each(DRIVERS)('CSV import on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports good rows with events and follow-ups, and a re-import updates instead of duplicating', async () => {
    const ws = await makeWorkspace(t.db);
    const admin = await makeMember(t.db, ws, 'admin', 'admin');
    const rows = parseAll([
      [
        'Acme Corp',
        '',
        'Alice',
        'quote',
        '50000',
        'USD',
        '2026-12-31',
        'send contract',
        '2026-12-01',
        '',
        '',
      ],
      ['ACME corp.', 'Expansion', 'Alice', 'prospecting', '', '', '', '', '', '', ''],
      ['Globex', '', 'Bob', 'Closed lost', '9000', '', '', '', '', '', ''],
    ]).filter((r): r is CsvDealRow => !isRowError(r));
    const now = new Date('2026-11-28T12:00:00Z');
    expect(await importDeals(t.db, ws, admin, rows, now)).toEqual({ created: 3, updated: 0 });
    const all = await t.db.select().from(deals).where(eq(deals.workspaceId, ws.id));
    expect(all).toHaveLength(3);
    // Both Acme rows land on one account.
    expect(new Set(all.filter((d) => d.title !== 'Globex').map((d) => d.accountId)).size).toBe(1);
    const events = await t.db.select().from(dealEvents).where(eq(dealEvents.workspaceId, ws.id));
    expect(events.map((e) => e.kind)).toEqual(['import', 'import', 'import']);
    const fus = await t.db.select().from(followups).where(eq(followups.workspaceId, ws.id));
    expect(fus.map((f) => [f.text, f.dueDate])).toEqual([['send contract', '2026-12-01']]);

    const again = parseAll([
      ['Acme Corp', '', 'Alice', 'negotiation', '55000', 'USD', '', '', '', '', ''],
    ]).filter((r): r is CsvDealRow => !isRowError(r));
    expect(await importDeals(t.db, ws, admin, again, now)).toEqual({ created: 0, updated: 1 });
    const exported = await exportDeals(t.db, ws);
    expect(exported.map((e) => [e.account, e.title, e.owner, e.stage, e.amount])).toEqual([
      ['Acme Corp', 'Acme Corp', 'Alice', 'negotiation', 55000],
      ['Acme Corp', 'Expansion', 'Alice', 'prospecting', null],
      ['Globex', 'Globex', 'Bob', 'closed_lost', 9000],
    ]);
  });

  it('imports 5,000 rows in one call', async () => {
    const ws = await makeWorkspace(t.db);
    const admin = await makeMember(t.db, ws, 'admin', 'admin');
    const lines = Array.from({ length: 5000 }, (_, i) => [
      `Company ${i}`,
      '',
      `Rep ${i % 7}`,
      'proposal',
      String(1000 + i),
      'EUR',
      '',
      '',
      '',
      '',
      '',
    ]);
    const rows = parseAll(lines).filter((r): r is CsvDealRow => !isRowError(r));
    expect(rows).toHaveLength(5000);
    const tuples = async () => {
      const [r] = await queryRows<{ n: number }>(
        t.db,
        sql`select reltuples::float8 as n from pg_class where relname = 'deals'`,
      );
      return Number(r?.n);
    };
    // The planner has not counted the deals yet (migrations created the table empty).
    expect(await tuples()).toBeLessThan(100);
    expect(await importDeals(t.db, ws, admin, rows, new Date())).toEqual({
      created: 5000,
      updated: 0,
    });
    // A large import refreshes the statistics, so the next lookups use the right indexes.
    expect(await tuples()).toBeGreaterThanOrEqual(5000);
    const exported = await exportDeals(t.db, ws);
    expect(exported).toHaveLength(5000);
    expect(new Set(exported.map((e) => e.owner)).size).toBe(7);
  });
});

describe.each(DRIVERS)('CSV import batching on %s', (driver) => {
  let c: Awaited<ReturnType<typeof openCountingDatabase>>;
  beforeAll(async () => {
    c = await openCountingDatabase(driver);
  });
  afterAll(async () => {
    await c?.close();
  });

  const line = (i: number, stage: string, amount: number) => [
    `Company ${i}`,
    '',
    `Rep ${i % 5}`,
    stage,
    String(amount),
    'USD',
    '',
    '',
    '',
    '',
    '',
  ];

  it('writes 5,000 new and then 5,000 updated deals in a bounded number of statements', async () => {
    const ws = await makeWorkspace(c.db);
    const admin = await makeMember(c.db, ws, 'admin', 'admin');
    const first = parseAll(
      Array.from({ length: 5000 }, (_, i) => line(i, 'proposal', 1000 + i)),
    ).filter((r): r is CsvDealRow => !isRowError(r));
    let before = c.statements();
    expect(await importDeals(c.db, ws, admin, first, new Date('2026-11-01T00:00:00Z'))).toEqual({
      created: 5000,
      updated: 0,
    });
    // Per 1,000 rows: one deals insert, one events insert (owners and accounts are looked up in chunks too).
    expect(c.statements() - before).toBeLessThan(40);

    // The same deals again, half of them won now, plus a duplicate line: the later line wins.
    const again = parseAll([
      ...Array.from({ length: 5000 }, (_, i) => line(i, i % 2 ? 'closed_won' : 'quote', 2000 + i)),
      line(7, 'negotiation', 7777),
    ]).filter((r): r is CsvDealRow => !isRowError(r));
    before = c.statements();
    const now = new Date('2026-11-20T00:00:00Z');
    expect(await importDeals(c.db, ws, admin, again, now)).toEqual({ created: 0, updated: 5000 });
    expect(c.statements() - before).toBeLessThan(40);

    const exported = await exportDeals(c.db, ws);
    expect(exported).toHaveLength(5000);
    const byAccount = new Map(exported.map((e) => [e.account, e]));
    expect(byAccount.get('Company 7')).toMatchObject({
      stage: 'negotiation',
      amount: 7777,
      status: 'open',
    });
    expect(byAccount.get('Company 3')).toMatchObject({
      stage: 'closed_won',
      amount: 2003,
      status: 'won',
    });
    const won = await c.db.select().from(deals).where(eq(deals.workspaceId, ws.id));
    const closed = won.filter((d) => d.status === 'won');
    expect(closed).toHaveLength(2499);
    // A deal closed by an import has a close time, so it counts in win rates.
    expect(closed.every((d) => d.closedAt?.toISOString() === now.toISOString())).toBe(true);
    const events = await c.db.select().from(dealEvents).where(eq(dealEvents.workspaceId, ws.id));
    expect(events).toHaveLength(10000);
    expect(
      events.filter((e) => e.fromStage === 'proposal' && e.toStage === 'closed_won'),
    ).toHaveLength(2499);
  });
});

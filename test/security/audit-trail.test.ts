// Proves every write to a deal has its audit event, across all write paths (messages, choices, edits, undo, follow-up and nudge buttons, CSV import, the demo seed): each deal's version equals its number of events.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Actor, Reply } from '../../src/assistant/types.ts';
import { seedDemo } from '../../src/cli/seed.ts';
import { loadConfig } from '../../src/config.ts';
import { queryRows } from '../../src/db/connect.ts';
import { silentLogger } from '../../src/log.ts';
import { type CsvDealRow, isRowError, parseCsvRow, readHeader } from '../../src/pipeline/csv.ts';
import { importDeals } from '../../src/pipeline/csv-import.ts';
import { DEFAULT_TEMPLATE } from '../../src/pipeline/stages.ts';
import { ensureMember, findWorkspace } from '../../src/pipeline/workspaces.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe.each(DRIVERS)('audit trail on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has one event per deal version after every kind of write', async () => {
    const now = new Date('2026-11-30T14:00:00Z');
    await seedDemo(t.db, { externalId: 'audit', locale: 'en' }, now);
    const app = createApp(loadConfig({ PIPEBOT_TIMEZONE: 'UTC' }), t, silentLogger, {
      now: () => now,
      chartRenderer: null,
    });
    const bob: Actor = {
      platform: 'console',
      workspace: { externalId: 'audit' },
      sender: { externalId: 'bob' },
      channel: 'console',
    };
    const dan: Actor = { ...bob, sender: { externalId: 'dan' } };
    let n = 0;
    const say = async (who: Actor, text: string) =>
      (
        await app.assistant.handleMessage({
          ...who,
          channel: 'console',
          messageId: `a${n++}`,
          text,
          sentAt: now,
        })
      ).replies;
    const payloads = (replies: Reply[]) =>
      replies.flatMap((r) =>
        r.kind === 'change'
          ? r.actions.map((a) => a.payload)
          : r.kind === 'choice'
            ? r.options.map((o) => o.payload)
            : [],
      );

    // Messages: an update, a new deal, an undo by button and by command.
    const first = await say(bob, 'Acme Corp moved to negotiation, 70k, follow up Monday');
    await say(bob, 'met Brightline Foods, they need SSO, 20k');
    const undo = payloads(first).find((p) => p.startsWith('undo:'));
    expect(undo).toBeDefined();
    await app.assistant.handleAction(bob, undo as string);
    await say(bob, 'Initech sent the quote');
    await say(bob, 'undo');
    // A choice: an ambiguous name, then the pick.
    const ambiguous = await say(dan, 'met Acme, 5k');
    const pick = payloads(ambiguous).find((p) => p.startsWith('pick:'));
    if (pick) await app.assistant.handleAction(dan, pick);
    // The edit form.
    const card = await say(bob, 'Vandelay Industries wants 12k');
    const edit = payloads(card).find((p) => p.startsWith('edit:'));
    const dealId = (edit as string).slice(5);
    const form = await app.assistant.editForm(bob, dealId);
    if (!('fields' in form)) throw new Error('no form');
    expect(
      (
        await app.assistant.submitEdit(bob, dealId, form.version, {
          amount: '13000',
          stage: 'proposal',
        })
      ).ok,
    ).toBe(true);
    // Follow-up and nudge buttons.
    const followups = await queryRows<{ id: string; deal_id: string }>(
      t.db,
      sql`select f.id, f.deal_id from followups f join members m on m.id = f.owner_id
          where m.external_id = 'bob' and f.status = 'open' limit 2`,
    );
    expect(followups.length).toBe(2);
    await app.assistant.handleAction(bob, `fu_done:${followups[0]!.id}`);
    await app.assistant.handleAction(bob, `fu_snooze:${followups[1]!.id}:3`);
    await app.assistant.handleAction(bob, `dn_push:${followups[1]!.deal_id}:14`);
    // CSV import: new deals and an update of an existing one.
    const ws = await findWorkspace(t.db, 'console', 'audit');
    if (!ws) throw new Error('no workspace');
    const importer = await ensureMember(t.db, ws, { externalId: 'alice' });
    const header = readHeader(
      'account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at'.split(
        ',',
      ),
    );
    if ('error' in header) throw new Error(header.error);
    const rows = [
      ['Acme Corp', 'Acme Corp', 'Bob Miller', 'negotiation', '75000', 'USD', '', '', '', '', ''],
      [
        'Northwind Traders',
        '',
        'Carol Diaz',
        'quote',
        '9000',
        'USD',
        '',
        'call',
        '2026-12-03',
        '',
        '',
      ],
    ].map((r, i) => parseCsvRow(r, i + 2, header.index, DEFAULT_TEMPLATE, 'USD'));
    await importDeals(
      t.db,
      ws,
      importer,
      rows.filter((r): r is CsvDealRow => !isRowError(r)),
      now,
    );

    const check = await queryRows<{
      deals: number;
      without: number;
      mismatched: number;
      events: number;
    }>(
      t.db,
      sql`select count(*)::int as deals,
                 count(*) filter (where e.n is null)::int as without,
                 count(*) filter (where e.n <> d.version or e.maxv <> d.version)::int as mismatched,
                 coalesce(sum(e.n), 0)::int as events
          from deals d
          left join (select deal_id, count(*) as n, max(version) as maxv from deal_events group by deal_id) e
            on e.deal_id = d.id`,
    );
    expect(check[0]).toMatchObject({ without: 0, mismatched: 0 });
    expect(check[0]!.deals).toBeGreaterThan(18);
    const kinds = await queryRows<{ kind: string }>(
      t.db,
      sql`select distinct kind from deal_events order by kind`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['create', 'update', 'undo', 'edit', 'followup', 'import']),
    );
  }, 60_000);
});

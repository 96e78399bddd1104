// Proves account resolution, applyUpdate (field by field, stage history, follow-ups, permissions, concurrency) and undo on both drivers.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, dealEvents, deals, followups } from '../../src/db/schema.ts';
import { resolveAccount } from '../../src/pipeline/accounts.ts';
import { type ApplyOutcome, applyUpdate } from '../../src/pipeline/deals.ts';
import { undoEvent } from '../../src/pipeline/undo.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember, makeWorkspace, upd } from '../helpers/fixtures.ts';

function applied(o: ApplyOutcome) {
  if (o.status !== 'applied') throw new Error(`expected applied, got ${o.status}`);
  return o;
}

describe.each(DRIVERS)('deals on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  const now = new Date('2026-11-25T14:00:00Z');

  it('creates a deal with only the mentioned fields and records the event', async () => {
    const ws = await makeWorkspace(t.db);
    const alice = await makeMember(t.db, ws, 'alice');
    const out = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: alice, now },
        upd({
          account: 'Acme Corp.',
          amount: 50000,
          currency: 'USD',
          needs: ['SSO'],
          nextStep: 'follow up',
          nextStepDue: '2026-11-27',
          contacts: [{ name: 'Jane Doe', title: 'CTO' }],
        }),
      ),
    );
    expect(out.created).toBe(true);
    expect(out.account.name).toBe('Acme Corp.');
    expect(out.deal).toMatchObject({
      stage: 'prospecting',
      status: 'open',
      amount: 50000,
      currency: 'USD',
      needs: ['SSO'],
      nextStep: 'follow up',
      nextStepDue: '2026-11-27',
      closeDate: null,
      ownerId: alice.id,
      version: 1,
    });
    expect(out.diff.amount).toEqual({ before: null, after: 50000 });
    expect(out.diff.contacts?.after).toEqual(['Jane Doe (CTO)']);
    expect(out.diff.closeDate).toBeUndefined();
    expect(out.event.kind).toBe('create');
    const fu = await t.db.select().from(followups).where(eq(followups.dealId, out.deal.id));
    expect(fu).toHaveLength(1);
    expect(fu[0]).toMatchObject({
      kind: 'next_step',
      text: 'follow up',
      dueDate: '2026-11-27',
      status: 'open',
    });
    const cs = await t.db.select().from(contacts).where(eq(contacts.accountId, out.account.id));
    expect(cs.map((c) => [c.name, c.title])).toEqual([['Jane Doe', 'CTO']]);
    expect(out.notes).toEqual([]);
  });

  it('matches spellings to one account and updates the same deal, writing only what changed', async () => {
    const ws = await makeWorkspace(t.db);
    const alice = await makeMember(t.db, ws, 'alice');
    const first = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: alice, now },
        upd({ account: 'Acme', amount: 50000, currency: 'USD' }),
      ),
    );
    expect(first.notes).toContainEqual({ kind: 'ask_next_step' });
    const later = new Date(now.getTime() + 3 * 86_400_000);
    const second = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: alice, now: later },
        upd({
          account: 'ACME, Inc.',
          stage: 'quote',
          amount: 50000,
          currency: 'USD',
          competitors: ['Globex'],
        }),
      ),
    );
    expect(second.created).toBe(false);
    expect(second.deal.id).toBe(first.deal.id);
    // status stays open, so it is not part of the diff.
    expect(Object.keys(second.diff).sort()).toEqual(['competitors', 'stage', 'stageEnteredAt']);
    expect(second.diff.stage).toEqual({ before: 'prospecting', after: 'quote' });
    expect(second.deal.stageEnteredAt.toISOString()).toBe(later.toISOString());
    expect(second.deal.version).toBe(2);
    expect(second.event).toMatchObject({ fromStage: 'prospecting', toStage: 'quote', version: 2 });
    const history = await t.db
      .select()
      .from(dealEvents)
      .where(eq(dealEvents.dealId, first.deal.id));
    expect(history.map((e) => [e.fromStage, e.toStage])).toEqual([
      [null, 'prospecting'],
      ['prospecting', 'quote'],
    ]);
  });

  it('resolves Chinese legal names to the short name and surfaces ambiguity instead of duplicating', async () => {
    const ws = await makeWorkspace(t.db, { currency: 'CNY' });
    const li = await makeMember(t.db, ws, 'li');
    const a = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: li, now },
        upd({ account: '华为', amount: 500000, currency: 'CNY' }),
      ),
    );
    const b = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: li, now },
        upd({ account: '华为技术有限公司', stage: 'proposal' }),
      ),
    );
    expect(b.deal.id).toBe(a.deal.id);
    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: li, now },
        upd({ account: 'Acme Industries', amount: 1 }),
      ),
    );
    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: li, now },
        upd({ account: 'Acme Logistics', amount: 2 }),
      ),
    );
    const r = await resolveAccount(t.db, ws.id, 'Acme');
    expect(r.kind).toBe('ambiguous');
    if (r.kind === 'ambiguous') {
      expect(r.candidates.map((c) => c.name).sort()).toEqual(['Acme Industries', 'Acme Logistics']);
    }
    const out = await applyUpdate(
      t.db,
      { workspace: ws, member: li, now },
      upd({ account: 'Acme', stage: 'quote' }),
    );
    expect(out.status).toBe('ambiguous_account');
    const typo = await resolveAccount(t.db, ws.id, 'Acme Industries Inc');
    expect(typo.kind).toBe('match');
    const other = await resolveAccount(t.db, ws.id, 'Initech');
    expect(other.kind).toBe('new');
    // Sharing a word is not being the same company; a near-spelling is worth asking about.
    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: li, now },
        upd({ account: 'Amber Media', amount: 3 }),
      ),
    );
    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: li, now },
        upd({ account: 'Beta Labs', amount: 3 }),
      ),
    );
    expect((await resolveAccount(t.db, ws.id, 'Amber Mining')).kind).toBe('new');
    expect((await resolveAccount(t.db, ws.id, 'Acme Labs')).kind).toBe('new');
    expect((await resolveAccount(t.db, ws.id, 'Amber Medai')).kind).not.toBe('new');
    expect((await resolveAccount(t.db, ws.id, 'Amber')).kind).toBe('ambiguous');
  });

  it('closing won creates an after-sales check-in; closing lost asks for a reason and cancels follow-ups', async () => {
    const ws = await makeWorkspace(t.db);
    const bob = await makeMember(t.db, ws, 'bob');
    const a = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: bob, now },
        upd({ account: 'Initech', nextStep: 'demo', nextStepDue: '2026-12-01' }),
      ),
    );
    const won = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: bob, now },
        upd({ account: 'Initech', stage: 'closed_won' }),
      ),
    );
    expect(won.deal.status).toBe('won');
    expect(won.deal.closedAt?.toISOString()).toBe(now.toISOString());
    expect(won.notes).toContainEqual({ kind: 'after_sales', dueDate: '2026-12-25' });
    const fus = await t.db.select().from(followups).where(eq(followups.dealId, a.deal.id));
    expect(fus.map((f) => [f.kind, f.status]).sort()).toEqual([
      ['after_sales', 'open'],
      ['next_step', 'cancelled'],
    ]);

    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: bob, now },
        upd({ account: 'Umbrella', nextStep: 'call', nextStepDue: '2026-12-02' }),
      ),
    );
    const lost = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: bob, now },
        upd({ account: 'Umbrella', stage: 'closed_lost' }),
      ),
    );
    expect(lost.notes).toContainEqual({ kind: 'ask_lost_reason' });
    const reason = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: bob, now },
        upd({ account: null, lostReason: 'went with Globex on price' }),
        {
          contextDealId: lost.deal.id,
        },
      ),
    );
    expect(reason.deal.lostReason).toBe('went with Globex on price');
    expect(reason.notes).not.toContainEqual({ kind: 'ask_lost_reason' });
  });

  it('drops invalid fields from an untrusted update and reports them', async () => {
    const ws = await makeWorkspace(t.db);
    const m = await makeMember(t.db, ws, 'carol');
    const out = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({
          account: 'Hooli',
          stage: 'hacked',
          amount: -5,
          closeDate: '2026-02-30',
          nextStepDue: 'tomorrow',
        }),
      ),
    );
    expect(out.deal).toMatchObject({
      stage: 'prospecting',
      amount: null,
      closeDate: null,
      nextStepDue: null,
    });
    expect(
      out.notes
        .filter((n) => n.kind === 'dropped')
        .map((n) => (n as { field: string }).field)
        .sort(),
    ).toEqual(['amount', 'closeDate', 'nextStepDue', 'stage']);
  });

  it('lets managers edit a teammate’s deal but not reps or guests', async () => {
    const ws = await makeWorkspace(t.db);
    const owner = await makeMember(t.db, ws, 'owner', 'admin');
    const rep = await makeMember(t.db, ws, 'rep2');
    const mgr = await makeMember(t.db, ws, 'mgr', 'manager');
    const guest = await makeMember(t.db, ws, 'guest', 'rep', { canWrite: false });
    const d = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: owner, now },
        upd({ account: 'Vandelay', amount: 10 }),
      ),
    );
    const byRep = await applyUpdate(
      t.db,
      { workspace: ws, member: rep, now },
      upd({ account: 'Vandelay', stage: 'quote' }),
    );
    expect(byRep.status).toBe('not_allowed');
    const byGuest = await applyUpdate(
      t.db,
      { workspace: ws, member: guest, now },
      upd({ account: 'Vandelay', stage: 'quote' }),
    );
    expect(byGuest).toEqual({ status: 'not_allowed', reason: 'read_only' });
    const byMgr = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: mgr, now },
        upd({ account: 'Vandelay', stage: 'quote' }),
      ),
    );
    expect(byMgr.deal.id).toBe(d.deal.id);
    expect(byMgr.event.actorId).toBe(mgr.id);
    // The rep may open their own deal at the same account when they ask for it.
    const own = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: rep, now },
        upd({ account: 'Vandelay', amount: 5 }),
        { newDeal: true },
      ),
    );
    expect(own.deal.id).not.toBe(d.deal.id);
    expect(own.deal.ownerId).toBe(rep.id);
  });

  it('never loses an update when two writers race on one deal', async () => {
    const ws = await makeWorkspace(t.db);
    const m = await makeMember(t.db, ws, 'dave');
    const base = applied(
      await applyUpdate(t.db, { workspace: ws, member: m, now }, upd({ account: 'Stark' })),
    );
    await Promise.all([
      applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Stark', needs: ['SSO'] }),
      ),
      applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Stark', competitors: ['Wayne'] }),
      ),
      applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Stark', amount: 70000, currency: 'USD' }),
      ),
    ]);
    const [row] = await t.db.select().from(deals).where(eq(deals.id, base.deal.id));
    expect(row).toMatchObject({
      needs: ['SSO'],
      competitors: ['Wayne'],
      amount: 70000,
      version: 4,
    });
    const events = await t.db.select().from(dealEvents).where(eq(dealEvents.dealId, base.deal.id));
    expect(events.map((e) => e.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it('reports a conflict for an edit made against an old version', async () => {
    const ws = await makeWorkspace(t.db);
    const m = await makeMember(t.db, ws, 'erin');
    const base = applied(
      await applyUpdate(t.db, { workspace: ws, member: m, now }, upd({ account: 'Wayne' })),
    );
    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Wayne', amount: 1 }),
      ),
    );
    const stale = await applyUpdate(
      t.db,
      { workspace: ws, member: m, now, kind: 'edit' },
      upd({ account: null, amount: 2 }),
      {
        dealId: base.deal.id,
        expectedVersion: 1,
      },
    );
    expect(stale.status).toBe('conflict');
  });

  it('creates one deal when the first two messages about an account arrive at once', async () => {
    const ws = await makeWorkspace(t.db);
    const m = await makeMember(t.db, ws, 'frank');
    const outs = await Promise.all(
      [1, 2, 3].map((i) =>
        applyUpdate(
          t.db,
          { workspace: ws, member: m, now },
          upd({ account: 'Cyberdyne', needs: [`n${i}`] }),
        ),
      ),
    );
    const ids = new Set(outs.map((o) => applied(o).deal.id));
    expect(ids.size).toBe(1);
    const rows = await t.db.select().from(deals).where(eq(deals.workspaceId, ws.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.needs.sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('undo restores the previous values and its follow-ups, is audited, and only once', async () => {
    const ws = await makeWorkspace(t.db);
    const m = await makeMember(t.db, ws, 'gina');
    const base = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({
          account: 'Soylent',
          amount: 10,
          currency: 'USD',
          nextStep: 'call',
          nextStepDue: '2026-11-30',
        }),
      ),
    );
    const change = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({
          account: 'Soylent',
          stage: 'quote',
          amount: 20,
          currency: 'USD',
          nextStep: 'send quote',
          nextStepDue: '2026-12-03',
          contacts: [{ name: 'Sam', title: null }],
        }),
      ),
    );
    // The trigger on deal_events keeps the stages the deal reached (the funnel reads them).
    const [moved] = await t.db.select().from(deals).where(eq(deals.id, base.deal.id));
    expect([...moved!.reachedStages].sort()).toEqual(['prospecting', 'quote']);
    const u = await undoEvent(t.db, { workspace: ws, member: m, now }, change.event.id);
    expect(u.status).toBe('undone');
    const [row] = await t.db.select().from(deals).where(eq(deals.id, base.deal.id));
    expect(row!.reachedStages).toEqual(['prospecting']);
    expect(row).toMatchObject({
      stage: 'prospecting',
      amount: 10,
      nextStep: 'call',
      nextStepDue: '2026-11-30',
      version: 3,
    });
    expect(row?.stageEnteredAt.toISOString()).toBe(base.deal.stageEnteredAt.toISOString());
    const open = await t.db
      .select()
      .from(followups)
      .where(and(eq(followups.dealId, base.deal.id), eq(followups.status, 'open')));
    expect(open.map((f) => f.text)).toEqual(['call']);
    expect(
      await t.db.select().from(contacts).where(eq(contacts.accountId, base.account.id)),
    ).toEqual([]);
    const again = await undoEvent(t.db, { workspace: ws, member: m, now }, change.event.id);
    expect(again.status).toBe('already_undone');
    const events = await t.db.select().from(dealEvents).where(eq(dealEvents.dealId, base.deal.id));
    expect(events.map((e) => e.kind).sort()).toEqual(['create', 'undo', 'update']);
  });

  it('undo of a creation hides the deal; undo skips fields changed since; other tenants cannot undo', async () => {
    const ws = await makeWorkspace(t.db);
    const other = await makeWorkspace(t.db);
    const m = await makeMember(t.db, ws, 'hank');
    const intruder = await makeMember(t.db, other, 'mallory', 'admin');
    const created = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Tyrell', amount: 5 }),
      ),
    );
    expect(
      (await undoEvent(t.db, { workspace: other, member: intruder, now }, created.event.id)).status,
    ).toBe('not_found');
    const u = await undoEvent(t.db, { workspace: ws, member: m, now }, created.event.id);
    expect(u.status).toBe('undone');
    const [row] = await t.db.select().from(deals).where(eq(deals.id, created.deal.id));
    expect(row?.status).toBe('void');

    const d = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Tyrell', amount: 5 }),
      ),
    );
    expect(d.deal.id).not.toBe(created.deal.id);
    const c1 = applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Tyrell', amount: 6, stage: 'proposal' }),
      ),
    );
    applied(
      await applyUpdate(
        t.db,
        { workspace: ws, member: m, now },
        upd({ account: 'Tyrell', amount: 7 }),
      ),
    );
    const partial = await undoEvent(t.db, { workspace: ws, member: m, now }, c1.event.id);
    expect(partial.status).toBe('undone');
    if (partial.status === 'undone') expect(partial.skipped).toContain('amount');
    const [after] = await t.db.select().from(deals).where(eq(deals.id, d.deal.id));
    expect(after).toMatchObject({ amount: 7, stage: 'prospecting' });
  });
});

// Reading a message while it is being stored (the assistant's guessAhead): used only when the store returns the rows and hints it was guessed with; otherwise the message is read again from what was stored.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import { HintCache } from '../../src/assistant/hintCache.ts';
import type { IncomingMessage } from '../../src/assistant/types.ts';
import { queryRows } from '../../src/db/connect.ts';
import { dealEvents, deals, members, workspaces } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { metrics } from '../../src/ops/metrics.ts';
import { applyUpdate, readAccountAhead } from '../../src/pipeline/deals.ts';
import type { ExtractContext, Extractor } from '../../src/understand/extraction.ts';
import { createOfflineExtractor } from '../../src/understand/offline/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember, makeWorkspace, upd } from '../helpers/fixtures.ts';

async function readAheadCount(outcome: 'used' | 'discarded'): Promise<number> {
  const { values } = await metrics.readAhead.get();
  return values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

describe.each(DRIVERS)('reading a message while it is stored, on %s', (driver) => {
  let t: TestDatabase;
  let bot: Assistant;
  let calls: { text: string; ctx: ExtractContext }[] = [];
  let seq = 0;
  // Tuesday 20:00 in UTC is already Wednesday 04:00 in Shanghai.
  const now = new Date('2026-11-24T20:00:00Z');

  /** The offline extractor (which runs here, so the bot reads ahead), recording each call. */
  function recording(): Extractor {
    const offline = createOfflineExtractor();
    return {
      name: 'recording',
      local: true,
      extract(text, ctx) {
        calls.push({ text, ctx });
        return offline.extract(text, ctx);
      },
    };
  }

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    bot = createAssistant({
      db: t.db,
      extractor: recording(),
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => now,
      hintCache: new HintCache({ clock: () => 0 }),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const msg = (team: string, text: string, rep = 'rep'): IncomingMessage => ({
    platform: 'slack',
    workspace: { externalId: team, name: team },
    sender: { externalId: `${team}-${rep}`, displayName: rep },
    channel: 'D1',
    messageId: `ra${++seq}`,
    text,
    sentAt: now,
  });

  async function dealOf(team: string, account: string) {
    const rows = await queryRows<{ id: string; amount: string | null; due: string | null }>(
      t.db,
      sql`select d.id, d.amount::text as amount, d.next_step_due::text as due
          from deals d join accounts a on a.id = d.account_id join workspaces w on w.id = d.workspace_id
          where w.external_id = ${team} and a.name = ${account}`,
    );
    expect(rows).toHaveLength(1);
    return rows[0] as { id: string; amount: string | null; due: string | null };
  }

  /** Send a message and say whether it was read ahead, and how often the extractor ran. */
  async function send(m: IncomingMessage) {
    const used = await readAheadCount('used');
    const discarded = await readAheadCount('discarded');
    calls = [];
    const r = await bot.handleMessage(m);
    return {
      r,
      extractions: calls,
      used: (await readAheadCount('used')) - used,
      discarded: (await readAheadCount('discarded')) - discarded,
    };
  }

  it('reads a known sender’s update while storing it, and applies it once', async () => {
    const first = await send(msg('RA1', 'met Acme Robotics, 50k, follow up Friday'));
    expect(first.r.status).toBe('processed');
    // Nothing held yet for this sender: read after the store, with the stored row's id.
    expect(first.used + first.discarded).toBe(0);
    expect(first.extractions.map((c) => c.ctx.inboxId)).toEqual([first.r.inboxId]);

    const second = await send(msg('RA1', 'Acme Robotics now 70k, follow up tomorrow'));
    expect(second.r.status).toBe('processed');
    expect(second.used).toBe(1);
    // One extraction, before the row existed; the same hints a fresh read would give.
    expect(second.extractions).toHaveLength(1);
    expect(second.extractions[0]?.ctx.inboxId).toBeUndefined();
    expect(second.extractions[0]?.ctx.knownAccounts).toEqual(['Acme Robotics']);
    expect(second.r.replies[0]?.kind).toBe('change');
    const d = await dealOf('RA1', 'Acme Robotics');
    expect(Number(d.amount)).toBe(70000);
    expect(d.due).toBe('2026-11-25');
    // Recorded against the stored message, once.
    const events = await t.db
      .select()
      .from(dealEvents)
      .where(eq(dealEvents.inboxId, second.r.inboxId));
    expect(events).toHaveLength(1);
  });

  it('reads the message again when its workspace changed in between (another replica set the timezone)', async () => {
    await send(msg('RA2', 'met Globex Labs, 20k'));
    await t.db
      .update(workspaces)
      .set({ timezone: 'Asia/Shanghai' })
      .where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'RA2')));
    const s = await send(msg('RA2', 'Globex Labs follow up tomorrow'));
    expect(s.discarded).toBe(1);
    expect(s.used).toBe(0);
    // The guess read it as UTC; the stored rows say Shanghai, where tomorrow is Thursday.
    expect(s.extractions.map((c) => c.ctx.timezone)).toEqual(['UTC', 'Asia/Shanghai']);
    expect(s.extractions[1]?.ctx.inboxId).toBe(s.r.inboxId);
    expect((await dealOf('RA2', 'Globex Labs')).due).toBe('2026-11-26');
  });

  it('takes rights from the stored member row: a rep made read-only in between changes nothing', async () => {
    await send(msg('RA3', 'met Initech Systems, 30k'));
    await t.db.update(members).set({ canWrite: false }).where(eq(members.externalId, 'RA3-rep'));
    const s = await send(msg('RA3', 'Initech Systems now 90k'));
    expect(s.discarded).toBe(1);
    expect(s.r.replies.some((x) => x.kind === 'change')).toBe(false);
    expect(Number((await dealOf('RA3', 'Initech Systems')).amount)).toBe(30000);
  });

  it('applies a platform retry once, dropping what was read ahead for it', async () => {
    await send(msg('RA4', 'met Hooli Cloud, 40k'));
    const m = msg('RA4', 'Hooli Cloud now 45k');
    const once = await send(m);
    const again = await send(m);
    expect(once.used).toBe(1);
    expect(again.r.duplicate).toBe(true);
    expect(again.r.replies).toEqual([]);
    expect(again.used).toBe(0);
    const d = await dealOf('RA4', 'Hooli Cloud');
    const events = await t.db.select().from(dealEvents).where(eq(dealEvents.dealId, d.id));
    expect(events).toHaveLength(2);
  });

  it('does not read a command ahead', async () => {
    await send(msg('RA5', 'met Umbrella Health, 10k'));
    const s = await send(msg('RA5', 'help'));
    expect(s.used + s.discarded).toBe(0);
    expect(s.extractions).toHaveLength(0);
  });

  it('never reads ahead with another workspace’s rows or hints', async () => {
    await send(msg('RA6', 'met Wonka Foods, 10k'));
    await send(msg('RA7', 'met Oceanic Air, 10k'));
    const s = await send(msg('RA7', 'Wonka Foods now 99k'));
    expect(s.extractions[0]?.ctx.knownAccounts).toEqual(['Oceanic Air']);
    expect(Number((await dealOf('RA6', 'Wonka Foods')).amount)).toBe(10000);
  });

  it('reads the deal again when it changed after the read ahead (the version guards the write)', async () => {
    const ws = await makeWorkspace(t.db);
    const rep = await makeMember(t.db, ws, 'ahead');
    const ctx = { workspace: ws, member: rep, now };
    await applyUpdate(t.db, ctx, upd({ account: 'Vandelay Industries', amount: 1000 }));
    const ahead = readAccountAhead(t.db, ws.id, 'Vandelay Industries', rep);
    expect(ahead).not.toBeNull();
    await ahead?.target;
    // Someone else's write lands after the read: the read's version is now stale.
    await applyUpdate(t.db, ctx, upd({ account: 'Vandelay Industries', amount: 2000 }));
    const out = await applyUpdate(
      t.db,
      ctx,
      upd({ account: 'Vandelay Industries', amount: 3000 }),
      ahead ? { ahead } : {},
    );
    expect(out.status).toBe('applied');
    const [row] = await t.db.select().from(deals).where(eq(deals.workspaceId, ws.id));
    expect(row?.amount).toBe(3000);
    expect(row?.version).toBe(3);
  });

  it('uses a read ahead only for the member it was read for', async () => {
    const ws = await makeWorkspace(t.db);
    const owner = await makeMember(t.db, ws, 'owner');
    const other = await makeMember(t.db, ws, 'other');
    await applyUpdate(
      t.db,
      { workspace: ws, member: owner, now },
      upd({ account: 'Stark Tools', amount: 500 }),
    );
    const ahead = readAccountAhead(t.db, ws.id, 'Stark Tools', owner);
    const out = await applyUpdate(
      t.db,
      { workspace: ws, member: other, now },
      upd({ account: 'Stark Tools', amount: 900 }),
      ahead ? { ahead } : {},
    );
    // The other rep may not edit the owner's deal: never through a read made for the owner.
    const owned = await t.db
      .select()
      .from(deals)
      .where(and(eq(deals.workspaceId, ws.id), eq(deals.ownerId, owner.id)));
    expect(owned.map((d) => d.amount)).toEqual([500]);
    expect(out.status === 'applied' ? out.deal.ownerId : other.id).toBe(other.id);
  });
});

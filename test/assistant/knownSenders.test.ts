// Storing a message from a sender stored lately with a plain insert (KnownSenders): used only while the held member row needs no update and for at most its lifetime, never for a read-only sender; each tenant's rows stay its own, a repeated delivery is still stored once, and a deleted workspace falls back to the usual store.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import { KnownSenders } from '../../src/assistant/knownSenders.ts';
import type { IncomingMessage } from '../../src/assistant/types.ts';
import { queryRows } from '../../src/db/connect.ts';
import { type Member, workspaces } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { createOfflineExtractor } from '../../src/understand/offline/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';

let seq = 0;
const msg = (
  team: string,
  sender: Partial<IncomingMessage['sender']> = {},
  messageId = `ks${++seq}`,
): IncomingMessage => ({
  platform: 'slack',
  workspace: { externalId: team, name: team },
  sender: { externalId: 'U1', displayName: 'Ann', ...sender },
  channel: `D-${team}`,
  messageId,
  text: 'met Acme, they need SSO',
  sentAt: new Date('2026-12-01T10:00:00Z'),
});

describe('KnownSenders', () => {
  const member = {
    id: 'm1',
    workspaceId: 'w1',
    externalId: 'U1',
    displayName: 'Ann',
    timezone: null,
    canWrite: true,
    role: 'rep',
  } as Member;

  it('holds the ids for the same platform, workspace and user only, until they expire', () => {
    const known = new KnownSenders(1_000);
    known.remember(msg('T1'), { workspaceId: 'w1', member }, 0);
    expect(known.lookup(msg('T1'), 999)).toMatchObject({ workspaceId: 'w1', member });
    expect(known.lookup(msg('T2'), 10)).toBeUndefined();
    expect(known.lookup(msg('T1', { externalId: 'U2' }), 10)).toBeUndefined();
    expect(known.lookup({ ...msg('T1'), platform: 'discord' }, 10)).toBeUndefined();
    expect(known.lookup(msg('T1'), 1_000)).toBeUndefined();
    expect(known.size).toBe(0);
  });

  it('is not used when the store would have to update the member, or for a read-only sender', () => {
    const known = new KnownSenders();
    known.remember(msg('T1'), { workspaceId: 'w1', member }, 0);
    expect(known.lookup(msg('T1', { displayName: 'Ann B.' }), 1)).toBeUndefined();
    expect(known.lookup(msg('T1', { timezone: 'Asia/Shanghai' }), 1)).toBeUndefined();
    expect(known.lookup(msg('T1', { isAdmin: true }), 1)).toBeUndefined();
    expect(known.lookup(msg('T1', { canWrite: false }), 1)).toBeUndefined();
    // What the platform leaves out is not a change.
    expect(known.lookup(msg('T1', { displayName: undefined }), 1)).toBeDefined();
    // A read-only member row with a read-only sender still takes the usual path.
    const readOnly = { ...member, canWrite: false };
    known.remember(msg('T1'), { workspaceId: 'w1', member: readOnly }, 0);
    expect(known.lookup(msg('T1', { canWrite: false }), 1)).toBeUndefined();
  });

  it('keeps at most `max` senders, dropping the least recently stored', () => {
    const known = new KnownSenders(60_000, 2);
    known.remember(msg('T1'), { workspaceId: 'w1', member }, 0);
    known.remember(msg('T2'), { workspaceId: 'w2', member }, 0);
    known.remember(msg('T1'), { workspaceId: 'w1', member }, 1);
    known.remember(msg('T3'), { workspaceId: 'w3', member }, 2);
    expect(known.size).toBe(2);
    expect(known.lookup(msg('T2'), 3)).toBeUndefined();
    expect(known.lookup(msg('T1'), 3)?.workspaceId).toBe('w1');
    expect(known.lookup(msg('T3'), 3)?.workspaceId).toBe('w3');
    known.forget(msg('T3'));
    expect(known.lookup(msg('T3'), 3)).toBeUndefined();
  });
});

describe.each(DRIVERS)('storing a known sender’s message, on %s', (driver) => {
  let t: TestDatabase;
  let bot: Assistant;
  let clock = new Date('2026-12-01T10:00:00Z');
  const sent: string[] = [];
  let capturing = false;

  beforeAll(async () => {
    t = await openTestDatabase(driver, {
      queryLogger: {
        logQuery(query: string) {
          if (capturing) sent.push(query.replace(/\s+/g, ' ').trim());
        },
      },
    });
    bot = createAssistant({
      db: t.db,
      extractor: createOfflineExtractor(),
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Receive a message and say which statements stored it. */
  async function receive(m: IncomingMessage) {
    sent.length = 0;
    capturing = true;
    try {
      const r = await bot.receive(m);
      return { ...r, statements: [...sent] };
    } finally {
      capturing = false;
    }
  }
  const usual = (s: string[]) => s.some((q) => q.includes('insert into workspaces'));
  const plain = (s: string[]) =>
    s.length === 1 && s[0]?.startsWith('insert into inbox') === true && !usual(s);

  async function stored(inboxId: string) {
    const [row] = await queryRows<{ ws: string; team: string; member: string; user: string }>(
      t.db,
      sql`select i.workspace_id as ws, w.external_id as team, m.workspace_id as member, m.external_id as user
          from inbox i join workspaces w on w.id = i.workspace_id join members m on m.id = i.member_id
          where i.id = ${inboxId}::uuid`,
    );
    return row;
  }

  it('stores the second message with one insert, under the same tenant’s rows', async () => {
    const first = await receive(msg('KA'));
    expect(usual(first.statements)).toBe(true);
    const second = await receive(msg('KA'));
    expect(plain(second.statements)).toBe(true);
    expect(second.duplicate).toBe(false);
    expect(second.status).toBe('received');
    const a = await stored(first.inboxId);
    const b = await stored(second.inboxId);
    expect(b).toEqual(a);
    expect(b).toMatchObject({ team: 'KA', user: 'U1' });
    expect(b?.member).toBe(b?.ws);
  });

  it('keeps two workspaces apart when their users share an id', async () => {
    await receive(msg('KB'));
    await receive(msg('KC'));
    const inB = await receive(msg('KB'));
    const inC = await receive(msg('KC'));
    expect(plain(inB.statements) && plain(inC.statements)).toBe(true);
    const b = await stored(inB.inboxId);
    const c = await stored(inC.inboxId);
    expect(b).toMatchObject({ team: 'KB', user: 'U1' });
    expect(c).toMatchObject({ team: 'KC', user: 'U1' });
    expect(b?.ws).not.toBe(c?.ws);
    expect(b?.member).toBe(b?.ws);
    expect(c?.member).toBe(c?.ws);
  });

  it('stores a repeated delivery once', async () => {
    await receive(msg('KD'));
    const m = msg('KD');
    const first = await receive(m);
    const again = await receive(m);
    expect(plain(first.statements)).toBe(true);
    expect(again).toMatchObject({ inboxId: first.inboxId, duplicate: true });
    const [{ n }] = (await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from inbox where message_id = ${m.messageId}`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('takes the usual path when the member changed on the platform, and writes the change', async () => {
    await receive(msg('KE'));
    const renamed = await receive(msg('KE', { displayName: 'Ann Lee', timezone: 'Asia/Shanghai' }));
    expect(usual(renamed.statements)).toBe(true);
    const [m] = await queryRows<{ name: string; tz: string | null }>(
      t.db,
      sql`select m.display_name as name, m.timezone as tz from inbox i join members m on m.id = i.member_id
          where i.id = ${renamed.inboxId}::uuid`,
    );
    expect(m).toEqual({ name: 'Ann Lee', tz: 'Asia/Shanghai' });
    // Held as now written, the next message is plain again.
    const next = await receive(msg('KE', { displayName: 'Ann Lee', timezone: 'Asia/Shanghai' }));
    expect(plain(next.statements)).toBe(true);
  });

  it('takes the usual path for a sender who may not write, and records that', async () => {
    await receive(msg('KF'));
    const guest = await receive(msg('KF', { canWrite: false }));
    expect(usual(guest.statements)).toBe(true);
    const again = await receive(msg('KF', { canWrite: false }));
    expect(usual(again.statements)).toBe(true);
    const [m] = await queryRows<{ can: boolean }>(
      t.db,
      sql`select m.can_write as can from inbox i join members m on m.id = i.member_id
          where i.id = ${again.inboxId}::uuid`,
    );
    expect(m?.can).toBe(false);
  });

  it('reads the rows again once its entry has expired', async () => {
    await receive(msg('KG'));
    expect(plain((await receive(msg('KG'))).statements)).toBe(true);
    clock = new Date(clock.getTime() + 31_000);
    expect(usual((await receive(msg('KG'))).statements)).toBe(true);
    expect(plain((await receive(msg('KG'))).statements)).toBe(true);
  });

  it('stores the usual way when the workspace was deleted meanwhile', async () => {
    const first = await receive(msg('KH'));
    const before = await stored(first.inboxId);
    await t.db.delete(workspaces).where(eq(workspaces.externalId, 'KH'));
    const after = await receive(msg('KH'));
    expect(after.duplicate).toBe(false);
    expect(usual(after.statements)).toBe(true);
    const row = await stored(after.inboxId);
    expect(row).toMatchObject({ team: 'KH', user: 'U1' });
    expect(row?.ws).not.toBe(before?.ws);
    expect(plain((await receive(msg('KH'))).statements)).toBe(true);
  });
});

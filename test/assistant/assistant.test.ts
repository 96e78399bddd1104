// Proves the conversation core end to end on both drivers: inbox first and idempotent, change previews with undo/edit, choices, thread context, commands, failures and forged payloads.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import type { Actor, IncomingMessage, Reply } from '../../src/assistant/types.ts';
import { dealEvents, deals, inbox } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/log.ts';
import type { Extraction, Extractor } from '../../src/understand/extraction.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { upd } from '../helpers/fixtures.ts';

/** A scripted extractor: the assistant's behaviour, not extraction quality, is under test here. */
function scripted(table: Record<string, Extraction | Error>): Extractor & { calls: number } {
  const ex = {
    name: 'scripted',
    calls: 0,
    async extract(text: string) {
      ex.calls++;
      const r = table[text];
      if (r instanceof Error) throw r;
      return {
        extraction: r ?? { intent: 'other' as const, updates: [] },
        source: 'offline' as const,
      };
    },
  };
  return ex;
}

const makeScript = (): Record<string, Extraction | Error> => ({
  'met Acme, they need SSO, 50k, follow up Friday': {
    intent: 'update',
    updates: [
      upd({
        account: 'Acme',
        stage: 'needs_analysis',
        amount: 50000,
        currency: 'USD',
        needs: ['SSO'],
        nextStep: 'follow up',
        nextStepDue: '2026-11-27',
      }),
    ],
  },
  'acme sent the quote': { intent: 'update', updates: [upd({ account: 'Acme', stage: 'quote' })] },
  'they want 60k now': {
    intent: 'update',
    updates: [upd({ account: null, amount: 60000, currency: 'USD' })],
  },
  'Globex Industries 10k': {
    intent: 'update',
    updates: [upd({ account: 'Globex Industries', amount: 10000, currency: 'USD' })],
  },
  'Globex Logistics 20k': {
    intent: 'update',
    updates: [upd({ account: 'Globex Logistics', amount: 20000, currency: 'USD' })],
  },
  'Globex signed, and Initech demo done': {
    intent: 'update',
    updates: [
      upd({ account: 'Globex', stage: 'closed_won' }),
      upd({ account: 'Initech', stage: 'proposal' }),
    ],
  },
  '拜访了华为,需要私有化部署,预算50万': {
    intent: 'update',
    updates: [
      upd({
        account: '华为',
        stage: 'needs_analysis',
        amount: 500000,
        currency: 'CNY',
        needs: ['私有化部署'],
      }),
    ],
  },
  'what is in negotiation?': { intent: 'question', updates: [] },
  'Umbrella moved to quote; Flaky signed up for a demo': {
    intent: 'update',
    updates: [
      upd({ account: 'Umbrella', stage: 'quote' }),
      upd({ account: 'Flaky', stage: 'proposal' }),
    ],
  },
  boom: new Error('extractor exploded'),
});

const now = new Date('2026-11-25T15:00:00Z');

describe.each(DRIVERS)('assistant on %s', (driver) => {
  let t: TestDatabase;
  let bot: Assistant;
  let extractor: ReturnType<typeof scripted>;
  let seq = 0;
  const SCRIPT = makeScript();
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    extractor = scripted(SCRIPT);
    bot = createAssistant({
      db: t.db,
      extractor,
      defaults: { timezone: 'America/New_York', locale: 'en', currency: 'USD' },
      logger: silentLogger,
      now: () => now,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const team = (id: string) => ({ externalId: id, name: id });
  function msg(
    teamId: string,
    user: string,
    text: string,
    extra: Partial<IncomingMessage> = {},
  ): IncomingMessage {
    seq++;
    return {
      platform: 'slack',
      workspace: team(teamId),
      sender: { externalId: user, displayName: user },
      channel: 'D1',
      messageId: `m${seq}`,
      text,
      sentAt: now,
      ...extra,
    };
  }
  const actor = (teamId: string, user: string): Actor => ({
    platform: 'slack',
    workspace: team(teamId),
    sender: { externalId: user, displayName: user },
  });
  const kinds = (rs: Reply[]) => rs.map((r) => r.kind);

  it('turns an update into a deal and answers with a change preview offering undo and edit', async () => {
    const r = await bot.handleMessage(
      msg('T1', 'alice', 'met Acme, they need SSO, 50k, follow up Friday'),
    );
    expect(r.duplicate).toBe(false);
    expect(r.status).toBe('processed');
    const change = r.replies[0];
    if (change?.kind !== 'change') throw new Error('expected a change reply');
    expect(change.title).toBe('New deal: Acme');
    expect(change.rows.map((row) => [row.label, row.before, row.after])).toEqual([
      ['Stage', null, 'Needs analysis'],
      ['Amount', null, '$50,000'],
      ['Next step', null, 'follow up'],
      ['Next step due', null, 'Fri, Nov 27'],
      ['Needs', null, 'SSO'],
    ]);
    expect(change.actions.map((a) => a.label)).toEqual(['Undo', 'Edit']);
    expect(change.actions.every((a) => a.payload.length <= 100)).toBe(true);
  });

  it('stores a message delivered three times at once only once, and answers once', async () => {
    const m = msg('T1', 'alice', 'acme sent the quote');
    const before = extractor.calls;
    const results = await Promise.all([
      bot.handleMessage(m),
      bot.handleMessage(m),
      bot.handleMessage(m),
    ]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.flatMap((r) => r.replies).filter((r) => r.kind === 'change')).toHaveLength(1);
    expect(extractor.calls - before).toBe(1);
    const rows = await t.db.select().from(inbox).where(eq(inbox.messageId, m.messageId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('processed');
  });

  it('applies a thread reply to the deal of the parent message without naming the account', async () => {
    const parent = msg('T1', 'alice', 'acme sent the quote');
    await bot.handleMessage(parent);
    const r = await bot.handleMessage(
      msg('T1', 'alice', 'they want 60k now', { replyTo: parent.messageId }),
    );
    const change = r.replies[0];
    expect(change?.kind).toBe('change');
    if (change?.kind === 'change') {
      expect(change.account).toBe('Acme');
      expect(change.rows).toEqual([
        { field: 'amount', label: 'Amount', before: '$50,000', after: '$60,000' },
      ]);
    }
    const lone = await bot.handleMessage(msg('T1', 'alice', 'they want 60k now'));
    expect(lone.replies[0]).toMatchObject({
      kind: 'text',
      text: expect.stringContaining('Which account'),
    });
  });

  it('undo via the button restores the deal; a second click says it is already undone', async () => {
    const r = await bot.handleMessage(
      msg('T2', 'bob', 'met Acme, they need SSO, 50k, follow up Friday'),
    );
    const r2 = await bot.handleMessage(msg('T2', 'bob', 'acme sent the quote'));
    const change = r2.replies[0];
    if (change?.kind !== 'change') throw new Error('expected change');
    const undo = change.actions.find((a) => a.label === 'Undo')!;
    const first = await bot.handleAction(actor('T2', 'bob'), undo.payload);
    expect(first.replies[0]).toMatchObject({
      kind: 'text',
      text: 'Undone: Acme is back to how it was.',
    });
    expect(first.changed).toBe(true);
    const [deal] = await t.db.select().from(deals).where(eq(deals.id, change.dealId));
    expect(deal?.stage).toBe('needs_analysis');
    const second = await bot.handleAction(actor('T2', 'bob'), undo.payload);
    expect(second.replies[0]).toMatchObject({ text: 'That change was already undone.' });
    expect(r.replies[0]?.kind).toBe('change');
  });

  it('refuses forged payloads: another workspace’s event, a teammate’s deal, garbage', async () => {
    const r = await bot.handleMessage(
      msg('T3', 'carol', 'met Acme, they need SSO, 50k, follow up Friday'),
    );
    const change = r.replies[0];
    if (change?.kind !== 'change') throw new Error('expected change');
    const undo = change.actions[0]!.payload;
    const edit = change.actions[1]!.payload;
    const other = await bot.handleAction(actor('T4', 'mallory'), undo);
    expect(other.replies[0]).toMatchObject({ text: 'I can’t find that deal.' });
    const teammate = await bot.handleAction(actor('T3', 'dan'), undo);
    expect(teammate.replies[0]).toMatchObject({
      text: expect.stringContaining('only its owner or a manager'),
    });
    const teammateEdit = await bot.handleAction(actor('T3', 'dan'), edit);
    expect(teammateEdit.form).toBeUndefined();
    for (const junk of ['undo:1 or 1=1', 'pick:x', '', `edit:${'a'.repeat(200)}`]) {
      const res = await bot.handleAction(actor('T3', 'carol'), junk);
      expect(res.replies[0]).toMatchObject({ text: 'That button is no longer valid.' });
    }
    const [deal] = await t.db.select().from(deals).where(eq(deals.id, change.dealId));
    expect(deal?.version).toBe(1);
  });

  it('asks which account when a name is ambiguous and continues the message after the choice, once', async () => {
    await bot.handleMessage(msg('T5', 'erin', 'Globex Industries 10k'));
    await bot.handleMessage(msg('T5', 'erin', 'Globex Logistics 20k'));
    const r = await bot.handleMessage(msg('T5', 'erin', 'Globex signed, and Initech demo done'));
    expect(r.status).toBe('needs_input');
    const choice = r.replies[0];
    if (choice?.kind !== 'choice') throw new Error('expected a choice');
    expect(choice.options.map((o) => o.label)).toEqual([
      'Globex Industries',
      'Globex Logistics',
      'New account “Globex”',
    ]);
    const logistics = choice.options[1]!.payload;
    const [first, second] = await Promise.all([
      bot.handleAction(actor('T5', 'erin'), logistics),
      bot.handleAction(actor('T5', 'erin'), logistics),
    ]);
    const winners = [first, second].filter((x) => x.replies.some((rep) => rep.kind === 'change'));
    expect(winners).toHaveLength(1);
    const applied = winners[0]!.replies.filter((rep) => rep.kind === 'change');
    expect(applied.map((c) => (c.kind === 'change' ? [c.account, c.stage] : null))).toEqual([
      ['Globex Logistics', 'Closed won'],
      ['Initech', 'Proposal'],
    ]);
    const [row] = await t.db.select().from(inbox).where(eq(inbox.id, r.inboxId));
    expect(row?.status).toBe('processed');
    const late = await bot.handleAction(actor('T5', 'erin'), choice.options[0]!.payload);
    expect(late.replies[0]).toMatchObject({ text: 'That choice is no longer open.' });
  });

  it('answers in Chinese to a Chinese message and formats yuan', async () => {
    const r = await bot.handleMessage(msg('T6', 'li', '拜访了华为,需要私有化部署,预算50万'));
    const c = r.replies[0];
    if (c?.kind !== 'change') throw new Error('expected change');
    expect(c.locale).toBe('zh-CN');
    expect(c.title).toBe('新建商机:华为');
    expect(c.rows.find((row) => row.field === 'amount')?.after).toBe('¥500,000');
    expect(c.rows.find((row) => row.field === 'stage')?.after).toBe('需求分析');
    expect(c.notes).toContain('下一步是什么?计划什么时候完成?');
    expect(c.actions.map((a) => a.label)).toEqual(['撤销', '编辑']);
  });

  it('keeps a message whose processing fails, says so, and processes it on retry', async () => {
    const m = msg('T7', 'frank', 'boom');
    const r = await bot.handleMessage(m);
    expect(r.status).toBe('failed');
    expect(r.replies[0]).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('kept and will be retried'),
    });
    const [row] = await t.db.select().from(inbox).where(eq(inbox.id, r.inboxId));
    expect(row).toMatchObject({ status: 'failed', error: 'extractor exploded', text: 'boom' });
    SCRIPT.boom = {
      intent: 'update',
      updates: [upd({ account: 'Hooli', amount: 5, currency: 'USD' })],
    };
    const retried = await bot.retryFailed(null);
    const mine = retried.find((x) => x.row.id === r.inboxId);
    expect(mine?.result.status).toBe('processed');
    expect(mine?.result.replies[0]?.kind).toBe('change');
  });

  it('recovers messages stored but never processed (a crash between store and process)', async () => {
    const m = msg('T8', 'gina', 'met Acme, they need SSO, 50k, follow up Friday');
    const stored = await bot.receive(m);
    expect(stored.duplicate).toBe(false);
    const again = await bot.receive(m);
    expect(again.duplicate).toBe(true);
    const recovered = await bot.recover();
    const mine = recovered.find((x) => x.row.id === stored.inboxId);
    expect(mine?.result.claimed).toBe(true);
    expect(kinds(mine?.result.replies ?? [])).toEqual(['change']);
    const second = await bot.recover();
    expect(second.find((x) => x.row.id === stored.inboxId)).toBeUndefined();
  });

  it('resumes a message after a failure between its updates without applying the first one twice', async () => {
    await bot.handleMessage(
      msg('T11', 'ivy', 'Umbrella moved to quote; Flaky signed up for a demo'),
    );
    // That first delivery created both deals; now inject a database fault for the second deal's writes.
    await t.db.execute(sql`create or replace function pipebot_test_fail_flaky() returns trigger as $$
      begin if new.title = 'Flaky' then raise exception 'injected fault'; end if; return new; end $$ language plpgsql`);
    await t.db.execute(
      sql`create trigger pipebot_test_fail before update on deals for each row execute function pipebot_test_fail_flaky()`,
    );
    const m = msg('T11', 'ivy', 'Umbrella moved to quote; Flaky signed up for a demo');
    SCRIPT[m.text] = {
      intent: 'update',
      updates: [
        upd({ account: 'Umbrella', amount: 70000, currency: 'USD' }),
        upd({ account: 'Flaky', amount: 5000, currency: 'USD' }),
      ],
    };
    const first = await bot.handleMessage(m);
    expect(first.status).toBe('failed');
    const [stuck] = await t.db.select().from(inbox).where(eq(inbox.id, first.inboxId));
    expect(stuck?.pending).toMatchObject({ index: 1 });
    await t.db.execute(sql`drop trigger pipebot_test_fail on deals`);
    const retried = await bot.retryFailed(null);
    const mine = retried.find((x) => x.row.id === first.inboxId);
    expect(mine?.result.status).toBe('processed');
    const changes = (mine?.result.replies ?? []).filter((r) => r.kind === 'change');
    expect(changes.map((c) => (c.kind === 'change' ? c.account : ''))).toEqual([
      'Umbrella',
      'Flaky',
    ]);
    const events = await t.db
      .select()
      .from(dealEvents)
      .where(eq(dealEvents.inboxId, first.inboxId));
    expect(events.map((e) => e.kind).sort()).toEqual(['update', 'update']);
  });

  it('answers questions with what it can do, and runs commands', async () => {
    const q = await bot.handleMessage(msg('T1', 'alice', 'what is in negotiation?'));
    expect(kinds(q.replies)).toEqual(['help']);
    const help = await bot.runCommand(actor('T1', 'alice'), 'help');
    expect(kinds(help)).toEqual(['help']);
    const pipeline = await bot.handleMessage(msg('T1', 'alice', 'pipeline'));
    const p = pipeline.replies[0];
    if (p?.kind !== 'pipeline') throw new Error('expected pipeline');
    expect(p.rows).toEqual([
      { stage: 'Quote', count: 1, totals: ['$60,000'], weighted: ['$36,000'] },
    ]);
    const deal = await bot.runCommand(actor('T1', 'alice'), 'deal acme');
    const card = deal[0];
    if (card?.kind !== 'deal') throw new Error('expected deal card');
    expect(card.card.stage).toBe('Quote');
    expect(card.card.fields.find((f) => f.label === 'Amount')?.value).toBe('$60,000');
    expect(card.card.history.length).toBeGreaterThanOrEqual(3);
    const fu = await bot.runCommand(actor('T1', 'alice'), 'followups');
    expect(fu[0]).toMatchObject({
      kind: 'list',
      items: [{ text: 'Acme: follow up', detail: 'due Fri, Nov 27' }],
    });
  });

  it('lets admins change settings and roles, and refuses reps', async () => {
    await bot.handleMessage(msg('T9', 'admin1', 'hello'));
    await bot.handleMessage(msg('T9', 'rep1', 'hello'));
    const denied = await bot.runCommand(actor('T9', 'rep1'), 'settings timezone Asia/Shanghai');
    expect(denied[0]).toMatchObject({ text: 'Only managers and admins can change settings.' });
    const bad = await bot.runCommand(actor('T9', 'admin1'), 'settings timezone Mars/Olympus');
    expect(bad[0]).toMatchObject({ text: expect.stringContaining('isn’t a valid timezone') });
    const ok = await bot.runCommand(actor('T9', 'admin1'), 'settings timezone Asia/Shanghai');
    expect(ok[0]).toMatchObject({ text: 'Saved: timezone = Asia/Shanghai.' });
    const roleDenied = await bot.runCommand(actor('T9', 'rep1'), 'role admin1 rep');
    expect(roleDenied[0]).toMatchObject({ text: 'Only admins can change roles.' });
    const promoted = await bot.runCommand(actor('T9', 'admin1'), 'role rep1 manager');
    expect(promoted[0]).toMatchObject({ text: 'rep1 is now manager.' });
    const last = await bot.runCommand(actor('T9', 'admin1'), 'role admin1 rep');
    expect(last[0]).toMatchObject({ text: 'The workspace needs at least one admin.' });
  });

  it('edits a deal through the form, validating fields and detecting stale versions', async () => {
    const r = await bot.handleMessage(
      msg('T10', 'hank', 'met Acme, they need SSO, 50k, follow up Friday'),
    );
    const change = r.replies[0];
    if (change?.kind !== 'change') throw new Error('expected change');
    const form = await bot.editForm(actor('T10', 'hank'), change.dealId);
    if (!('fields' in form)) throw new Error('expected a form');
    expect(form.fields.map((f) => [f.key, f.value])).toEqual([
      ['stage', 'needs_analysis'],
      ['amount', '50000'],
      ['currency', 'USD'],
      ['closeDate', ''],
      ['nextStep', 'follow up'],
      ['nextStepDue', '2026-11-27'],
    ]);
    const invalid = await bot.submitEdit(actor('T10', 'hank'), change.dealId, form.version, {
      amount: '-3',
      closeDate: '2026-13-01',
    });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) expect(Object.keys(invalid.errors).sort()).toEqual(['amount', 'closeDate']);
    const saved = await bot.submitEdit(actor('T10', 'hank'), change.dealId, form.version, {
      stage: 'proposal',
      amount: '75k',
      closeDate: '2026-12-31',
      nextStep: '',
    });
    expect(saved.ok).toBe(true);
    const edited = saved.replies[0];
    if (edited?.kind !== 'change') throw new Error('expected change');
    expect(edited.rows.map((row) => row.field)).toEqual([
      'stage',
      'amount',
      'closeDate',
      'nextStep',
      'nextStepDue',
    ]);
    const stale = await bot.submitEdit(actor('T10', 'hank'), change.dealId, form.version, {
      amount: '1',
    });
    expect(stale.ok).toBe(false);
    expect(stale.replies[0]).toMatchObject({ text: expect.stringContaining('same moment') });
    const events = await t.db.select().from(dealEvents).where(eq(dealEvents.dealId, change.dealId));
    expect(events.map((e) => e.kind).sort()).toEqual(['create', 'edit']);
  });
});

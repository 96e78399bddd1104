// Proves the Slack conversation through real Bolt and signed HTTP requests against a fake Web API: update → card → Undo, the Edit modal round trip, the account picker, thread follow-ups, edits, slash commands, App Home, tenants kept apart, and guests who may ask but not write.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, deals, followups, inbox, outbound, workspaces } from '../../../src/db/schema.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import type { FakeMessage } from '../../helpers/fakeSlack.ts';
import { upd } from '../../helpers/fixtures.ts';
import {
  blockAction,
  editEvent,
  mentionEvent,
  messageEvent,
  viewSubmission,
} from '../../helpers/slackRequests.ts';
import { findButton, type Harness, type Script, startHarness } from './harness.ts';

const SCRIPT: Script = {
  'met Acme, they need SSO, 50k': {
    intent: 'update',
    updates: [
      upd({
        account: 'Acme',
        stage: 'needs_analysis',
        amount: 50000,
        currency: 'USD',
        needs: ['SSO'],
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
  'Hooli 5k': {
    intent: 'update',
    updates: [upd({ account: 'Hooli', amount: 5000, currency: 'USD' })],
  },
  'Hooli 7k': {
    intent: 'update',
    updates: [upd({ account: 'Hooli', amount: 7000, currency: 'USD' })],
  },
  'Umbrella 9k': {
    intent: 'update',
    updates: [upd({ account: 'Umbrella', amount: 9000, currency: 'USD' })],
  },
  'hello there': { intent: 'other', updates: [] },
  'Wonka 3k, call today': {
    intent: 'update',
    updates: [
      upd({
        account: 'Wonka',
        amount: 3000,
        currency: 'USD',
        nextStep: 'call',
        nextStepDue: new Date().toISOString().slice(0, 10),
      }),
    ],
  },
};

describe.each(DRIVERS)('Slack conversation on %s', (driver) => {
  let db: TestDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    h = await startHarness(db, SCRIPT);
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const newPosts = (before: number) => h.fake.messages.slice(before);
  async function say(team: string, user: string, channel: string, text: string, extra = {}) {
    const ev = messageEvent({ user, channel, text, ...extra });
    const res = await h.event(team, ev);
    expect(res.status).toBe(200);
    await h.service.idle();
    return ev;
  }
  async function click(team: string, user: string, message: FakeMessage, label: string) {
    const b = findButton(message.blocks, label);
    const res = await h.interact(
      blockAction({
        teamId: team,
        user,
        channel: message.channel,
        message: {
          ts: message.ts,
          blocks: message.blocks,
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        },
        blockId: b.blockId,
        actionId: b.actionId,
        value: b.value,
        label,
        responseUrl: h.fake.responseUrl(),
      }),
    );
    expect(res.status).toBe(200);
    await h.service.idle();
    return res;
  }
  /** The deals at an account in one team's workspace. */
  async function dealOf(team: string, name: string) {
    const rows = await db.db
      .select({ deal: deals })
      .from(deals)
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .innerJoin(workspaces, eq(workspaces.id, deals.workspaceId))
      .where(and(eq(accounts.name, name), eq(workspaces.externalId, team)));
    return rows.map((r) => r.deal);
  }

  it('answers an update with a change card in the DM, and Undo restores the deal and updates the card', async () => {
    const before = h.fake.messages.length;
    await say('T1', 'UALICE', 'DALICE', 'met Acme, they need SSO, 50k');
    await say('T1', 'UALICE', 'DALICE', 'acme sent the quote');
    const [created, updated] = newPosts(before);
    expect(created?.text).toBe('New deal: Acme');
    expect(created?.thread_ts).toBeUndefined();
    expect(updated?.text).toBe('Updated Acme');
    const rows = await db.db.select().from(outbound).where(eq(outbound.messageId, updated!.ts));
    expect(rows[0]).toMatchObject({ status: 'sent', channel: 'DALICE' });
    expect(rows[0]?.dealId).toBeTruthy();

    await click('T1', 'UALICE', updated!, 'Undo');
    const [deal] = await dealOf('T1', 'Acme');
    expect(deal?.stage).toBe('needs_analysis');
    const card = h.fake.messages.find((m) => m.ts === updated!.ts)!;
    expect(card.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(card.blocks)).toContain('Undone: Acme is back to how it was.');
    const update = h.fake.callsTo('chat.update').at(-1)!;
    expect(update.body).toMatchObject({ channel: 'DALICE', ts: updated!.ts, parse: 'none' });
  });

  it('Edit opens a modal with the deal’s fields; a bad value comes back as a field error, a good one saves and posts the change', async () => {
    const before = h.fake.messages.length;
    await say('T1', 'UBOB', 'DBOB', 'Umbrella 9k');
    const card = newPosts(before)[0]!;
    await click('T1', 'UBOB', card, 'Edit');
    const open = h.fake.callsTo('views.open').at(-1)!;
    const view = open.body.view as Record<string, unknown>;
    expect(view.callback_id).toBe('pipebot_edit');
    const blocks = view.blocks as { block_id: string; element: Record<string, unknown> }[];
    expect(blocks.map((b) => b.block_id)).toEqual([
      'stage',
      'amount',
      'currency',
      'closeDate',
      'nextStep',
      'nextStepDue',
    ]);
    expect(blocks[1]?.element.initial_value).toBe('9000');
    const value = (v: string | null) => ({ value: { type: 'plain_text_input', value: v } });
    const values = (amount: string) => ({
      stage: {
        value: {
          type: 'static_select',
          selected_option: { value: 'proposal', text: { type: 'plain_text', text: 'Proposal' } },
        },
      },
      amount: value(amount),
      currency: value('USD'),
      closeDate: value(null),
      nextStep: value('send the contract'),
      nextStepDue: value('2030-01-15'),
    });
    const bad = await h.interact(
      viewSubmission({ teamId: 'T1', user: 'UBOB', view, values: values('lots') }),
    );
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.text)).toMatchObject({
      response_action: 'errors',
      errors: { amount: expect.any(String) },
    });
    const good = await h.interact(
      viewSubmission({ teamId: 'T1', user: 'UBOB', view, values: values('12k') }),
    );
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    await h.service.idle();
    const [deal] = await dealOf('T1', 'Umbrella');
    expect(deal).toMatchObject({
      stage: 'proposal',
      amount: 12000,
      nextStep: 'send the contract',
      nextStepDue: '2030-01-15',
    });
    const posted = newPosts(before).at(-1)!;
    expect(posted.text).toBe('Updated Umbrella');
    expect(posted.thread_ts).toBe(card.ts);
  });

  it('asks which account when the name is ambiguous, and continues the message after the choice', async () => {
    await say('T1', 'UERIN', 'DERIN', 'Globex Industries 10k');
    await say('T1', 'UERIN', 'DERIN', 'Globex Logistics 20k');
    const before = h.fake.messages.length;
    await say('T1', 'UERIN', 'DERIN', 'Globex signed, and Initech demo done');
    const choice = newPosts(before)[0]!;
    expect(choice.text).toBe('Which account do you mean by “Globex”?');
    await click('T1', 'UERIN', choice, 'Globex Logistics');
    const updatedChoice = h.fake.messages.find((m) => m.ts === choice.ts)!;
    expect(JSON.stringify(updatedChoice.blocks)).toContain('Chosen: Globex Logistics');
    expect(updatedChoice.blocks.some((b) => b.type === 'actions')).toBe(false);
    const cards = newPosts(before).slice(1);
    expect(cards.map((m) => m.text)).toEqual(['Updated Globex Logistics', 'New deal: Initech']);
    const [logistics] = await dealOf('T1', 'Globex Logistics');
    expect(logistics?.status).toBe('won');
    const [row] = await db.db
      .select()
      .from(inbox)
      .where(eq(inbox.text, 'Globex signed, and Initech demo done'));
    expect(row?.status).toBe('processed');
  });

  it('reads a watched channel, answers in the thread, and applies a thread reply to the same deal', async () => {
    const watch = await h.command('T2', 'UCARL', 'CSALES', 'watch');
    expect(watch.status).toBe(200);
    await h.service.idle();
    const announced = h.fake.responses.find((r) => r.id === watch.responseId)!;
    expect(announced.body).toMatchObject({ response_type: 'in_channel' });
    expect(JSON.stringify(announced.body)).toContain(
      'I’ll read deal updates posted in this channel',
    );

    const before = h.fake.messages.length;
    const parent = await say('T2', 'UCARL', 'CSALES', 'met Acme, they need SSO, 50k');
    const card = newPosts(before)[0]!;
    expect(card).toMatchObject({ channel: 'CSALES', thread_ts: parent.ts, text: 'New deal: Acme' });
    await say('T2', 'UCARL', 'CSALES', 'they want 60k now', { thread_ts: parent.ts });
    const reply = newPosts(before)[1]!;
    expect(reply).toMatchObject({ thread_ts: parent.ts, text: 'Updated Acme' });
    expect(JSON.stringify(reply.blocks)).toContain('~$50,000~ → $60,000');

    // Chit-chat in a watched channel is stored but not answered.
    const quiet = h.fake.messages.length;
    await say('T2', 'UCARL', 'CSALES', 'hello there');
    expect(h.fake.messages.length).toBe(quiet);
  });

  it('in a DM, a reply in the thread of the bot’s card applies to that card’s deal', async () => {
    const before = h.fake.messages.length;
    await say('T3', 'UDORA', 'DDORA', 'met Acme, they need SSO, 50k');
    const card = newPosts(before)[0]!;
    await say('T3', 'UDORA', 'DDORA', 'they want 60k now', { thread_ts: card.ts });
    const reply = newPosts(before)[1]!;
    expect(reply).toMatchObject({ thread_ts: card.ts, text: 'Updated Acme' });
  });

  it('answers a mention in an unwatched channel, ignores plain messages there and bot messages', async () => {
    const before = h.fake.messages.length;
    await say('T4', 'UEVE', 'CRANDOM', 'Hooli 5k');
    expect(h.fake.messages.length).toBe(before);
    const bot = {
      ...messageEvent({ user: 'UEVE', channel: 'CRANDOM', text: 'Hooli 5k' }),
      bot_id: 'B9',
    };
    await h.event('T4', bot);
    const ev = mentionEvent({ user: 'UEVE', channel: 'CRANDOM', text: '<@UBOT> Hooli 5k' });
    await h.event('T4', ev);
    await h.service.idle();
    const posts = newPosts(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      channel: 'CRANDOM',
      thread_ts: ev.ts,
      text: 'New deal: Hooli',
    });
    // In that thread, no mention is needed: the bot follows threads it is part of, quietly.
    await say('T4', 'UEVE', 'CRANDOM', 'hello there', { thread_ts: ev.ts });
    await say('T4', 'UEVE', 'CRANDOM', 'Hooli 7k', { thread_ts: ev.ts });
    expect(newPosts(before).map((p) => p.text)).toEqual(['New deal: Hooli', 'Updated Hooli']);
    expect(newPosts(before)[1]?.thread_ts).toBe(ev.ts);
    // A thread among people elsewhere in the channel stays unread.
    const other = await say('T4', 'UEVE', 'CRANDOM', 'Hooli 5k');
    await say('T4', 'UEVE', 'CRANDOM', 'Hooli 7k', { thread_ts: other.ts });
    expect(newPosts(before)).toHaveLength(2);
  });

  it('re-reads an edited update within the edit window and posts the new diff', async () => {
    const before = h.fake.messages.length;
    const first = await say('T5', 'UFAY', 'DFAY', 'Hooli 5k');
    const res = await h.event(
      'T5',
      editEvent({
        user: 'UFAY',
        channel: 'DFAY',
        ts: first.ts,
        text: 'Hooli 7k',
        previous: 'Hooli 5k',
      }),
    );
    expect(res.status).toBe(200);
    await h.service.idle();
    const posts = newPosts(before);
    expect(posts.map((p) => p.text)).toEqual(['New deal: Hooli', 'New deal: Hooli']);
    expect(JSON.stringify(posts[1]!.blocks)).toContain('$7,000');
    const hooli = await dealOf('T5', 'Hooli');
    expect(hooli.filter((d) => d.status === 'open').map((d) => d.amount)).toEqual([7000]);
  });

  it('answers unknown slash commands with help, privately, and keeps two teams’ deals apart', async () => {
    await say('T6', 'UGUS', 'DGUS', 'met Acme, they need SSO, 50k');
    const unknown = await h.command('T7', 'UHAL', 'DHAL', 'frobnicate now');
    await h.service.idle();
    const help = h.fake.responses.find((r) => r.id === unknown.responseId)!;
    expect(help.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(help.body)).toContain('pipebot — your pipeline, updated from chat');

    const deal = await h.command('T7', 'UHAL', 'DHAL', 'deal Acme');
    const pipeline = await h.command('T7', 'UHAL', 'DHAL', 'pipeline');
    await h.service.idle();
    expect(JSON.stringify(h.fake.responses.find((r) => r.id === deal.responseId)!.body)).toContain(
      'No deal found for “Acme”',
    );
    expect(
      JSON.stringify(h.fake.responses.find((r) => r.id === pipeline.responseId)!.body),
    ).toContain('No open deals yet.');
    // A forged button from the other team's card finds nothing.
    const card = h.fake.messages.find((m) => m.channel === 'DGUS')!;
    const undo = findButton(card.blocks, 'Undo');
    await h.interact(
      blockAction({
        teamId: 'T7',
        user: 'UHAL',
        channel: 'DHAL',
        message: { ts: card.ts, blocks: card.blocks },
        blockId: undo.blockId,
        actionId: undo.actionId,
        value: undo.value,
        label: 'Undo',
        responseUrl: h.fake.responseUrl('forged'),
      }),
    );
    await h.service.idle();
    expect(JSON.stringify(h.fake.responses.find((r) => r.id === 'forged')!.body)).toContain(
      'I can’t find that deal.',
    );
    const [acme] = await dealOf('T6', 'Acme');
    expect(acme).toMatchObject({ status: 'open', version: 1 });
    expect(await dealOf('T7', 'Acme')).toEqual([]);
    const t6 = h.fake.messages.filter((m) => m.channel === 'DGUS');
    expect(t6).toHaveLength(1);
  });

  it('lets a guest ask but not write, and politely refuses people from other organisations in a watched channel', async () => {
    h.fake.users.set('UGUEST', {
      id: 'UGUEST',
      name: 'guest',
      is_restricted: true,
      profile: { display_name: 'guest' },
    });
    const before = h.fake.messages.length;
    await say('T8', 'UOWNER', 'DOWNER', 'hello there');
    await say('T8', 'UGUEST', 'DGUEST', 'Hooli 5k');
    const refusal = newPosts(before).find((m) => m.channel === 'DGUEST')!;
    expect(refusal.text).toContain(
      'guests and people outside this workspace can’t change deal data',
    );
    const ask = await h.command('T8', 'UGUEST', 'DGUEST', 'pipeline');
    await h.service.idle();
    expect(JSON.stringify(h.fake.responses.find((r) => r.id === ask.responseId)!.body)).toContain(
      'No open deals yet.',
    );

    await h.command('T8', 'UOWNER', 'CDEALS', 'watch');
    await h.service.idle();
    const mid = h.fake.messages.length;
    await say('T8', 'UPARTNER', 'CDEALS', 'Hooli 5k', { user_team: 'TOTHER' });
    const polite = newPosts(mid);
    expect(polite).toHaveLength(1);
    expect(polite[0]!.text).toContain('can’t change deal data');
    expect(await dealOf('T8', 'Hooli')).toEqual([]);
    const all = await db.db.select().from(inbox).where(eq(inbox.channel, 'CDEALS'));
    expect(all.map((r) => r.status)).toEqual(['processed']);
  });

  it('marks a follow-up done from the private /pipebot followups list, updating that list in place', async () => {
    await say('T10', 'UJAY', 'DJAY', 'Wonka 3k, call today');
    const list = await h.command('T10', 'UJAY', 'CSALES', 'followups');
    await h.service.idle();
    const response = h.fake.responses.find((r) => r.id === list.responseId)!;
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
    // Slack sends the ephemeral message's blocks back with ids it assigned.
    const blocks = (response.body.blocks as Record<string, unknown>[]).map((b, i) => ({
      ...b,
      block_id: `b${i}`,
    }));
    const done = findButton(blocks, 'Done');
    const replaceUrl = h.fake.responseUrl('replace');
    await h.interact(
      blockAction({
        teamId: 'T10',
        user: 'UJAY',
        channel: 'CSALES',
        message: { ts: '1700000000.000100', blocks },
        blockId: done.blockId,
        actionId: done.actionId,
        value: done.value,
        label: 'Done',
        responseUrl: replaceUrl,
        ephemeral: true,
      }),
    );
    await h.service.idle();
    const replaced = h.fake.responses.find((r) => r.id === 'replace')!;
    expect(replaced.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(replaced.body.blocks)).toContain('Done: call');
    expect(JSON.stringify(replaced.body.blocks)).not.toContain('"accessory"');
    const [wonka] = await dealOf('T10', 'Wonka');
    const rows = await db.db.select().from(followups).where(eq(followups.dealId, wonka!.id));
    expect(rows.map((f) => f.status)).toEqual(['done']);
  });

  it('publishes the App Home with open deals, follow-ups and team totals, and refreshes it after an update', async () => {
    await say('T9', 'UIVY', 'DIVY', 'met Acme, they need SSO, 50k');
    const opened = await h.event('T9', {
      type: 'app_home_opened',
      user: 'UIVY',
      channel: 'DIVY',
      tab: 'home',
      event_ts: '1.000001',
    });
    expect(opened.status).toBe(200);
    await h.service.idle();
    const publish = h.fake.callsTo('views.publish').filter((c) => c.body.user_id === 'UIVY');
    expect(publish.length).toBeGreaterThanOrEqual(1);
    const view = JSON.stringify(publish.at(-1)!.body.view);
    expect(view).toContain('Your open deals');
    expect(view).toContain('Acme');
    expect(view).toContain('Team pipeline');
    const count = publish.length;
    await say('T9', 'UIVY', 'DIVY', 'acme sent the quote');
    const after = h.fake.callsTo('views.publish').filter((c) => c.body.user_id === 'UIVY');
    expect(after.length).toBeGreaterThan(count);
    expect(JSON.stringify(after.at(-1)!.body.view)).toContain('Quote');
  });
});

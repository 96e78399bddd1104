// Proves the Slack parse layer: markup becomes readable text (or ids in commands), messages and mentions become IncomingMessages with the right answer target, and bots, joins, unchanged edits and malformed payloads are ignored.
import { describe, expect, it } from 'vitest';
import { parseMessageEvent, replyThread } from '../../../src/adapters/slack/parse/events.ts';
import {
  parseBlockAction,
  parseSlashCommand,
  parseViewSubmission,
} from '../../../src/adapters/slack/parse/interactions.ts';
import { inboxText, slackToPlain } from '../../../src/adapters/slack/parse/text.ts';
import {
  editEvent,
  eventEnvelope,
  mentionEvent,
  messageEvent,
} from '../../helpers/slackRequests.ts';

describe('slackToPlain / inboxText', () => {
  it('turns markup into what a reader sees, dropping the bot’s own mention', () => {
    expect(
      slackToPlain(
        '<@UBOT> met &lt;Acme&gt; &amp; co with <@U1|bob> in <#C1|sales>, <!here> <https://x.io|site> <mailto:a@b.co|a@b.co> <!subteam^S1|@sales-team>',
        { botUserId: 'UBOT' },
      ),
    ).toBe('met <Acme> & co with @bob in #sales, @here site a@b.co @sales-team');
  });

  it('keeps ids for commands so members and channels are found exactly', () => {
    expect(inboxText('role <@U123|bob> manager', 'UBOT')).toBe('role U123 manager');
    expect(inboxText('settings digest-channel <#C42|sales>', 'UBOT')).toBe(
      'settings digest-channel C42',
    );
    expect(inboxText('<@UBOT> pipeline <@U7>', 'UBOT')).toBe('pipeline U7');
    expect(inboxText('met <@U7> at Acme', 'UBOT')).toBe('met @U7 at Acme');
  });
});

describe('parseMessageEvent', () => {
  const parse = (event: Record<string, unknown>) =>
    parseMessageEvent(eventEnvelope('T1', event, 'Ev1'), { botUserId: 'UBOT' });

  it('reads a DM as a message answered in place, a channel message as ambient and threaded', () => {
    const dm = parse(messageEvent({ user: 'U1', channel: 'D1', text: 'hi', ts: '100.000001' }));
    if (dm.kind !== 'message') throw new Error(dm.kind);
    expect(dm.incoming).toMatchObject({
      platform: 'slack',
      workspace: { externalId: 'T1' },
      sender: { externalId: 'U1' },
      channel: 'D1',
      messageId: '100.000001',
      replyTo: null,
      meta: { slack: { eventId: 'Ev1', ambient: false, channelType: 'im' } },
    });
    expect(replyThread(dm.target)).toBeUndefined();

    const ch = parse(messageEvent({ user: 'U1', channel: 'C1', text: 'hi', ts: '100.000002' }));
    if (ch.kind !== 'message') throw new Error(ch.kind);
    expect(ch.target).toMatchObject({ ambient: true, channelType: 'channel' });
    expect(replyThread(ch.target)).toBe('100.000002');

    const reply = parse(
      messageEvent({
        user: 'U1',
        channel: 'C1',
        text: 'more',
        ts: '100.000003',
        thread_ts: '100.000002',
      }),
    );
    if (reply.kind !== 'message') throw new Error(reply.kind);
    expect(reply.incoming.replyTo).toBe('100.000002');
    expect(replyThread(reply.target)).toBe('100.000002');
  });

  it('treats a mention as addressed to the bot and marks people from other organisations', () => {
    const m = parse(mentionEvent({ user: 'U1', channel: 'C1', text: '<@UBOT> deal Acme' }));
    if (m.kind !== 'message') throw new Error(m.kind);
    expect(m.incoming.text).toBe('deal Acme');
    expect(m.target.ambient).toBe(false);
    const ext = parse(messageEvent({ user: 'U9', channel: 'C1', text: 'hi', user_team: 'T9' }));
    if (ext.kind !== 'message') throw new Error(ext.kind);
    expect(ext.incoming.sender).toEqual({ externalId: 'U9', canWrite: false });
  });

  it('ignores bots, itself, joins, deletions, unchanged edits and malformed events', () => {
    const base = messageEvent({ user: 'U1', channel: 'C1', text: 'x' });
    expect(parse({ ...base, bot_id: 'B1' }).kind).toBe('ignore');
    expect(parse({ ...base, user: 'UBOT' }).kind).toBe('ignore');
    expect(parse({ ...base, subtype: 'channel_join' }).kind).toBe('ignore');
    expect(parse({ ...base, subtype: 'message_deleted' }).kind).toBe('ignore');
    expect(parse({ ...base, channel: 'not a channel' }).kind).toBe('ignore');
    expect(
      parse(editEvent({ user: 'U1', channel: 'D1', ts: '1.000001', text: 'a', previous: 'a' }))
        .kind,
    ).toBe('ignore');
    const edit = parse(
      editEvent({ user: 'U1', channel: 'D1', ts: '1.000001', text: 'b', previous: 'a' }),
    );
    expect(edit).toMatchObject({ kind: 'edit', incoming: { messageId: '1.000001', text: 'b' } });
    expect(parseMessageEvent({ type: 'event_callback' }, {}).kind).toBe('ignore');
  });
});

describe('interactions', () => {
  it('normalises slash command arguments and sends unknown subcommands to help', () => {
    const base = {
      team_id: 'T1',
      user_id: 'U1',
      channel_id: 'C1',
      command: '/pipebot',
      response_url: 'https://hooks.slack.com/commands/1',
    };
    expect(parseSlashCommand({ ...base, text: 'role <@U2|bob> manager' })).toMatchObject({
      name: 'role',
      text: 'role U2 manager',
      actor: { teamId: 'T1', user: 'U1', channel: 'C1' },
    });
    expect(parseSlashCommand({ ...base, text: 'settings digest-channel <#C9|deals>' })?.text).toBe(
      'settings digest-channel C9',
    );
    expect(parseSlashCommand({ ...base, text: 'dance' })).toMatchObject({
      name: null,
      text: 'help',
    });
    expect(parseSlashCommand({ ...base, text: '' })).toMatchObject({ name: null, text: 'help' });
    expect(
      parseSlashCommand({ ...base, response_url: 'javascript:alert(1)', text: 'help' }),
    ).toBeNull();
  });

  it('reads block actions from messages and from the App Home, and refuses junk', () => {
    const msg = parseBlockAction({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1', team_id: 'T1' },
      trigger_id: 't',
      response_url: 'https://hooks.slack.com/actions/1',
      container: { type: 'message', message_ts: '5.000001', channel_id: 'C1' },
      message: { ts: '5.000001', thread_ts: '4.000001', blocks: [] },
      actions: [
        {
          action_id: 'pipebot:0',
          block_id: 'b1',
          type: 'button',
          value: 'undo:x',
          action_ts: '6.1',
        },
      ],
    });
    expect(msg).toMatchObject({
      payload: 'undo:x',
      blockId: 'b1',
      surface: { kind: 'message', channel: 'C1', messageTs: '5.000001', threadTs: '4.000001' },
    });
    const home = parseBlockAction({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'U1' },
      trigger_id: 't',
      container: { type: 'view', view_id: 'V1' },
      view: { id: 'V1', type: 'home' },
      actions: [
        {
          action_id: 'pipebot:select',
          type: 'static_select',
          selected_option: { value: 'pick:x:1', text: { type: 'plain_text', text: 'B' } },
        },
      ],
    });
    expect(home).toMatchObject({ payload: 'pick:x:1', label: 'B', surface: { kind: 'view' } });
    expect(parseBlockAction({ type: 'block_actions', actions: [] })).toBeNull();
  });

  it('reads a modal submission only with valid private metadata', () => {
    const view = (meta: string) => ({
      type: 'view_submission',
      team: { id: 'T1' },
      user: { id: 'U1' },
      view: {
        id: 'V1',
        callback_id: 'pipebot_edit',
        private_metadata: meta,
        state: { values: {} },
      },
    });
    const d = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    expect(
      parseViewSubmission(view(JSON.stringify({ d, v: 2, c: 'C1', t: '1.000001' }))),
    ).toMatchObject({
      meta: { d, v: 2 },
      actor: { channel: 'C1' },
    });
    expect(parseViewSubmission(view('{"d":"not-a-uuid","v":1}'))).toBeNull();
    expect(parseViewSubmission(view('nope'))).toBeNull();
  });
});

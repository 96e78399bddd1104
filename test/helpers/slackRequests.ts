/**
 * Requests as Slack sends them: Events API JSON envelopes, slash commands as
 * form bodies, interactions as a form field `payload` — each HMAC-signed
 * with the signing secret (or deliberately not).
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  /** Seconds since the epoch for the timestamp header (default now). */
  timestamp?: number;
  /** Override the signature header; null leaves it out. */
  signature?: string | null;
  /** Leave the timestamp header out. */
  noTimestamp?: boolean;
  headers?: Record<string, string>;
  secret?: string;
  signal?: AbortSignal;
}

export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  o: SendOptions = {},
): Promise<{ status: number; text: string }> {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, ...(o.headers ?? {}) };
  if (!o.noTimestamp) headers['x-slack-request-timestamp'] = String(ts);
  const signature = o.signature === undefined ? sign(body, ts, o.secret) : o.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { status: res.status, text: await res.text() };
}

let seq = 0;
/** A unique message ts (Slack's "seconds.micros" form). */
export function nextTs(): string {
  seq++;
  return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
}

export function eventEnvelope(teamId: string, event: Record<string, unknown>, eventId?: string) {
  return {
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  };
}

/** A `message.im` / `message.channels` event. */
export function messageEvent(o: {
  user: string;
  text: string;
  channel: string;
  ts?: string;
  thread_ts?: string;
  channel_type?: 'im' | 'channel' | 'group' | 'mpim';
  team?: string;
  user_team?: string;
}) {
  const ts = o.ts ?? nextTs();
  return {
    type: 'message',
    user: o.user,
    text: o.text,
    ts,
    event_ts: ts,
    channel: o.channel,
    channel_type: o.channel_type ?? (o.channel.startsWith('D') ? 'im' : 'channel'),
    ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
    ...(o.team ? { team: o.team } : {}),
    ...(o.user_team ? { user_team: o.user_team } : {}),
  };
}

export function mentionEvent(o: {
  user: string;
  text: string;
  channel: string;
  ts?: string;
  thread_ts?: string;
}) {
  const ts = o.ts ?? nextTs();
  return {
    type: 'app_mention',
    user: o.user,
    text: o.text,
    ts,
    event_ts: ts,
    channel: o.channel,
    ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
  };
}

export function editEvent(o: {
  user: string;
  channel: string;
  ts: string;
  text: string;
  previous: string;
  channel_type?: string;
}) {
  const eventTs = nextTs();
  return {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: o.channel,
    channel_type: o.channel_type ?? 'im',
    ts: eventTs,
    event_ts: eventTs,
    message: {
      type: 'message',
      user: o.user,
      text: o.text,
      ts: o.ts,
      edited: { user: o.user, ts: eventTs },
    },
    previous_message: { type: 'message', user: o.user, text: o.previous, ts: o.ts },
  };
}

export function commandForm(o: {
  teamId: string;
  user: string;
  channel: string;
  text: string;
  responseUrl: string;
}): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: o.teamId,
    team_domain: 'testteam',
    channel_id: o.channel,
    channel_name: 'sales',
    user_id: o.user,
    user_name: o.user.toLowerCase(),
    command: '/pipebot',
    text: o.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: `${randomBytes(4).toString('hex')}.trigger`,
  }).toString();
}

export function interactionForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A `block_actions` payload for a button (or select) in a posted message. */
export function blockAction(o: {
  teamId: string;
  user: string;
  channel: string;
  message: { ts: string; thread_ts?: string; blocks: Record<string, unknown>[] };
  blockId: string;
  actionId: string;
  value: string;
  label: string;
  responseUrl: string;
  ephemeral?: boolean;
}) {
  return {
    type: 'block_actions',
    team: { id: o.teamId, domain: 'testteam' },
    user: { id: o.user, username: o.user.toLowerCase(), team_id: o.teamId },
    api_app_id: 'A1',
    trigger_id: `${randomBytes(4).toString('hex')}.trigger`,
    container: {
      type: 'message',
      message_ts: o.message.ts,
      channel_id: o.channel,
      is_ephemeral: o.ephemeral ?? false,
      ...(o.message.thread_ts ? { thread_ts: o.message.thread_ts } : {}),
    },
    channel: { id: o.channel, name: 'x' },
    message: { type: 'message', ...o.message },
    response_url: o.responseUrl,
    actions: [
      {
        action_id: o.actionId,
        block_id: o.blockId,
        type: 'button',
        value: o.value,
        text: { type: 'plain_text', text: o.label },
        action_ts: nextTs(),
      },
    ],
  };
}

export function viewSubmission(o: {
  teamId: string;
  user: string;
  view: Record<string, unknown>;
  values: Record<string, Record<string, unknown>>;
}) {
  return {
    type: 'view_submission',
    team: { id: o.teamId, domain: 'testteam' },
    user: { id: o.user, username: o.user.toLowerCase(), team_id: o.teamId },
    api_app_id: 'A1',
    trigger_id: `${randomBytes(4).toString('hex')}.trigger`,
    view: {
      id: (o.view.id as string | undefined) ?? 'V1',
      team_id: o.teamId,
      type: 'modal',
      callback_id: o.view.callback_id,
      private_metadata: o.view.private_metadata,
      blocks: o.view.blocks,
      state: { values: o.values },
    },
  };
}

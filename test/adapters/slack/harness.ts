/**
 * A running Slack service for integration tests: the real Bolt app on the
 * HTTP transport (port 0), the real assistant on a test database with a
 * scripted extractor, and the fake Slack Web API behind SLACK_API_URL.
 */

import { createSlackService, type SlackService } from '../../../src/adapters/slack/service.ts';
import type { Assistant } from '../../../src/assistant/assistant.ts';
import { createAssistant } from '../../../src/assistant/assistant.ts';
import type { Session } from '../../../src/assistant/context.ts';
import { silentLogger } from '../../../src/log.ts';
import type { Extraction, Extractor } from '../../../src/understand/extraction.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import { type FakeSlack, startFakeSlack } from '../../helpers/fakeSlack.ts';
import {
  commandForm,
  eventEnvelope,
  interactionForm,
  postSigned,
  type SendOptions,
  SIGNING_SECRET,
} from '../../helpers/slackRequests.ts';

export type Script = Record<string, Extraction | (() => Promise<Extraction>)>;

/** Extraction is not under test here: each text maps to a fixed result (or a slow one). */
export function scriptedExtractor(script: Script): Extractor & { calls: string[] } {
  const ex = {
    name: 'scripted',
    calls: [] as string[],
    async extract(text: string) {
      ex.calls.push(text);
      const entry = script[text];
      const extraction =
        typeof entry === 'function'
          ? await entry()
          : (entry ?? { intent: 'other' as const, updates: [] });
      return { extraction, source: 'offline' as const };
    },
  };
  return ex;
}

export interface Harness {
  service: SlackService;
  assistant: Assistant;
  fake: FakeSlack;
  extractor: ReturnType<typeof scriptedExtractor>;
  url: string;
  /** POST a signed Events API envelope. */
  event(
    teamId: string,
    event: Record<string, unknown>,
    o?: SendOptions & { eventId?: string },
  ): Promise<{ status: number; text: string }>;
  command(
    teamId: string,
    user: string,
    channel: string,
    text: string,
  ): Promise<{ status: number; responseId: string }>;
  interact(payload: Record<string, unknown>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  db: Pick<TestDatabase, 'db'>,
  script: Script,
  options: {
    beforeStart?: (assistant: Assistant) => Promise<void>;
    /** A real extractor instead of the script (the hostile corpus goes through the offline rules). */
    extractor?: Extractor;
  } = {},
): Promise<Harness> {
  const fake = await startFakeSlack();
  const scripted = scriptedExtractor(script);
  const extractor = options.extractor
    ? Object.assign(options.extractor, { calls: scripted.calls })
    : scripted;
  const listeners = new Set<(s: Session) => void>();
  const assistant = createAssistant({
    db: db.db,
    extractor,
    defaults: { timezone: 'America/New_York', locale: 'en', currency: 'USD' },
    logger: silentLogger,
    onChange: (s) => {
      for (const l of listeners) l(s);
    },
  });
  const service = createSlackService({
    assistant,
    slack: {
      botToken: 'xoxb-fake',
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      apiUrl: fake.url,
    },
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    postIntervalMs: 10,
    apiTimeoutMs: 1_000,
    backoffMs: 20,
    homeDebounceMs: 10,
  });
  await options.beforeStart?.(assistant);
  await service.start();
  const url = `http://127.0.0.1:${service.port()}/slack/events`;
  return {
    service,
    assistant,
    fake,
    extractor,
    url,
    event: (teamId, event, o = {}) =>
      postSigned(
        url,
        JSON.stringify(eventEnvelope(teamId, event, o.eventId)),
        'application/json',
        o,
      ),
    async command(teamId, user, channel, text) {
      const responseId = `r${Math.random().toString(36).slice(2, 10)}`;
      const body = commandForm({
        teamId,
        user,
        channel,
        text,
        responseUrl: fake.responseUrl(responseId),
      });
      const res = await postSigned(url, body, 'application/x-www-form-urlencoded');
      return { status: res.status, responseId };
    },
    interact: (payload) =>
      postSigned(url, interactionForm(payload), 'application/x-www-form-urlencoded'),
    async close() {
      await service.stop();
      await fake.close();
    },
  };
}

/** Every mrkdwn text object and top-level text in a Block Kit payload. */
export function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) mrkdwnTexts(v, out);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) if (typeof v === 'object') mrkdwnTexts(v, out);
  }
  return out;
}

/** The button with this label in a posted message, with its block. */
export function findButton(blocks: Record<string, unknown>[], label: string) {
  for (const block of blocks) {
    const elements = (block.elements as Record<string, unknown>[] | undefined) ?? [];
    const accessory = block.accessory as Record<string, unknown> | undefined;
    for (const el of [...elements, ...(accessory ? [accessory] : [])]) {
      const text = (el.text as { text?: string } | undefined)?.text;
      if (el.type === 'button' && text === label)
        return {
          blockId: String(block.block_id),
          actionId: String(el.action_id),
          value: String(el.value),
        };
    }
  }
  throw new Error(`no button “${label}”`);
}

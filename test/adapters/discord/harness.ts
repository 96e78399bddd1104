/** Shared set-up for the Discord suites: a scripted extractor, people, guilds and a running bot. */
import { Writable } from 'node:stream';
import {
  createDiscordService,
  type DiscordService,
} from '../../../src/adapters/discord/service.ts';
import { type Assistant, createAssistant } from '../../../src/assistant/assistant.ts';
import type { Db } from '../../../src/db/connect.ts';
import { createLogger, type Logger, silentLogger } from '../../../src/log.ts';
import type { Extraction, Extractor } from '../../../src/understand/extraction.ts';
import { type FakeDiscord, type FakeGuild, type FakeUser, snowflake } from './fake/server.ts';

/** Extraction quality is not under test here: each text maps to a fixed result. */
export function scripted(table: Record<string, Extraction>): Extractor & { calls: number } {
  const ex = {
    name: 'scripted',
    calls: 0,
    async extract(text: string) {
      ex.calls++;
      return {
        extraction: table[text] ?? { intent: 'other' as const, updates: [] },
        source: 'offline' as const,
      };
    },
  };
  return ex;
}

export function person(name: string): FakeUser {
  return { id: snowflake(), username: name.toLowerCase(), globalName: name };
}

export function guild(name: string, owner: FakeUser, id: string = snowflake()): FakeGuild {
  return {
    id,
    name,
    ownerId: owner.id,
    channels: [
      { id: snowflake(), name: 'general' },
      { id: snowflake(), name: 'sales' },
    ],
  };
}

/** The assistant's clock: dates in extractions resolve against it. */
export const NOW = new Date('2026-11-25T15:00:00Z');

export function makeAssistant(db: Db, extractor: Extractor): Assistant {
  return createAssistant({
    db,
    extractor,
    defaults: { timezone: 'America/New_York', locale: 'en', currency: 'USD' },
    logger: silentLogger,
    now: () => NOW,
  });
}

/** A logger whose JSON lines a test can read. */
export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      out.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger('info', sink),
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export async function startBot(
  fake: FakeDiscord,
  assistant: Assistant,
  options: { logger?: Logger; deferAfterMs?: number; token?: string } = {},
): Promise<DiscordService> {
  const service = createDiscordService({
    assistant,
    token: options.token ?? fake.token,
    apiUrl: fake.apiUrl,
    logger: options.logger ?? silentLogger,
    deferAfterMs: options.deferAfterMs ?? 2_500,
  });
  await service.start();
  return service;
}

/** Make some assistant calls slow, to see the adapter defer. Set the fields while the bot runs. */
export function withDelays(
  assistant: Assistant,
  delays: { command?: number; action?: number },
): Assistant {
  const sleep = (ms = 0) => new Promise((r) => setTimeout(r, ms));
  return {
    ...assistant,
    runCommand: async (actor, text) => {
      await sleep(delays.command);
      return assistant.runCommand(actor, text);
    },
    handleAction: async (actor, payload) => {
      await sleep(delays.action);
      return assistant.handleAction(actor, payload);
    },
  };
}

/**
 * The message that answered an interaction, however it was answered: the
 * response itself, a deferred response once edited, or the component's
 * message once updated.
 */
export async function answerOf(
  fake: FakeDiscord,
  record: { responses: { type: number }[]; originalMessageId?: string; sourceMessageId?: string },
) {
  return fake.until(() => {
    const first = record.responses[0];
    if (!first || !record.originalMessageId) return undefined;
    const msg = fake.messages.get(record.originalMessageId);
    if (!msg) return undefined;
    if (first.type === 5 || first.type === 6) return msg.edits ? msg : undefined;
    return msg;
  });
}

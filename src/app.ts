/**
 * Wiring: configuration → database → extractor → assistant. Shared by
 * `pipebot start`, `pipebot chat` and the one-shot commands.
 */
import { type Assistant, createAssistant } from './assistant/assistant.ts';
import type { QuestionAnswerer } from './assistant/context.ts';
import type { Outbound, OutboundRegistry } from './assistant/outbound.ts';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import type { Logger } from './log.ts';
import { createExtractor } from './understand/index.ts';

export interface App {
  config: Config;
  database: Database;
  assistant: Assistant;
  logger: Logger;
  /** One line saying what is running, for the start-up message. */
  describe: string;
  /**
   * The Outbound of each running chat adapter, for posts the bot makes on its
   * own (digests, nudges). Filled by `registerOutbound`; the scheduler reads
   * it at every tick.
   */
  outbounds: OutboundRegistry;
  /** An adapter calls this from its `start()` once it can post. */
  registerOutbound(outbound: Outbound): void;
}

export interface AppOptions {
  now?: () => Date;
  answerer?: QuestionAnswerer;
}

export function createApp(
  config: Config,
  database: Database,
  logger: Logger,
  options: AppOptions = {},
): App {
  const extractor = createExtractor(config, { db: database.db, logger });
  const assistant = createAssistant({
    db: database.db,
    extractor,
    defaults: config.defaults,
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.answerer ? { answerer: options.answerer } : {}),
  });
  const llm = config.llm
    ? `LLM ${config.llm.model}${config.llm.baseUrl ? ` at ${new URL(config.llm.baseUrl).host}` : ''} with offline fallback`
    : 'offline extractor (no LLM configured)';
  const outbounds: OutboundRegistry = {};
  return {
    config,
    database,
    assistant,
    logger,
    describe: `${database.describe}, ${llm}`,
    outbounds,
    registerOutbound(outbound) {
      outbounds[outbound.platform] = outbound;
    },
  };
}

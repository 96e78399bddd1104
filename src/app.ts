/**
 * Wiring: configuration → database → extractor → assistant. Shared by
 * `pipebot start`, `pipebot chat` and the one-shot commands.
 */
import { type Assistant, createAssistant } from './assistant/assistant.ts';
import type { QuestionAnswerer, Session } from './assistant/context.ts';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import type { Logger } from './log.ts';
import type { Extractor } from './understand/extraction.ts';
import { createExtractor } from './understand/index.ts';

/** Told after a member's data changed (an update, an undo, an edit). */
export type ChangeListener = (session: Session) => void;

export interface App {
  config: Config;
  database: Database;
  assistant: Assistant;
  logger: Logger;
  /** One line saying what is running, for the start-up message. */
  describe: string;
  /** Subscribe to data changes (e.g. to refresh a Slack App Home); returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void;
}

export interface AppOptions {
  now?: () => Date;
  answerer?: QuestionAnswerer;
  /** Replaces the configured extractor (tests, evaluations). */
  extractor?: Extractor;
}

export function createApp(
  config: Config,
  database: Database,
  logger: Logger,
  options: AppOptions = {},
): App {
  const extractor = options.extractor ?? createExtractor(config, { db: database.db, logger });
  const listeners = new Set<ChangeListener>();
  const assistant = createAssistant({
    db: database.db,
    extractor,
    defaults: config.defaults,
    logger,
    onChange: (session) => {
      // A listener's failure must never fail the change that was just saved.
      for (const listener of listeners) {
        try {
          listener(session);
        } catch (err) {
          logger.error({ err }, 'a change listener failed');
        }
      }
    },
    ...(options.now ? { now: options.now } : {}),
    ...(options.answerer ? { answerer: options.answerer } : {}),
  });
  const llm = config.llm
    ? `LLM ${config.llm.model}${config.llm.baseUrl ? ` at ${new URL(config.llm.baseUrl).host}` : ''} with offline fallback`
    : 'offline extractor (no LLM configured)';
  return {
    config,
    database,
    assistant,
    logger,
    describe: `${database.describe}, ${llm}`,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Wiring: configuration → database → extractor and question answerer →
 * assistant. Shared by `pipebot start`, `pipebot chat` and the one-shot commands.
 */
import { createQuestionAnswerer, type PipelineAnswerer } from './assistant/answers/answerer.ts';
import type { ChartRenderer } from './assistant/answers/charts.ts';
import { type Assistant, createAssistant } from './assistant/assistant.ts';
import type { QuestionAnswerer, Session } from './assistant/context.ts';
import type { Outbound, OutboundRegistry } from './assistant/outbound.ts';
import { createQuotaNotifier } from './assistant/quotaNotice.ts';
import { renderChartSpec } from './charts/fromAnswer.ts';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import type { Logger } from './log.ts';
import type { Extractor } from './understand/extraction.ts';
import { createExtractor } from './understand/index.ts';
import { createLlmClient } from './understand/llm-client.ts';
import { createLlmChooser } from './understand/questions/llm.ts';

/** Told after a member's data changed (an update, an undo, an edit). */
export type ChangeListener = (session: Session) => void;

export interface App {
  config: Config;
  database: Database;
  assistant: Assistant;
  /** Pipeline questions: the LLM when configured (offline router as fallback), else the router. */
  questions: PipelineAnswerer;
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
  /** Subscribe to data changes (e.g. to refresh a Slack App Home); returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void;
}

export interface AppOptions {
  now?: () => Date;
  /** Replaces the question answerer the assistant uses (tests). */
  answerer?: QuestionAnswerer;
  /** Renders chart images for answers; defaults to the build's renderer (none yet). */
  chartRenderer?: ChartRenderer | null;
  /** Replaces the configured extractor (tests, evaluations). */
  extractor?: Extractor;
}

export function createApp(
  config: Config,
  database: Database,
  logger: Logger,
  options: AppOptions = {},
): App {
  const questions = createQuestionAnswerer({
    db: database.db,
    logger,
    ...(config.llm
      ? { llm: createLlmChooser({ ...createLlmClient(config.llm), db: database.db, logger }) }
      : {}),
    chartRenderer: options.chartRenderer === undefined ? renderChartSpec : options.chartRenderer,
  });
  const outbounds: OutboundRegistry = {};
  const extractor =
    options.extractor ??
    createExtractor(config, {
      db: database.db,
      logger,
      onQuotaExhausted: createQuotaNotifier({ db: database.db, outbounds, logger }),
    });
  const listeners = new Set<ChangeListener>();
  const assistant = createAssistant({
    db: database.db,
    extractor,
    defaults: config.defaults,
    logger,
    answerer: options.answerer ?? questions,
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
  });
  const llm = config.llm
    ? `LLM ${config.llm.model}${config.llm.baseUrl ? ` at ${new URL(config.llm.baseUrl).host}` : ''} with offline fallback`
    : 'offline extractor (no LLM configured)';
  return {
    config,
    database,
    assistant,
    questions,
    logger,
    describe: `${database.describe}, ${llm}`,
    outbounds,
    registerOutbound(outbound) {
      outbounds[outbound.platform] = outbound;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

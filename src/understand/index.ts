/**
 * Choosing the extractor: the LLM one (falling back to the offline rules)
 * when an LLM is configured, else the offline rules alone.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import type { Extractor } from './extraction.ts';
import { type BreakerOptions, createCircuitBreaker } from './llm/breaker.ts';
import { createLlmClient } from './llm/client.ts';
import { createLlmExtractor, type QuotaNotice } from './llm/extractor.ts';
import type { TransportOptions } from './llm/transport.ts';
import { createOfflineExtractor } from './offline/index.ts';

export type { QuotaNotice };

export interface ExtractorDeps {
  /** Where LLM calls are recorded and per-workspace caps counted; absent: neither (`pipebot extract`). */
  db?: Db;
  logger: Logger;
  /** The clock for `llm_calls` rows, cap windows and the circuit breaker's cool-down. */
  now?: () => Date;
  /** Tell a workspace's admins that the provider's quota is used up (default: a warning in the log). */
  onQuotaExhausted?: (notice: QuotaNotice) => void | Promise<void>;
  /** Tuning and tests: retry waits and breaker thresholds. */
  transport?: Partial<TransportOptions>;
  breaker?: Partial<BreakerOptions>;
}

export function createExtractor(config: Config, deps: ExtractorDeps): Extractor {
  const offline = createOfflineExtractor();
  if (!config.llm) return offline;
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger;
  return createLlmExtractor({
    client: createLlmClient(config.llm, deps.transport),
    fallback: offline,
    breaker: createCircuitBreaker(deps.breaker, () => now().getTime()),
    logger,
    ...(deps.db ? { db: deps.db } : {}),
    caps: config.llm.caps,
    now,
    onQuotaExhausted:
      deps.onQuotaExhausted ??
      ((n) =>
        logger.warn(
          { workspaceId: n.workspaceId, model: n.model },
          'the LLM provider’s quota is used up; reading messages with the offline rules',
        )),
  });
}

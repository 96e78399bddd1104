/** What choosing a query for a question needs, and the two strategies' common interface. */
import type { Locale, StageTemplate } from '../../pipeline/stages.ts';
import type { QueryCall } from './catalog.ts';

export interface AskMember {
  id: string;
  name: string;
  externalId: string;
}

export interface AskContext {
  workspaceId: string;
  locale: Locale;
  timezone: string;
  now: Date;
  /** Today in `timezone`. */
  today: string;
  template: StageTemplate;
  /** The asker: "my" and "我的" mean them. */
  self: AskMember;
  /** The workspace's members (names the question may mention). */
  members: AskMember[];
  /** Account names the workspace knows, most recently active first. */
  accounts: string[];
}

export type Choice =
  | { kind: 'query'; call: QueryCall; commentary?: string }
  /** Nothing in the library answers this question. */
  | { kind: 'unknown' }
  /** The model asked for something it may not have (unknown tool, bad or extra arguments). */
  | { kind: 'refused'; reason: string };

export interface QueryChooser {
  readonly name: 'offline' | 'llm';
  /** Throws when the strategy itself failed (LLM down, timeout…), so the caller can fall back. */
  choose(question: string, ctx: AskContext): Promise<Choice>;
}

/**
 * The extraction shape (DESIGN.md, "contract — extraction JSON") and the
 * extractor interface every understanding strategy implements.
 *
 * This zod schema is the single source of the shape: the LLM's structured
 * output, the offline extractor and `pipebot extract --json` all produce it.
 * Fields a message may not mention are nullable (never optional), so that the
 * same schema works for OpenAI structured output.
 */
import { z } from 'zod';
import type { Locale, StageTemplate } from '../pipeline/stages.ts';

export const ContactSchema = z.object({
  name: z.string(),
  title: z.string().nullable(),
});
export type Contact = z.infer<typeof ContactSchema>;

export const DealUpdateSchema = z.object({
  /** The customer company as written; null when the message names none (e.g. a thread reply). */
  account: z.string().nullable(),
  /** A stage key of the workspace's template; null when the message does not move the deal. */
  stage: z.string().nullable(),
  amount: z.number().nullable(),
  /** ISO 4217 code. */
  currency: z.string().nullable(),
  /** Expected close date, YYYY-MM-DD in the member's timezone. */
  closeDate: z.string().nullable(),
  nextStep: z.string().nullable(),
  /** YYYY-MM-DD in the member's timezone. */
  nextStepDue: z.string().nullable(),
  needs: z.array(z.string()),
  contacts: z.array(ContactSchema),
  competitors: z.array(z.string()),
  lostReason: z.string().nullable(),
});
export type DealUpdate = z.infer<typeof DealUpdateSchema>;

export const INTENTS = ['update', 'question', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

export const ExtractionSchema = z.object({
  intent: z.enum(INTENTS),
  updates: z.array(DealUpdateSchema),
});
export type Extraction = z.infer<typeof ExtractionSchema>;

/** What an extractor knows about the speaker and their workspace. */
export interface ExtractContext {
  /** The moment the message was sent; relative dates resolve against it. */
  now: Date;
  /** The member's IANA timezone, e.g. "Asia/Shanghai". */
  timezone: string;
  /** ISO 4217 code used when an amount carries no currency mark. */
  currency: string;
  locale: Locale;
  template: StageTemplate;
  /** Account names the workspace already has (recent first); helps spot names. */
  knownAccounts: readonly string[];
  /** The member's open deals, most recent first (at most 20 are used). */
  openDeals: readonly { account: string; stage: string }[];
  /** The workspace's id, for cost records and per-workspace LLM caps; absent outside a workspace. */
  workspaceId?: string;
  /** The inbox row being read, for cost records. */
  inboxId?: string;
}

/**
 * Why the LLM's answer was not used: a fault of the call (`timeout`,
 * `rate_limited`, `server_error`, `connection`, `error`), of its output
 * (`refused`, `truncated`, `invalid`), or a guard that kept it from being
 * called (`circuit_open`, `capped`, `quota`).
 */
export type DegradedReason =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'connection'
  | 'error'
  | 'refused'
  | 'truncated'
  | 'invalid'
  | 'circuit_open'
  | 'capped'
  | 'quota';

export interface ExtractResult {
  extraction: Extraction;
  /** Which extractor produced the answer. */
  source: 'llm' | 'offline';
  /** Set when the LLM was configured but could not be used, so the reply can say so. */
  degraded?: { reason: DegradedReason };
}

export interface Extractor {
  readonly name: string;
  /**
   * Runs in this process, without I/O, in well under a millisecond: the bot
   * may then read a message while the message is still being stored (see the
   * assistant's `guessAhead`). Never set for an extractor that calls a model.
   */
  readonly local?: boolean;
  extract(text: string, ctx: ExtractContext): Promise<ExtractResult>;
}

export function emptyUpdate(account: string | null): DealUpdate {
  return {
    account,
    stage: null,
    amount: null,
    currency: null,
    closeDate: null,
    nextStep: null,
    nextStepDue: null,
    needs: [],
    contacts: [],
    competitors: [],
    lostReason: null,
  };
}

/**
 * The shape the model is asked for: the extraction contract plus the raw
 * phrases behind the numbers it had to work out, so that code — not the
 * model's arithmetic — turns "下周五" into a date and "50万" into 500000.
 * Derived from `ExtractionSchema`, never a second copy of its fields.
 */
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { DealUpdateSchema, ExtractionSchema } from '../extraction.ts';

export const LlmDealUpdateSchema = DealUpdateSchema.extend({
  /** The amount exactly as written ("~$50k", "预算50万"). */
  amountPhrase: z.string().nullable(),
  /** The expected close date's words as written ("by Dec 15", "月底"). */
  closeDatePhrase: z.string().nullable(),
  /** The next step's date words as written ("next Friday", "下周五前"). */
  nextStepDuePhrase: z.string().nullable(),
});
export type LlmDealUpdate = z.infer<typeof LlmDealUpdateSchema>;

export const LlmExtractionSchema = ExtractionSchema.extend({
  updates: z.array(LlmDealUpdateSchema),
});
export type LlmExtraction = z.infer<typeof LlmExtractionSchema>;

let format: ReturnType<typeof zodResponseFormat<typeof LlmExtractionSchema>> | undefined;

/** The structured-output format for `chat.completions.parse` (strict JSON schema), built once. */
export function extractionFormat() {
  format ??= zodResponseFormat(LlmExtractionSchema, 'extraction');
  return format;
}

/**
 * What each chart takes, validated with zod before anything is drawn, so a
 * bad figure from a query fails with a clear message instead of a broken image.
 */
import { z } from 'zod';
import { isValidLocalDate } from '../lib/time.ts';
import { ChartError } from './errors.ts';

const LocaleSchema = z.enum(['en', 'zh-CN']);
const Title = z.string().trim().min(1).max(200);
const Label = z.string().trim().min(1).max(100);
const Amount = z.number().finite().nonnegative();
const Count = z.number().int().nonnegative();

/** ISO 4217 code that `Intl` can format. */
const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD or CNY')
  .refine((code) => {
    try {
      new Intl.NumberFormat('en', { style: 'currency', currency: code });
      return true;
    } catch {
      return false;
    }
  }, 'a currency Intl can format');

export const FunnelChartInputSchema = z.object({
  title: Title,
  locale: LocaleSchema,
  stages: z
    .array(
      z.object({
        label: Label,
        count: Count,
        /** Share of this stage's deals that reached the next stage (0.42 = 42%); null when none follows. */
        conversion: z.number().finite().nonnegative().nullable(),
      }),
    )
    .min(1)
    .max(20),
});
export type FunnelChartInput = z.infer<typeof FunnelChartInputSchema>;

export const PipelineChartInputSchema = z.object({
  title: Title,
  locale: LocaleSchema,
  currency: Currency,
  stages: z
    .array(z.object({ label: Label, count: Count, total: Amount, weighted: Amount }))
    .min(1)
    .max(20),
});
export type PipelineChartInput = z.infer<typeof PipelineChartInputSchema>;

export const TrendChartInputSchema = z.object({
  title: Title,
  locale: LocaleSchema,
  currency: Currency,
  weeks: z
    .array(
      z.object({
        weekStart: z.string().refine(isValidLocalDate, 'a calendar date, YYYY-MM-DD'),
        created: Count,
        won: Count,
        wonAmount: Amount,
      }),
    )
    .min(1)
    .max(104),
});
export type TrendChartInput = z.infer<typeof TrendChartInputSchema>;

export function parseChartInput<T>(schema: z.ZodType<T>, input: unknown, chart: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ChartError(
      'invalid_input',
      `${chart} chart input is invalid:\n${z.prettifyError(result.error)}`,
      { cause: result.error },
    );
  }
  return result.data;
}

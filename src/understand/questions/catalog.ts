/**
 * The questions pipebot can answer: one entry per query of the library in
 * src/pipeline/queries, with its arguments. The offline router produces these
 * calls; the LLM gets them as tools (src/understand/questions/llm.ts), and
 * whatever it sends back is validated here — strictly: unknown tools, unknown
 * or extra arguments and out-of-range values are refused, never repaired.
 * A workspace is never an argument: it comes from the session.
 */
import { z } from 'zod';
import type { StageTemplate } from '../../pipeline/stages.ts';
import { PERIOD_KEYS, PERIOD_PATTERN } from '../periods.ts';

export const QUERY_NAMES = [
  'summarizePipelineByStage',
  'summarizePipelineByOwner',
  'listOpenDeals',
  'sumDeals',
  'listDealsClosing',
  'listOverdueFollowups',
  'listStalledDeals',
  'getDealStatus',
  'computeStageFunnel',
  'measureStageDurations',
  'measureWinRate',
  'rankLossReasons',
  'summarizeRepActivity',
  'summarizeWeeklyTrend',
] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

export type DealStatusFilter = 'open' | 'won' | 'lost' | 'new';
export type DealSortKey = 'amount' | 'close_date' | 'recent';

/** Arguments of a query call; which ones a query takes is in `QUERY_ARGS`. Absent means "not asked". */
export interface QueryArgs {
  /** A member's name as asked ("bob", "李娜"); resolved against the workspace's members. */
  owner?: string;
  /** A stage key of the workspace's template. */
  stage?: string;
  /** A period key (see src/understand/periods.ts). */
  period?: string;
  status?: DealStatusFilter;
  sort?: DealSortKey;
  limit?: number;
  weeks?: number;
  /** An account name as asked; resolved like any account mention. */
  account?: string;
}

export interface QueryCall {
  name: QueryName;
  args: QueryArgs;
}

type ArgName = keyof QueryArgs;

export const QUERY_ARGS: Record<QueryName, readonly ArgName[]> = {
  summarizePipelineByStage: ['owner', 'stage'],
  summarizePipelineByOwner: ['stage'],
  listOpenDeals: ['owner', 'stage', 'sort', 'limit'],
  sumDeals: ['status', 'period', 'owner', 'stage'],
  listDealsClosing: ['period', 'owner', 'limit'],
  listOverdueFollowups: ['owner', 'limit'],
  listStalledDeals: ['owner', 'stage', 'limit'],
  getDealStatus: ['account'],
  computeStageFunnel: ['period', 'owner'],
  measureStageDurations: ['period', 'owner'],
  measureWinRate: ['period', 'owner'],
  rankLossReasons: ['period', 'owner', 'limit'],
  summarizeRepActivity: ['period', 'owner'],
  summarizeWeeklyTrend: ['weeks', 'owner'],
};

/** Arguments every call must carry (the rest may be null). */
const REQUIRED: Partial<Record<QueryName, readonly ArgName[]>> = {
  sumDeals: ['status'],
  getDealStatus: ['account'],
};

export const QUERY_DESCRIPTIONS: Record<QueryName, string> = {
  summarizePipelineByStage:
    'Open pipeline by stage: deal count, total and weighted total per currency. Optional owner or stage.',
  summarizePipelineByOwner: 'Open pipeline per sales rep: count, total and weighted total.',
  listOpenDeals:
    'List open deals, e.g. those in a stage ("what is in negotiation?"), of an owner, or the biggest ones.',
  sumDeals:
    'Count and total of deals: won or lost (by close day) or new (by creation day) in a period, or open deals expected to close in it.',
  listDealsClosing: 'Open deals whose expected close date falls in a period (default: this month).',
  listOverdueFollowups: 'Follow-ups (next steps) that are past due.',
  listStalledDeals:
    'Open deals with no activity for longer than their stage allows ("stuck deals").',
  getDealStatus: 'Status and recent history of the deal(s) at one account.',
  computeStageFunnel: 'Stage funnel: deals reaching each stage and conversion between stages.',
  measureStageDurations:
    'Median and 90th-percentile days deals spend in each stage, and the bottleneck stage.',
  measureWinRate:
    'Win rate, average won deal size and sales-cycle length for deals closed in a period (default: last 90 days).',
  rankLossReasons: 'Why deals were lost, most frequent reason first.',
  summarizeRepActivity:
    'What each rep logged in a period (default: last 7 days): updates, deals touched, stage moves, wins.',
  summarizeWeeklyTrend: 'Week by week: deals created, won and lost, and amount won.',
};

/** People's and companies' names: letters, digits and light punctuation, nothing that reads as code. */
const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} .,&'’()\-·]*$/u;
const safeName = (max: number) =>
  z.string().refine((s) => s.trim().length > 0 && s.length <= max && NAME_RE.test(s.trim()), {
    message: 'not a plain name',
  });

/** The zod schema of one query's arguments, for this workspace's stages. Strict: extra keys fail. */
export function argsSchema(name: QueryName, template: StageTemplate) {
  const stageKeys = template.stages.map((s) => s.key) as [string, ...string[]];
  const fields: Record<ArgName, z.ZodType> = {
    owner: safeName(80).describe('a sales rep’s name as the user wrote it; "me" for the asker'),
    stage: z.enum(stageKeys).describe('a stage key'),
    period: z
      .string()
      .refine((s) => PERIOD_PATTERN.test(s), { message: 'not a period key' })
      .describe(
        `one of ${PERIOD_KEYS.join(', ')}, or YYYY, YYYY-qN, YYYY-MM, or YYYY-MM-DD..YYYY-MM-DD`,
      ),
    status: z.enum(['open', 'won', 'lost', 'new']),
    sort: z.enum(['amount', 'close_date', 'recent']),
    limit: z.number().int().min(1).max(50),
    weeks: z.number().int().min(1).max(26),
    account: safeName(120).describe('the customer company as the user wrote it'),
  };
  const shape: Record<string, z.ZodType> = {};
  for (const arg of QUERY_ARGS[name]) {
    shape[arg] = REQUIRED[name]?.includes(arg) ? fields[arg] : fields[arg].nullable();
  }
  return z.object(shape).strict();
}

export function isQueryName(name: string): name is QueryName {
  return (QUERY_NAMES as readonly string[]).includes(name);
}

export type ValidatedCall = { ok: true; call: QueryCall } | { ok: false; reason: string };

/** Validate a call from outside (the LLM): known name, strict arguments, nulls dropped. */
export function validateCall(
  name: string,
  rawArgs: unknown,
  template: StageTemplate,
): ValidatedCall {
  if (!isQueryName(name)) return { ok: false, reason: `unknown tool "${name.slice(0, 60)}"` };
  const parsed = argsSchema(name, template).safeParse(rawArgs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `bad arguments for ${name}: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}`,
    };
  }
  const args: QueryArgs = {};
  for (const [k, v] of Object.entries(parsed.data as Record<string, unknown>)) {
    if (v !== null && v !== undefined) (args as Record<string, unknown>)[k] = v;
  }
  return { ok: true, call: { name, args } };
}

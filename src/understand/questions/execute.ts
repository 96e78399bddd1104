/**
 * Running a query call: names become members, period words become dates in
 * the asker's timezone, and the library function runs within the session's
 * workspace and visibility. Problems (an unknown rep, a teammate's deals
 * under visibility `own`, a bad period) come back as values, not exceptions.
 */
import type { Executor } from '../../db/connect.ts';
import { ForbiddenError } from '../../errors.ts';
import { type RepActivity, summarizeRepActivity } from '../../pipeline/queries/activity.ts';
import { listDealsClosing } from '../../pipeline/queries/closing.ts';
import { type DealStatusResult, getDealStatus } from '../../pipeline/queries/deal-status.ts';
import { listOverdueFollowups, type OverdueFollowups } from '../../pipeline/queries/followups.ts';
import { computeStageFunnel, type StageFunnel } from '../../pipeline/queries/funnel.ts';
import { type LossReasons, rankLossReasons } from '../../pipeline/queries/loss-reasons.ts';
import { type DealList, listOpenDeals } from '../../pipeline/queries/open-deals.ts';
import {
  type PipelineByOwner,
  type PipelineByStage,
  summarizePipelineByOwner,
  summarizePipelineByStage,
} from '../../pipeline/queries/pipeline.ts';
import type { QueryScope } from '../../pipeline/queries/scope.ts';
import { measureStageDurations, type StageDurations } from '../../pipeline/queries/stage-times.ts';
import { listStalledDeals, type StalledDeals } from '../../pipeline/queries/stalled.ts';
import { type DealTotals, sumDeals } from '../../pipeline/queries/totals.ts';
import { summarizeWeeklyTrend, type TrendWeek } from '../../pipeline/queries/trend.ts';
import { measureWinRate, type WinRate } from '../../pipeline/queries/win-rate.ts';
import { findStage } from '../../pipeline/stages.ts';
import { type ResolvedPeriod, resolvePeriod } from '../periods.ts';
import type { QueryCall, QueryName } from './catalog.ts';
import type { AskContext, AskMember } from './types.ts';

export interface QueryData {
  summarizePipelineByStage: PipelineByStage;
  summarizePipelineByOwner: PipelineByOwner;
  listOpenDeals: DealList;
  sumDeals: DealTotals;
  listDealsClosing: DealList;
  listOverdueFollowups: OverdueFollowups;
  listStalledDeals: StalledDeals;
  getDealStatus: DealStatusResult;
  computeStageFunnel: StageFunnel;
  measureStageDurations: StageDurations;
  measureWinRate: WinRate;
  rankLossReasons: LossReasons;
  summarizeRepActivity: { reps: RepActivity[] };
  summarizeWeeklyTrend: { weeks: TrendWeek[] };
}

export type QueryResult = { [N in QueryName]: { name: N; data: QueryData[N] } }[QueryName];

export type ExecProblem = 'forbidden' | 'unknown_owner' | 'bad_period' | 'bad_stage';

export type Execution =
  | {
      ok: true;
      call: QueryCall;
      /** The period the figures cover (asked for, or the query's default), or null for all time. */
      period: ResolvedPeriod | null;
      owner: { id: string; name: string } | null;
      result: QueryResult;
    }
  | { ok: false; call: QueryCall; problem: ExecProblem };

/** The period a query uses when none was asked for (absent: all time). */
export const DEFAULT_PERIODS: Partial<Record<QueryName, string>> = {
  listDealsClosing: 'this_month',
  measureWinRate: 'last_90_days',
  summarizeRepActivity: 'last_7_days',
};

const SELF_WORDS = new Set(['me', 'myself', 'i', 'my', 'mine', '我', '我的', '自己']);

/** A member by name as asked: exact name or id first, then a unique first/last name. */
export function resolveOwner(name: string, ctx: AskContext): AskMember | null {
  const n = name.trim().toLowerCase().replace(/^@/, '');
  if (SELF_WORDS.has(n)) return ctx.self;
  const exact = ctx.members.filter(
    (m) => m.name.toLowerCase() === n || m.externalId.toLowerCase() === n,
  );
  if (exact.length === 1) return exact[0]!;
  const partial = ctx.members.filter((m) => m.name.toLowerCase().split(/\s+/).includes(n));
  return partial.length === 1 ? partial[0]! : null;
}

export async function executeQuery(
  db: Executor,
  scope: QueryScope,
  ctx: AskContext,
  call: QueryCall,
): Promise<Execution> {
  const { args } = call;
  const fail = (problem: ExecProblem): Execution => ({ ok: false, call, problem });

  let owner: AskMember | null = null;
  if (args.owner !== undefined) {
    owner = resolveOwner(args.owner, ctx);
    if (!owner) return fail('unknown_owner');
  }
  if (args.stage !== undefined && !findStage(scope.template, args.stage)) return fail('bad_stage');
  const periodKey = args.period ?? DEFAULT_PERIODS[call.name];
  let period: ResolvedPeriod | null = null;
  if (periodKey !== undefined) {
    period = resolvePeriod(periodKey, scope.today);
    if (!period) return fail('bad_period');
  }
  const ownerId = owner?.id;
  const range = period ? { from: period.from, to: period.to } : undefined;
  const f = { ownerId, stage: args.stage, limit: args.limit, range };

  try {
    const result = await run(db, scope, call, f, args);
    return {
      ok: true,
      call,
      period,
      owner: owner ? { id: owner.id, name: owner.name } : null,
      result,
    };
  } catch (err) {
    if (err instanceof ForbiddenError) return fail('forbidden');
    throw err;
  }
}

async function run(
  db: Executor,
  scope: QueryScope,
  call: QueryCall,
  f: {
    ownerId: string | undefined;
    stage: string | undefined;
    limit: number | undefined;
    range: { from: string; to: string } | undefined;
  },
  args: QueryCall['args'],
): Promise<QueryResult> {
  switch (call.name) {
    case 'summarizePipelineByStage':
      return { name: call.name, data: await summarizePipelineByStage(db, scope, f) };
    case 'summarizePipelineByOwner':
      return { name: call.name, data: await summarizePipelineByOwner(db, scope, f) };
    case 'listOpenDeals':
      return { name: call.name, data: await listOpenDeals(db, scope, { ...f, sort: args.sort }) };
    case 'sumDeals':
      return {
        name: call.name,
        data: await sumDeals(db, scope, { ...f, status: args.status ?? 'open' }),
      };
    case 'listDealsClosing':
      return {
        name: call.name,
        data: await listDealsClosing(db, scope, { ...f, range: f.range! }),
      };
    case 'listOverdueFollowups':
      return { name: call.name, data: await listOverdueFollowups(db, scope, f) };
    case 'listStalledDeals':
      return { name: call.name, data: await listStalledDeals(db, scope, f) };
    case 'getDealStatus':
      return {
        name: call.name,
        data: await getDealStatus(db, scope, { account: args.account ?? '' }),
      };
    case 'computeStageFunnel':
      return { name: call.name, data: await computeStageFunnel(db, scope, f) };
    case 'measureStageDurations':
      return { name: call.name, data: await measureStageDurations(db, scope, f) };
    case 'measureWinRate':
      return { name: call.name, data: await measureWinRate(db, scope, f) };
    case 'rankLossReasons':
      return { name: call.name, data: await rankLossReasons(db, scope, f) };
    case 'summarizeRepActivity':
      return {
        name: call.name,
        data: await summarizeRepActivity(db, scope, { ...f, range: f.range! }),
      };
    case 'summarizeWeeklyTrend':
      return {
        name: call.name,
        data: await summarizeWeeklyTrend(db, scope, { ...f, weeks: args.weeks }),
      };
  }
}

/**
 * What every query is scoped by: the workspace, what the asker may see, the
 * stage template, the asker's clock and timezone, and the workspace's
 * currency settings. Built once per question from the session.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Member, Workspace } from '../../db/schema.ts';
import { ForbiddenError } from '../../errors.ts';
import { addDays, startOfLocalDay, toLocalDate } from '../../lib/time.ts';
import { visibleOwnerFilter } from '../permissions.ts';
import type { StageTemplate } from '../stages.ts';
import { memberTimezone, templateOf } from '../workspaces.ts';

export interface QueryScope {
  workspaceId: string;
  /** Only this member's deals (visibility `own` for a rep), or null for the whole team. */
  visibleOwnerId: string | null;
  template: StageTemplate;
  /** The asker's IANA timezone: period words and "today" resolve here. */
  timezone: string;
  now: Date;
  /** Today in `timezone`. */
  today: string;
  /** The workspace currency, and rates into it (one unit of CODE is worth RATE of it). */
  currency: string;
  fxRates: Record<string, number>;
}

export function queryScope(
  workspace: Workspace,
  member: Member,
  now: Date,
  timezone = memberTimezone(member, workspace),
): QueryScope {
  const rates: Record<string, number> = {};
  for (const [code, rate] of Object.entries(workspace.settings.fxRates ?? {})) {
    if (/^[A-Z]{3}$/.test(code) && typeof rate === 'number' && rate > 0 && Number.isFinite(rate))
      rates[code] = rate;
  }
  return {
    workspaceId: workspace.id,
    visibleOwnerId: visibleOwnerFilter(member, workspace),
    template: templateOf(workspace),
    timezone,
    now,
    today: toLocalDate(now, timezone),
    currency: workspace.currency,
    fxRates: rates,
  };
}

/**
 * The owner a query must filter by: the one asked for, else the asker's own
 * deals under visibility `own`, else none. Asking for a teammate's deals
 * under `own` is refused, whatever the caller passed.
 */
export function ownerFilter(scope: QueryScope, ownerId: string | undefined): string | null {
  if (scope.visibleOwnerId && ownerId && ownerId !== scope.visibleOwnerId)
    throw new ForbiddenError('this workspace shows reps only their own deals');
  return ownerId ?? scope.visibleOwnerId;
}

/** `and <column> = owner` when there is an owner to filter by. */
export function ownerClause(column: SQL, owner: string | null): SQL {
  return owner ? sql` and ${column} = ${owner}` : sql``;
}

export interface DateRange {
  /** YYYY-MM-DD, inclusive, in the scope's timezone. */
  from: string;
  to: string;
}

/** A local-date range as instants in the scope's timezone: [start, end). */
export function rangeInstants(scope: QueryScope, range: DateRange): { start: Date; end: Date } {
  return {
    start: startOfLocalDay(range.from, scope.timezone),
    end: startOfLocalDay(addDays(range.to, 1), scope.timezone),
  };
}

/** `and <column> >= start and <column> < end` for a timestamp column, or nothing. */
export function timeClause(scope: QueryScope, column: SQL, range: DateRange | undefined): SQL {
  if (!range) return sql``;
  const { start, end } = rangeInstants(scope, range);
  return sql` and ${column} >= ${start.toISOString()}::timestamptz and ${column} < ${end.toISOString()}::timestamptz`;
}

/** A VALUES list of the template's stages with their order, probability and stale threshold. */
export function stageValues(scope: QueryScope, keys?: readonly string[]): SQL {
  const stages = scope.template.stages.filter((s) => !keys || keys.includes(s.key));
  return sql.join(
    stages.map(
      (s, i) =>
        sql`(${s.key}::text, ${i + 1}::int, ${s.probability}::numeric, ${s.staleDays}::int)`,
    ),
    sql`, `,
  );
}

/** Clamp a caller's limit to what a chat answer can show. */
export function clampLimit(limit: number | undefined, fallback = 10, max = 50): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}

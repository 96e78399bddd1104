/** Building a workspace's digest: the period it covers, its figures and its reply. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Reply } from '../assistant/types.ts';
import type { Executor } from '../db/connect.ts';
import { jobRuns, type Workspace } from '../db/schema.ts';
import { addDays, isoWeekdayOf, toLocalDate } from '../lib/time.ts';
import { loadDigestRows } from '../pipeline/reports/digestData.ts';
import { type DigestFigures, digestFigures } from '../pipeline/reports/digestFigures.ts';
import { digestReply } from './digestReply.ts';
import { digestKey, digestSlot } from './slots.ts';

/** What a digest run decided before sending (kept in job_runs.result): the period it covers. */
export interface DigestPlan {
  from: string;
  until: string;
}

const DAY_MS = 86_400_000;
/** How far back a digest looks for the previous one, in days. */
const LOOKBACK_DAYS = 14;

/**
 * Where the digest due on `date` starts: where the last digest sent before it
 * ended, else at the previous working day's digest time (so Monday's covers
 * the weekend), else a day before `until`.
 */
export async function digestStart(
  db: Executor,
  ws: Workspace,
  date: string,
  until: Date,
): Promise<Date> {
  const earlier = Array.from({ length: LOOKBACK_DAYS }, (_, i) => addDays(date, -(i + 1)));
  const rows = await db
    .select({ result: jobRuns.result })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.job, 'digest'),
        inArray(
          jobRuns.slot,
          earlier.map((d) => digestKey(ws.id, d)),
        ),
        eq(jobRuns.status, 'done'),
      ),
    );
  const ends = rows
    .map((r) => Date.parse((r.result as { plan?: DigestPlan } | null)?.plan?.until ?? ''))
    .filter((t) => Number.isFinite(t) && t < until.getTime());
  if (ends.length) return new Date(Math.max(...ends));
  for (const d of earlier.slice(0, 7)) {
    const slot = digestSlot({ ...ws, digestChannel: ws.digestChannel ?? '-' }, d);
    if (slot && slot.dueAt < until) return slot.dueAt;
  }
  return new Date(until.getTime() - DAY_MS);
}

/** The digest for the period [from, until), as of `until`. Three queries. */
export async function buildDigest(
  db: Executor,
  ws: Workspace,
  period: { from: Date; until: Date },
): Promise<{ reply: Reply; figures: DigestFigures; today: string }> {
  const { from, until } = period;
  const today = toLocalDate(until, ws.timezone);
  const weekly = isoWeekdayOf(today) === 1;
  const weekFrom = new Date(until.getTime() - 7 * DAY_MS);
  const range = { from, until, today, now: until };
  const rows = await loadDigestRows(db, ws, {
    ...range,
    from: weekly && weekFrom < from ? weekFrom : from,
  });
  const figures = digestFigures(ws, rows, range);
  return { reply: digestReply(ws, figures, { from, today }), figures, today };
}

/**
 * Slot claims in `job_runs`. A slot is inserted with ON CONFLICT DO NOTHING
 * RETURNING before anything is sent, so only one scheduler wins it; the
 * winner holds a lease (claimed_by, lease_until) that another replica may
 * retake once it lapses, which is how a crash between claim and send is
 * recovered. Every write after the claim is conditional on still holding it.
 */
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { type JobRun, jobRuns } from '../db/schema.ts';
import type { JobName, Slot } from './slots.ts';

/** After this many failed attempts a slot is given up (status `failed`). */
export const MAX_ATTEMPTS = 3;

const jobsOf = (slots: readonly Slot[]): JobName[] => [...new Set(slots.map((s) => s.job))];

/** The job_runs rows that exist for these slots, by slot key. */
export async function loadRuns(db: Executor, slots: readonly Slot[]): Promise<Map<string, JobRun>> {
  if (slots.length === 0) return new Map();
  const rows = await db
    .select()
    .from(jobRuns)
    .where(
      and(
        inArray(jobRuns.job, jobsOf(slots)),
        // One text parameter rather than one per slot: a tick over 1,000 workspaces asks for
        // over 10,000 slots, and binding that many parameters costs more than the lookup.
        sql`${jobRuns.slot} = any(string_to_array(${slots.map((s) => s.key).join(',')}, ','))`,
      ),
    );
  return new Map(rows.map((r) => [r.slot, r]));
}

/**
 * Claim slots for `owner`: new ones by insert, abandoned ones (status
 * `claimed`, lease lapsed) by taking the lease over. Returns the rows this
 * caller now holds; a slot someone else holds is simply absent.
 */
export async function claimSlots(
  db: Executor,
  slots: readonly Slot[],
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<JobRun[]> {
  if (slots.length === 0) return [];
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const inserted = await db
    .insert(jobRuns)
    .values(
      slots.map((s) => ({
        job: s.job,
        slot: s.key,
        workspaceId: s.workspaceId,
        status: 'claimed' as const,
        claimedBy: owner,
        leaseUntil,
        attempts: 1,
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: [jobRuns.job, jobRuns.slot] })
    .returning();
  const won = new Set(inserted.map((r) => r.slot));
  const rest = slots.filter((s) => !won.has(s.key));
  if (rest.length === 0) return inserted;
  const retaken = await db
    .update(jobRuns)
    .set({ claimedBy: owner, leaseUntil, attempts: sql`${jobRuns.attempts} + 1` })
    .where(
      and(
        inArray(jobRuns.job, jobsOf(rest)),
        inArray(
          jobRuns.slot,
          rest.map((s) => s.key),
        ),
        eq(jobRuns.status, 'claimed'),
        or(isNull(jobRuns.leaseUntil), lt(jobRuns.leaseUntil, now)),
      ),
    )
    .returning();
  return [...inserted, ...retaken];
}

/** Keep what a run decided (its plan) so that a re-run after a crash sends the same thing. */
export async function saveRunResult(
  db: Executor,
  run: JobRun,
  owner: string,
  result: unknown,
): Promise<boolean> {
  const rows = await db
    .update(jobRuns)
    .set({ result })
    .where(and(eq(jobRuns.id, run.id), eq(jobRuns.claimedBy, owner), eq(jobRuns.status, 'claimed')))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

export async function finishRun(
  db: Executor,
  run: JobRun,
  owner: string,
  result: unknown,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(jobRuns)
    .set({ status: 'done', result, finishedAt: now, leaseUntil: null })
    .where(and(eq(jobRuns.id, run.id), eq(jobRuns.claimedBy, owner), eq(jobRuns.status, 'claimed')))
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

/**
 * A run that threw: retried by any replica after `retryMs`, given up after
 * MAX_ATTEMPTS. What it decided (its result) is kept for the retry.
 */
export async function failRun(
  db: Executor,
  run: JobRun,
  owner: string,
  error: string,
  now: Date,
  retryMs: number,
): Promise<'retry' | 'failed'> {
  const giveUp = run.attempts >= MAX_ATTEMPTS;
  const base = (run.result && typeof run.result === 'object' ? run.result : {}) as Record<
    string,
    unknown
  >;
  await db
    .update(jobRuns)
    .set(
      giveUp
        ? { status: 'failed', finishedAt: now, leaseUntil: null, result: { ...base, error } }
        : {
            claimedBy: null,
            leaseUntil: new Date(now.getTime() + retryMs),
            result: { ...base, error },
          },
    )
    .where(
      and(eq(jobRuns.id, run.id), eq(jobRuns.claimedBy, owner), eq(jobRuns.status, 'claimed')),
    );
  return giveUp ? 'failed' : 'retry';
}

/**
 * Record slots that were missed by more than the catch-up window as
 * `skipped` (new ones, and abandoned claims). Returns the slots this call
 * recorded, so each is logged once, by one replica.
 */
export async function skipSlots(
  db: Executor,
  slots: readonly Slot[],
  now: Date,
  reason: string,
): Promise<Slot[]> {
  if (slots.length === 0) return [];
  const inserted = await db
    .insert(jobRuns)
    .values(
      slots.map((s) => ({
        job: s.job,
        slot: s.key,
        workspaceId: s.workspaceId,
        status: 'skipped' as const,
        attempts: 0,
        result: { reason, dueAt: s.dueAt.toISOString() },
        createdAt: now,
        finishedAt: now,
      })),
    )
    .onConflictDoNothing({ target: [jobRuns.job, jobRuns.slot] })
    .returning({ slot: jobRuns.slot });
  const abandoned = await db
    .update(jobRuns)
    .set({ status: 'skipped', finishedAt: now, leaseUntil: null, claimedBy: null })
    .where(
      and(
        inArray(jobRuns.job, jobsOf(slots)),
        inArray(
          jobRuns.slot,
          slots.map((s) => s.key),
        ),
        eq(jobRuns.status, 'claimed'),
        or(isNull(jobRuns.leaseUntil), lt(jobRuns.leaseUntil, now)),
      ),
    )
    .returning({ slot: jobRuns.slot });
  const recorded = new Set([...inserted, ...abandoned].map((r) => r.slot));
  return slots.filter((s) => recorded.has(s.key));
}

/** On shutdown: let another replica take over at once whatever this one still holds. */
export async function releaseLeases(db: Executor, owner: string, now: Date): Promise<number> {
  const rows = await db
    .update(jobRuns)
    .set({ claimedBy: null, leaseUntil: now })
    .where(and(eq(jobRuns.claimedBy, owner), eq(jobRuns.status, 'claimed')))
    .returning({ id: jobRuns.id });
  return rows.length;
}

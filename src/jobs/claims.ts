/**
 * Slot claims in `job_runs`. A slot is inserted with ON CONFLICT DO NOTHING
 * RETURNING before anything is sent, so only one scheduler wins it; the
 * winner holds a lease (claimed_by, lease_until) that another replica may
 * retake once it lapses, which is how a crash between claim and send is
 * recovered. Every write after the claim is conditional on still holding it.
 */
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connect.ts';
import { type JobRun, jobRuns } from '../db/schema.ts';
import type { JobName, Slot } from './slots.ts';

/** After this many failed attempts a slot is given up (status `failed`). */
export const MAX_ATTEMPTS = 3;

const jobsOf = (slots: readonly Slot[]): JobName[] => [...new Set(slots.map((s) => s.job))];

/** Slots per insert: 1,000 rows of about ten columns each. */
const BATCH = 1_000;

/**
 * `slot in (…)` as one text parameter rather than one per slot: a tick over
 * 1,000 workspaces asks for over 10,000 slots, and binding that many
 * parameters costs more than the lookup (slot keys never contain commas).
 */
const slotIn = (slots: readonly Slot[]) =>
  sql`${jobRuns.slot} = any(string_to_array(${slots.map((s) => s.key).join(',')}, ','))`;

/** The job_runs rows that exist for these slots, by slot key. */
export async function loadRuns(db: Executor, slots: readonly Slot[]): Promise<Map<string, JobRun>> {
  if (slots.length === 0) return new Map();
  const rows = await db
    .select()
    .from(jobRuns)
    .where(and(inArray(jobRuns.job, jobsOf(slots)), slotIn(slots)));
  return new Map(rows.map((r) => [r.slot, r]));
}

/**
 * The slots a tick may act on: those with no run yet, and claims whose lease
 * has lapsed. `finished` remembers slots known to be over (done, skipped,
 * failed — states that never change back), so that a tick asks the
 * database only about the rest: after the morning rush nearly every slot of
 * the last day is finished, and asking about all of them every minute would
 * cost more than deciding. Keys of slots no longer looked at are forgotten.
 */
export async function actionableSlots(
  db: Executor,
  slots: readonly Slot[],
  now: Date,
  finished: Set<string> = new Set(),
): Promise<Set<string>> {
  const current = new Set(slots.map((s) => s.key));
  for (const key of finished) if (!current.has(key)) finished.delete(key);
  const unknown = slots.filter((s) => !finished.has(s.key));
  const open = new Set<string>();
  if (unknown.length === 0) return open;
  const rows = await queryRows<{ slot: string; status: string; lease_until: string | Date | null }>(
    db,
    sql`select r.slot, r.status, r.lease_until from job_runs r
        join unnest(string_to_array(${unknown.map((s) => s.key).join(',')}, ',')) as k(slot)
          on r.job = split_part(k.slot, ':', 1) and r.slot = k.slot`,
  );
  const runs = new Map(rows.map((r) => [r.slot, r]));
  for (const s of unknown) {
    const run = runs.get(s.key);
    if (!run) open.add(s.key);
    else if (run.status !== 'claimed') finished.add(s.key);
    else if (!run.lease_until || new Date(run.lease_until).getTime() <= now.getTime())
      open.add(s.key);
  }
  return open;
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
  if (slots.length > BATCH) {
    const held: JobRun[] = [];
    for (let i = 0; i < slots.length; i += BATCH)
      held.push(...(await claimSlots(db, slots.slice(i, i + BATCH), owner, now, leaseMs)));
    return held;
  }
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
        slotIn(rest),
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
  const recorded = new Set<string>();
  // After a long outage every member's slots are missed at once: insert them in batches,
  // well under the 65,535 bind parameters one statement may carry.
  for (let i = 0; i < slots.length; i += BATCH) {
    const batch = slots.slice(i, i + BATCH);
    const inserted = await db
      .insert(jobRuns)
      .values(
        batch.map((s) => ({
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
          inArray(jobRuns.job, jobsOf(batch)),
          slotIn(batch),
          eq(jobRuns.status, 'claimed'),
          or(isNull(jobRuns.leaseUntil), lt(jobRuns.leaseUntil, now)),
        ),
      )
      .returning({ slot: jobRuns.slot });
    for (const r of [...inserted, ...abandoned]) recorded.add(r.slot);
  }
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

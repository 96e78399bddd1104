/**
 * The scheduler. node-cron ticks once a minute; a tick only decides which
 * slots are due (`dueSlots`), records the ones missed beyond the catch-up
 * window as skipped, claims the rest in `job_runs` and runs what it won. All
 * of it is `tick(now)`, so tests drive it with their own clock.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { inArray, sql } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import type { OutboundRegistry } from '../assistant/outbound.ts';
import type { Db } from '../db/connect.ts';
import { members, type Platform, type Workspace, workspaces } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import { actionableSlots, claimSlots, releaseLeases, skipSlots } from './claims.ts';
import { type RunContext, runDigestSlot, runNudgeSlots, type SlotReport } from './run.ts';
import { dueSlots, isQuietAt, type Slot } from './slots.ts';

export const DEFAULT_CATCH_UP_MS = 3 * 3_600_000;
export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface SchedulerOptions {
  db: Db;
  /** The running adapters' Outbounds; read at every tick, so adapters may register late. */
  outbounds: OutboundRegistry;
  logger: Logger;
  /** This instance's name in `job_runs.claimed_by` (default: host, pid and a random suffix). */
  owner?: string;
  /** Slots missed by more than this are skipped and logged, not sent late (default 3 h). */
  catchUpMs?: number;
  /** How long a claim holds before another replica may retake it (default 5 min). */
  leaseMs?: number;
  /** How long a failed run waits before a retry (default: the lease). */
  retryMs?: number;
  now?: () => Date;
}

export interface TickReport {
  ran: SlotReport[];
  /** Slots recorded as skipped by this tick (missed beyond the catch-up window). */
  skipped: string[];
}

export interface Scheduler {
  readonly owner: string;
  /** Decide and run what is due at `now`. Never throws for one failing job. */
  tick(now?: Date): Promise<TickReport>;
  /** Tick every minute (and once right away, to catch up after downtime). */
  start(): void;
  /** Stop ticking, let a tick in flight finish, release this instance's leases. */
  stop(): Promise<void>;
}

export function instanceName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const owner = options.owner ?? instanceName();
  const catchUpMs = options.catchUpMs ?? DEFAULT_CATCH_UP_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const clock = options.now ?? (() => new Date());
  const { db, logger } = options;
  // Slots older than the window are still looked at for a while, so that each is logged once.
  const lookbackMs = Math.max(catchUpMs, 0) + 24 * 3_600_000;
  /** Slots known to be over (done, skipped, failed): not asked about again. */
  const finished = new Set<string>();
  let task: ScheduledTask | null = null;
  let inFlight: Promise<TickReport> | null = null;
  let stopping = false;

  async function tick(now: Date = clock()): Promise<TickReport> {
    const registry = options.outbounds;
    const platforms = Object.keys(registry) as Platform[];
    const report: TickReport = { ran: [], skipped: [] };
    if (platforms.length === 0) return report;
    const wss = await db.select().from(workspaces).where(inArray(workspaces.platform, platforms));
    if (wss.length === 0) return report;
    // Only what deciding needs; whole member rows are loaded for the nudges that are due.
    const ms = await db
      .select({
        id: members.id,
        workspaceId: members.workspaceId,
        timezone: members.timezone,
        quietStart: members.quietStart,
        quietEnd: members.quietEnd,
        canWrite: members.canWrite,
        settings: members.settings,
      })
      .from(members)
      .where(
        inArray(
          members.workspaceId,
          db
            .select({ id: workspaces.id })
            .from(workspaces)
            .where(inArray(workspaces.platform, platforms)),
        ),
      );
    const slots = dueSlots(now, wss, ms, lookbackMs);
    if (slots.length === 0) return report;
    const wsById = new Map(wss.map((w) => [w.id, w]));
    const scheduleMemberById = new Map(ms.map((m) => [m.id, m]));
    const open = await actionableSlots(db, slots, now, finished);
    const late: Slot[] = [];
    const ready: Slot[] = [];
    for (const slot of slots) {
      if (!open.has(slot.key)) continue;
      if (slot.dueAt.getTime() < now.getTime() - catchUpMs) {
        late.push(slot);
        continue;
      }
      const member = slot.memberId ? scheduleMemberById.get(slot.memberId) : undefined;
      const ws = wsById.get(slot.workspaceId) as Workspace;
      // A catch-up that lands in quiet hours waits for them to end (or for the window to close).
      if (member && isQuietAt(now, member, ws)) continue;
      ready.push(slot);
    }
    const nudgeMembers = ready.flatMap((s) => (s.memberId ? [s.memberId] : []));
    const memberById = new Map(
      nudgeMembers.length
        ? (
            await db
              .select()
              .from(members)
              .where(
                sql`${members.id} = any(string_to_array(${nudgeMembers.join(',')}, ',')::uuid[])`,
              )
          ).map((m) => [m.id, m])
        : [],
    );
    for (const s of await skipSlots(db, late, now, 'missed')) {
      report.skipped.push(s.key);
      logger.warn(
        { slot: s.key, workspaceId: s.workspaceId, dueAt: s.dueAt.toISOString() },
        'skipped a slot missed by more than the catch-up window',
      );
    }
    const ctx: RunContext = {
      db,
      outbounds: registry,
      logger,
      owner,
      retryMs: options.retryMs ?? leaseMs,
    };
    for (const [wsId, group] of groupBy(ready, (s) => s.workspaceId)) {
      // One workspace's trouble (a lost connection mid-claim, say) does not hold up the others.
      try {
        const ws = wsById.get(wsId) as Workspace;
        const claimed = await claimSlots(db, group, owner, now, leaseMs);
        const bySlot = new Map(group.map((s) => [s.key, s]));
        const pairs = claimed.map((run) => ({ run, slot: bySlot.get(run.slot) as Slot }));
        for (const c of pairs.filter((p) => p.slot.job === 'digest'))
          report.ran.push(await runDigestSlot(ctx, ws, c, now));
        const nudges = pairs.filter((p) => p.slot.job === 'nudge');
        if (nudges.length)
          report.ran.push(...(await runNudgeSlots(ctx, ws, nudges, memberById, now)));
      } catch (err) {
        logger.error({ err, workspaceId: wsId }, 'scheduled jobs for a workspace failed');
      }
    }
    return report;
  }

  function runTick(): void {
    if (stopping || inFlight) return;
    const now = clock();
    inFlight = tick(now)
      .catch((err) => {
        logger.error({ err }, 'scheduler tick failed');
        return { ran: [], skipped: [] };
      })
      .finally(() => {
        inFlight = null;
      });
  }

  return {
    owner,
    tick,
    start() {
      stopping = false;
      task = cron.createTask('* * * * *', runTick, { name: `pipebot-${owner}`, noOverlap: true });
      task.start();
      runTick();
    },
    async stop() {
      stopping = true;
      if (task) {
        await task.stop();
        await task.destroy();
        task = null;
      }
      if (inFlight) await inFlight;
      const released = await releaseLeases(db, owner, clock());
      if (released) logger.info({ released }, 'released job leases');
    },
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

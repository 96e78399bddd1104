/** `pipebot nudges [--dry-run]`: each member's nudge as it stands now (or --now), printed or sent. */
import { and, eq } from 'drizzle-orm';
import { renderReply } from '../adapters/console/render.ts';
import { members } from '../db/schema.ts';
import { claimSlots, loadRuns } from '../jobs/claims.ts';
import { nudgePlan, renderNudge, runNudgeSlots } from '../jobs/run.ts';
import { isQuietAt, isWorkingDay, nudgeKey, nudgesEnabled, type Slot } from '../jobs/slots.ts';
import { toLocalDate } from '../lib/time.ts';
import { collectNudgeItems } from '../pipeline/nudges.ts';
import { memberTimezone } from '../pipeline/workspaces.ts';
import type { Command } from './command.ts';
import { CLI_LEASE_MS, cliRunContext, existingConsoleWorkspace } from './jobWorkspace.ts';

export const nudgesCommand: Command = {
  name: 'nudges',
  summary: 'print (--dry-run) or send each member’s follow-up nudge as it stands now',
  usage: ['nudges [--dry-run]'],
  options: { 'dry-run': { type: 'boolean' } },
  details: [
    'Members in their quiet hours or on a non-working day are held back, as the scheduler',
    'would. Sending claims each member’s nudge slot for today, so nothing is sent twice.',
  ],
  async run(ctx, values) {
    const database = await ctx.openDb();
    const db = database.db;
    const ws = await existingConsoleWorkspace(ctx, db);
    const now = ctx.now();
    const dry = Boolean(values['dry-run']);
    const all = await db
      .select()
      .from(members)
      .where(and(eq(members.workspaceId, ws.id), eq(members.canWrite, true)))
      .orderBy(members.displayName);
    ctx.print(
      `nudges for "${ws.name || ws.externalId}" at ${now.toISOString()}${dry ? ' (dry run: nothing is sent)' : ''}`,
    );
    if (!nudgesEnabled(ws))
      ctx.print('note: nudges are off for this workspace (settings nudges on)');

    const held = new Map<string, string>();
    for (const m of all) {
      const date = toLocalDate(now, memberTimezone(m, ws));
      if (!isWorkingDay(ws, date)) held.set(m.id, `${date} is not a working day`);
      else if (isQuietAt(now, m, ws)) held.set(m.id, 'quiet hours');
    }
    const slots: Slot[] = all.map((m) => {
      const date = toLocalDate(now, memberTimezone(m, ws));
      return {
        job: 'nudge',
        key: nudgeKey(m.id, date),
        workspaceId: ws.id,
        memberId: m.id,
        date,
        dueAt: now,
      };
    });
    const done = await loadRuns(db, slots);
    const items = await collectNudgeItems(db, ws, all, now);
    const nothing: string[] = [];
    const toSend: Slot[] = [];
    for (const [i, m] of all.entries()) {
      const slot = slots[i] as Slot;
      const name = `${m.displayName} (${m.externalId})`;
      const prior = done.get(slot.key);
      if (prior && prior.status !== 'claimed') {
        ctx.print(
          `${name}: today’s nudge was already ${prior.status === 'done' ? 'sent' : prior.status}`,
        );
        continue;
      }
      const plan = nudgePlan(ws, m, slot.date, items.get(m.id) ?? []);
      if (plan.items.length === 0) {
        nothing.push(m.displayName);
        continue;
      }
      const reason = held.get(m.id);
      if (dry) {
        ctx.print(`→ ${name}${reason ? ` — held now: ${reason}` : ''}`);
        ctx.print(renderReply(renderNudge(ws, m, plan)));
      } else if (reason) ctx.print(`${name}: held (${reason})`);
      else toSend.push(slot);
    }
    let failed = 0;
    if (toSend.length) {
      const rc = cliRunContext(ctx, db, now);
      const claimed = await claimSlots(db, toSend, rc.owner, now, CLI_LEASE_MS);
      const bySlot = new Map(toSend.map((s) => [s.key, s]));
      if (claimed.length < toSend.length)
        ctx.print(`${toSend.length - claimed.length} being sent by another process`);
      const reports = await runNudgeSlots(
        rc,
        ws,
        claimed.map((run) => ({ run, slot: bySlot.get(run.slot) as Slot })),
        new Map(all.map((m) => [m.id, m])),
        now,
      );
      failed = reports.filter((r) => r.outcome === 'failed' || r.outcome === 'retry').length;
    }
    if (nothing.length) ctx.print(`nothing to nudge: ${nothing.join(', ')}`);
    return failed ? 1 : 0;
  },
};

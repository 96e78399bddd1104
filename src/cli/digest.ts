/** `pipebot digest [--dry-run]`: the workspace's digest as of now (or --now), printed or posted. */
import { renderReply } from '../adapters/console/render.ts';
import { claimSlots } from '../jobs/claims.ts';
import { buildDigest, digestStart } from '../jobs/digest.ts';
import { runDigestSlot } from '../jobs/run.ts';
import { digestKey, isWorkingDay } from '../jobs/slots.ts';
import { toLocalDate } from '../lib/time.ts';
import type { Command } from './command.ts';
import { CLI_LEASE_MS, cliRunContext, existingConsoleWorkspace } from './jobWorkspace.ts';

export const digestCommand: Command = {
  name: 'digest',
  summary: 'print (--dry-run) or post the daily digest as it stands now',
  usage: ['digest [--dry-run]'],
  options: { 'dry-run': { type: 'boolean' } },
  details: [
    'Covers the changes since the last digest posted (else since the previous working day’s',
    'digest time). Posting claims today’s digest slot, so the scheduler will not post it again.',
  ],
  async run(ctx, values) {
    const database = await ctx.openDb();
    const db = database.db;
    const ws = await existingConsoleWorkspace(ctx, db);
    const now = ctx.now();
    const date = toLocalDate(now, ws.timezone);
    const notes: string[] = [];
    if (!ws.digestChannel)
      notes.push('no digest channel is set, so the scheduler posts none (settings digest-channel)');
    if (!isWorkingDay(ws, date))
      notes.push(`${date} is not a working day: the scheduler posts none`);

    if (values['dry-run']) {
      const from = await digestStart(db, ws, date, now);
      const { reply } = await buildDigest(db, ws, { from, until: now });
      ctx.print(
        `digest for "${ws.name || ws.externalId}" on ${date} → #${ws.digestChannel ?? 'none'} (dry run: nothing is posted)`,
      );
      for (const n of notes) ctx.print(`note: ${n}`);
      ctx.print(renderReply(reply));
      return 0;
    }

    const slot = {
      job: 'digest' as const,
      key: digestKey(ws.id, date),
      workspaceId: ws.id,
      memberId: null,
      date,
      dueAt: now,
    };
    const rc = cliRunContext(ctx, db, now);
    const [claimed] = await claimSlots(db, [slot], rc.owner, now, CLI_LEASE_MS);
    if (!claimed) {
      ctx.print(`the digest for ${date} was already posted (or is being posted)`);
      return 0;
    }
    const report = await runDigestSlot(rc, ws, { run: claimed, slot }, now);
    if (report.outcome === 'duplicate') ctx.print(`the digest for ${date} was already posted`);
    return report.outcome === 'failed' || report.outcome === 'retry' ? 1 : 0;
  },
};

/** Builders shared by the jobs suites: workspaces with a digest channel, deals with follow-ups, retiring. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connect.ts';
import { type Member, type Workspace, workspaces } from '../../src/db/schema.ts';
import { applyUpdate } from '../../src/pipeline/deals.ts';
import type { DealUpdate } from '../../src/understand/extraction.ts';
import { makeWorkspace, upd } from '../helpers/fixtures.ts';

export async function jobWorkspace(
  db: Db,
  opts: {
    timezone?: string;
    locale?: 'en' | 'zh-CN';
    currency?: string;
    workingDays?: number[];
    digestTime?: string;
    settings?: Workspace['settings'];
  } = {},
): Promise<Workspace> {
  const ws = await makeWorkspace(db, {
    timezone: opts.timezone ?? 'UTC',
    locale: opts.locale ?? 'en',
    currency: opts.currency ?? 'USD',
  });
  const [row] = await db
    .update(workspaces)
    .set({
      digestChannel: 'C-digest',
      digestTime: opts.digestTime ?? '09:00',
      workingDays: opts.workingDays ?? [1, 2, 3, 4, 5],
      settings: opts.settings ?? {},
    })
    .where(eq(workspaces.id, ws.id))
    .returning();
  return row as Workspace;
}

/** Stop a test's workspaces from having slots, so later tests' ticks do not see them. */
export async function retire(db: Db, ...wss: Workspace[]): Promise<void> {
  for (const ws of wss) {
    await db
      .update(workspaces)
      .set({
        digestChannel: null,
        settings: sql`${workspaces.settings} || '{"nudges": false}'::jsonb`,
      })
      .where(eq(workspaces.id, ws.id));
  }
}

/** Apply an update as `member` at `now`; returns the deal. */
export async function update(
  db: Db,
  ws: Workspace,
  member: Member,
  now: Date,
  fields: Partial<DealUpdate> & { account: string },
) {
  const out = await applyUpdate(db, { workspace: ws, member, now }, upd(fields));
  if (out.status !== 'applied') throw new Error(`update failed: ${out.status}`);
  return out.deal;
}

/** The console workspace and member a one-shot command acts as. */
import type { Db } from '../db/connect.ts';
import type { Member, Workspace } from '../db/schema.ts';
import { ensureMember, ensureWorkspace } from '../pipeline/workspaces.ts';
import type { CliContext } from './command.ts';

export async function consoleIdentity(
  ctx: CliContext,
  db: Db,
  user: string | undefined,
): Promise<{ workspace: Workspace; member: Member }> {
  const config = ctx.config();
  const workspace = await ensureWorkspace(
    db,
    { platform: 'console', externalId: ctx.global.workspace, name: ctx.global.workspace },
    config.defaults,
  );
  const name = user ?? 'admin';
  const member = await ensureMember(db, workspace, { externalId: name, displayName: name });
  return { workspace, member };
}

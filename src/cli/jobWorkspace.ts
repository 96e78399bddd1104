/** What `pipebot digest` and `pipebot nudges` share: the workspace they act on and how they send. */
import { and, eq } from 'drizzle-orm';
import { createConsoleOutbound } from '../adapters/console/outbound.ts';
import type { Db } from '../db/connect.ts';
import { type Workspace, workspaces } from '../db/schema.ts';
import type { RunContext } from '../jobs/run.ts';
import { type CliContext, UsageError } from './command.ts';

/** The console workspace named by --workspace; an error (not a new, empty one) when it is missing. */
export async function existingConsoleWorkspace(ctx: CliContext, db: Db): Promise<Workspace> {
  const [ws] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, ctx.global.workspace)))
    .limit(1);
  if (!ws)
    throw new UsageError(
      `no workspace "${ctx.global.workspace}" yet (chat with pipebot, or run pipebot seed-demo, first)`,
    );
  return ws;
}

/** Running jobs from the command line: claims under this process's name, posts printed. */
export function cliRunContext(ctx: CliContext, db: Db, now: Date): RunContext {
  return {
    db,
    outbounds: { console: createConsoleOutbound(db, ctx.io.stdout, () => now) },
    logger: ctx.logger(),
    owner: `cli:${process.pid}`,
    retryMs: 60_000,
  };
}

export const CLI_LEASE_MS = 5 * 60_000;

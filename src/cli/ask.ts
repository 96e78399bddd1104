/** `pipebot ask [--json] [--as NAME] [--chart FILE.png] QUESTION` — answer a pipeline question. */
import { writeFile } from 'node:fs/promises';
import { and, asc, eq } from 'drizzle-orm';
import { renderReply } from '../adapters/console/render.ts';
import { createApp } from '../app.ts';
import type { ChartRenderer } from '../assistant/answers/charts.ts';
import { sessionFor } from '../assistant/context.ts';
import { renderChartSpec } from '../charts/fromAnswer.ts';
import type { Db } from '../db/connect.ts';
import { type Member, members, type Workspace } from '../db/schema.ts';
import { ensureMember, ensureWorkspace, findMemberByName } from '../pipeline/workspaces.ts';
import { type CliContext, type Command, UsageError } from './command.ts';

/** The asker: a member by id or name; without --as, the workspace's first admin. */
async function asker(db: Db, workspace: Workspace, name: string | undefined): Promise<Member> {
  if (name) {
    const found = await findMemberByName(db, workspace.id, name);
    return found ?? ensureMember(db, workspace, { externalId: name, displayName: name });
  }
  const [admin] = await db
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, workspace.id), eq(members.role, 'admin')))
    .orderBy(asc(members.createdAt))
    .limit(1);
  return admin ?? ensureMember(db, workspace, { externalId: 'admin', displayName: 'admin' });
}

async function run(
  ctx: CliContext,
  values: Record<string, string | boolean | string[] | undefined>,
  positionals: string[],
  renderer: ChartRenderer | null,
): Promise<number> {
  const question = positionals.join(' ').trim();
  if (!question)
    throw new UsageError('give a question, e.g. pipebot ask "what is closing this month?"');
  const chartPath = values.chart as string | undefined;
  if (chartPath !== undefined && !/\.png$/i.test(chartPath))
    throw new UsageError('--chart must name a .png file');
  const as = values.as as string | undefined;
  if (as !== undefined && !as.trim()) throw new UsageError('--as needs a name');

  const config = ctx.config();
  const database = await ctx.openDb();
  const logger = ctx.logger(config.logLevel ?? 'warn');
  const app = createApp(config, database, logger, { now: () => ctx.now(), chartRenderer: null });
  const workspace = await ensureWorkspace(
    database.db,
    { platform: 'console', externalId: ctx.global.workspace, name: ctx.global.workspace },
    config.defaults,
  );
  const member = await asker(database.db, workspace, as?.trim());
  const session = sessionFor(workspace, member, ctx.now(), question);
  const outcome = await app.questions.ask(question, session);
  const text = outcome.replies
    .filter((r) => r.kind !== 'image')
    .map((r) => renderReply(r))
    .join('\n');

  if (values.json) {
    ctx.print(JSON.stringify({ query: outcome.query, result: outcome.result, text }, null, 2));
  } else {
    ctx.print(text);
  }

  if (chartPath === undefined) return 0;
  const a = session.t.answers;
  if (!outcome.chart) {
    ctx.io.stderr.write(`pipebot: ask: ${a.noChart}\n`);
    return 1;
  }
  if (!renderer) {
    ctx.io.stderr.write(`pipebot: ask: ${a.chartsUnavailable}\n`);
    return 1;
  }
  const png = await renderer(outcome.chart);
  await writeFile(chartPath, png);
  ctx.io.stderr.write(`pipebot: chart written to ${chartPath}\n`);
  return 0;
}

/** The command, with the chart renderer it should use (tests inject one). */
export function createAskCommand(renderer: ChartRenderer | null): Command {
  return {
    name: 'ask',
    summary: 'answer a pipeline question ("what is closing this month?", "本月有哪些单子要签?")',
    usage: ['ask [--json] [--as NAME] [--chart FILE.png] QUESTION'],
    options: {
      json: { type: 'boolean' },
      as: { type: 'string' },
      chart: { type: 'string' },
    },
    details: [
      '--json            print {"query": {name, args}, "result": …, "text": …}',
      '--as NAME         who is asking (visibility and "my deals"); default: the first admin',
      '--chart FILE.png  also write a chart (funnel, pipeline by stage, weekly trend)',
      'Period words resolve in the asker’s timezone; --now sets the clock.',
    ],
    run: (ctx, values, positionals) => run(ctx, values, positionals, renderer),
  };
}

export const askCommand: Command = createAskCommand(renderChartSpec);

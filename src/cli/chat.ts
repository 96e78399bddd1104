import { userInfo } from 'node:os';
import { runConsoleChat } from '../adapters/console/chat.ts';
import { createApp } from '../app.ts';
import type { CliContext, Command } from './command.ts';

function defaultUser(): string {
  try {
    return userInfo().username || 'me';
  } catch {
    return 'me';
  }
}

/** Console chat: used by `pipebot chat` and by `pipebot start` when no chat platform is configured. */
export async function consoleChat(ctx: CliContext, user: string | undefined): Promise<number> {
  const config = ctx.config();
  const database = await ctx.openDb();
  const logger = ctx.logger(config.logLevel ?? 'warn');
  const app = createApp(config, database, logger, ctx.global.now ? { now: () => ctx.now() } : {});
  const interactive = Boolean(ctx.io.stdin.isTTY);
  ctx.io.stderr.write(
    `pipebot: console chat on ${app.describe}${interactive ? ' — type “help”, or “exit” to leave' : ''}\n`,
  );
  const failures = await runConsoleChat({
    assistant: app.assistant,
    input: ctx.io.stdin,
    output: ctx.io.stdout,
    workspace: ctx.global.workspace,
    user: user ?? defaultUser(),
  });
  return failures > 0 && !interactive ? 1 : 0;
}

export const chatCommand: Command = {
  name: 'chat',
  summary: 'chat with pipebot in this terminal (reads one message a line from a pipe)',
  usage: ['chat [--as NAME]'],
  options: { as: { type: 'string' } },
  details: ['--as NAME   who is typing (default: your login name)'],
  run: (ctx, values) => consoleChat(ctx, values.as as string | undefined),
};

import { startServices } from '../main.ts';
import { consoleChat } from './chat.ts';
import type { Command } from './command.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the bot: Slack and Discord when configured, else the console chat',
  usage: ['start [--only NAME]'],
  options: { only: { type: 'string' } },
  details: [
    '--only NAME   run just this service (e.g. discord: each shard under `pipebot discord shards`)',
  ],
  async run(ctx, values) {
    const config = ctx.config();
    const only = values.only as string | undefined;
    if (!config.slack && !config.discord && only === undefined) return consoleChat(ctx, undefined);
    return startServices(ctx, config, only);
  },
};

import { startServices } from '../main.ts';
import { consoleChat } from './chat.ts';
import type { Command } from './command.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the bot: Slack and Discord when configured, else the console chat',
  usage: ['start'],
  async run(ctx) {
    const config = ctx.config();
    if (!config.slack && !config.discord) return consoleChat(ctx, undefined);
    return startServices(ctx, config);
  },
};

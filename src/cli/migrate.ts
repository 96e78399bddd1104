import type { Command } from './command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply database migrations (also done at every start)',
  usage: ['migrate'],
  async run(ctx) {
    const database = await ctx.openDb();
    ctx.print(`migrations applied on ${database.describe}`);
    return 0;
  },
};

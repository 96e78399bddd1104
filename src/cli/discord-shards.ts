import { startShards } from '../adapters/discord/shards.ts';
import { ConfigError, ENV_DOCS } from '../config.ts';
import { type Command, UsageError } from './command.ts';

export const discordShardsCommand: Command = {
  name: 'discord shards',
  summary: 'run the Discord bot as several shards (one process each) on one Postgres database',
  usage: ['discord shards [--count N|auto]'],
  options: { count: { type: 'string' } },
  details: [
    '--count N|auto   how many shards (default auto: Discord’s recommendation)',
    'Each shard runs `pipebot start --only discord`. Needs DATABASE_URL=postgres://… :',
    'the embedded database can be opened by one process only.',
  ],
  async run(ctx, values) {
    const raw = (values.count as string | undefined) ?? 'auto';
    if (raw !== 'auto' && !/^[1-9]\d{0,4}$/.test(raw))
      throw new UsageError('--count must be a positive whole number or auto');
    const config = ctx.config();
    if (!config.discord) {
      throw new ConfigError([
        {
          variable: 'DISCORD_TOKEN',
          problem: 'is required to run Discord shards',
          fix: ENV_DOCS.DISCORD_TOKEN ?? 'see README',
        },
      ]);
    }
    const url = config.database.url;
    if (!url || !/^postgres(ql)?:\/\//.test(url)) {
      throw new ConfigError([
        {
          variable: 'DATABASE_URL',
          problem:
            'sharding needs Postgres: every shard is its own process, and the embedded database allows one',
          fix: 'set DATABASE_URL=postgres://user:pass@host:5432/db (or pass --db postgres://…)',
        },
      ]);
    }
    const logger = ctx.logger(config.logLevel ?? 'info');
    const shards = await startShards({
      token: config.discord.token,
      apiUrl: config.discord.apiUrl,
      count: raw === 'auto' ? 'auto' : Number(raw),
      globalArgs: ctx.global.db ? ['--db', ctx.global.db] : [],
      logger,
    });
    ctx.io.stderr.write(`pipebot: running ${shards.manager.shards.size} Discord shards\n`);
    const stopped = new Promise<boolean>((resolve) => {
      const stop = () => {
        void shards.stop().then(() => resolve(true));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    const clean = await Promise.race([shards.done, stopped]);
    return clean ? 0 : 1;
  },
};

import { registerCommands } from '../adapters/discord/commands/register.ts';
import { ConfigError, ENV_DOCS } from '../config.ts';
import { type Command, UsageError } from './command.ts';

export const discordRegisterCommand: Command = {
  name: 'discord register',
  summary: 'register the /pipebot slash command with Discord (globally or in one guild)',
  usage: ['discord register [--guild ID]'],
  options: { guild: { type: 'string' } },
  details: [
    '--guild ID   register in this guild only (takes effect at once; good for trying it out)',
    'Needs DISCORD_TOKEN and DISCORD_APP_ID; DISCORD_API_URL is honoured.',
  ],
  async run(ctx, values) {
    const guildId = values.guild as string | undefined;
    if (guildId !== undefined && !/^\d{5,25}$/.test(guildId))
      throw new UsageError('--guild must be a numeric guild id');
    const discord = ctx.config().discord;
    if (!discord) {
      throw new ConfigError([
        {
          variable: 'DISCORD_TOKEN',
          problem: 'is required to register commands',
          fix: ENV_DOCS.DISCORD_TOKEN ?? 'see README',
        },
      ]);
    }
    const names = await registerCommands({
      token: discord.token,
      appId: discord.appId,
      apiUrl: discord.apiUrl,
      guildId,
    });
    ctx.print(
      `registered ${names.map((n) => `/${n}`).join(', ')} ${guildId ? `in guild ${guildId}` : 'globally'}`,
    );
    return 0;
  },
};

/** Putting the slash commands: globally, or in one guild (instant, for trying things out). */
import { REST, Routes } from 'discord.js';
import { restOptions } from '../client.ts';
import { COMMANDS } from './definitions.ts';

export interface RegisterOptions {
  token: string;
  appId: string;
  apiUrl?: string | undefined;
  /** Register in this guild only; omit for every guild and DM. */
  guildId?: string | undefined;
}

/** Replace the application's commands with pipebot's; returns the names Discord confirmed. */
export async function registerCommands(options: RegisterOptions): Promise<string[]> {
  const rest = new REST(restOptions(options.apiUrl)).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.appId, options.guildId)
    : Routes.applicationCommands(options.appId);
  const result = (await rest.put(route, { body: COMMANDS })) as { name: string }[];
  return result.map((c) => c.name);
}

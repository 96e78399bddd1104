/** Every `pipebot` subcommand. Add a command by writing src/cli/<name>.ts and listing it here. */
import { chatCommand } from './chat.ts';
import type { Command } from './command.ts';
import { discordRegisterCommand } from './discord-register.ts';
import { discordShardsCommand } from './discord-shards.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { migrateCommand } from './migrate.ts';
import { retryFailedCommand } from './retry.ts';
import { seedDemoCommand } from './seed.ts';
import { startCommand } from './start.ts';

export const COMMANDS: Command[] = [
  startCommand,
  chatCommand,
  importCommand,
  exportCommand,
  migrateCommand,
  seedDemoCommand,
  retryFailedCommand,
  discordRegisterCommand,
  discordShardsCommand,
];

/** Every `pipebot` subcommand. Add a command by writing src/cli/<name>.ts and listing it here. */
import { askCommand } from './ask.ts';
import { chatCommand } from './chat.ts';
import type { Command } from './command.ts';
import { digestCommand } from './digest.ts';
import { discordRegisterCommand } from './discord-register.ts';
import { discordShardsCommand } from './discord-shards.ts';
import { exportCommand } from './export.ts';
import { extractCommand } from './extract.ts';
import { importCommand } from './import.ts';
import { migrateCommand } from './migrate.ts';
import { nudgesCommand } from './nudges.ts';
import { retryFailedCommand } from './retry.ts';
import { seedDemoCommand } from './seed.ts';
import { startCommand } from './start.ts';

export const COMMANDS: Command[] = [
  startCommand,
  chatCommand,
  extractCommand,
  askCommand,
  importCommand,
  exportCommand,
  migrateCommand,
  seedDemoCommand,
  retryFailedCommand,
  digestCommand,
  nudgesCommand,
  discordRegisterCommand,
  discordShardsCommand,
];

/** Every `pipebot` subcommand. Add a command by writing src/cli/<name>.ts and listing it here. */
import { askCommand } from './ask.ts';
import { chatCommand } from './chat.ts';
import type { Command } from './command.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { migrateCommand } from './migrate.ts';
import { retryFailedCommand } from './retry.ts';
import { seedDemoCommand } from './seed.ts';
import { startCommand } from './start.ts';

export const COMMANDS: Command[] = [
  startCommand,
  chatCommand,
  askCommand,
  importCommand,
  exportCommand,
  migrateCommand,
  seedDemoCommand,
  retryFailedCommand,
];

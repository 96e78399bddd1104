/**
 * The `pipebot` command: global flags, subcommand dispatch, one-line errors.
 * Each subcommand lives in src/cli/<name>.ts.
 */
import { parseArgs } from 'node:util';
import {
  type CliContext,
  type CliIO,
  type Command,
  type GlobalOptions,
  type OptionSpec,
  UsageError,
} from './cli/command.ts';
import { COMMANDS } from './cli/registry.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Database, openDatabase } from './db/connect.ts';
import { guardPostgresCrash } from './db/crashGuard.ts';
import { migrate } from './db/migrate.ts';
import { PipebotError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';

const GLOBAL_OPTIONS: OptionSpec = {
  db: { type: 'string' },
  workspace: { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'pipebot — a chat-based sales assistant',
    '',
    'usage: pipebot [--db URL_OR_DIR] [--workspace ID] [--now ISO] <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'global options:',
    '  --db URL_OR_DIR   postgres://…, memory://, or an embedded database directory (overrides DATABASE_URL)',
    '  --workspace ID    the console workspace to use (default: local)',
    '  --now ISO         the current time, e.g. 2026-11-25T09:30:00+08:00 (extract, ask, digest, nudges)',
    '  -h, --help        help for pipebot or a command',
    '',
    'Run `pipebot <command> --help` for a command’s options.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options ?? {}).map(
    ([name, o]) => `  --${name}${o.type === 'string' ? ' VALUE' : ''}`,
  );
  return [
    `pipebot ${c.name} — ${c.summary}`,
    '',
    ...c.usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}pipebot ${u}`),
    ...(opts.length ? ['', 'options:', ...opts] : []),
    ...(c.details?.length ? ['', ...c.details] : []),
    '',
    'global options: --db URL_OR_DIR, --workspace ID, --now ISO, -h/--help',
  ].join('\n');
}

export function parseNow(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  // A bare date means midnight UTC; a date-time needs an explicit offset or Z to be unambiguous.
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(raw)) {
    throw new UsageError(
      `--now must be ISO 8601 with a timezone, e.g. 2026-11-25T09:30:00+08:00 (got "${raw}")`,
    );
  }
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--now is not a real date: "${raw}"`);
  return d;
}

/** Split argv into the subcommand path (e.g. ["discord", "register"]) and the rest. */
function findCommand(argv: string[]): {
  command: Command | undefined;
  rest: string[];
  name: string | undefined;
} {
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-')) break;
    rest.push(a);
    // Global options that take a value.
    if (['--db', '--workspace', '--now'].includes(a)) rest.push(argv[++i] ?? '');
  }
  const first = argv[i];
  if (first === undefined) return { command: undefined, rest, name: undefined };
  const second = argv[i + 1];
  const two = second ? COMMANDS.find((c) => c.name === `${first} ${second}`) : undefined;
  if (two) return { command: two, rest: [...rest, ...argv.slice(i + 2)], name: two.name };
  const one = COMMANDS.find((c) => c.name === first);
  return { command: one, rest: [...rest, ...argv.slice(i + 1)], name: first };
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`pipebot: ${line}\n`);
  const { command, rest, name } = findCommand(argv);
  if (!command) {
    if (name === undefined) {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(`${topHelp()}\n`);
        return 0;
      }
      if (rest.includes('--version')) {
        io.stdout.write('pipebot 0.1.0\n');
        return 0;
      }
      io.stderr.write(`${topHelp()}\n`);
      return 2;
    }
    err(`unknown command "${name}" (run pipebot --help)`);
    return 2;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    err(`${command.name}: ${(e as Error).message.split('\n')[0]}`);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }

  let global: GlobalOptions;
  try {
    global = {
      db: values.db as string | undefined,
      workspace: (values.workspace as string | undefined) ?? 'local',
      now: parseNow(values.now as string | undefined),
    };
    if (!/^[\w.:-]{1,100}$/.test(global.workspace))
      throw new UsageError('--workspace must be letters, digits, . : _ or -');
  } catch (e) {
    err(`${command.name}: ${(e as Error).message}`);
    return 2;
  }

  let config: Config | undefined;
  const loggers: Logger[] = [];
  const databases: Database[] = [];
  const ctx: CliContext = {
    io,
    global,
    config() {
      if (!config) {
        config = loadConfig(io.env);
        if (global.db !== undefined) {
          const d = global.db;
          if (/^postgres(ql)?:\/\//.test(d) || d === 'memory://')
            config.database = { ...config.database, url: d };
          else config.database = { ...config.database, url: undefined, pgliteDir: d };
        }
      }
      return config;
    },
    async openDb() {
      const c = ctx.config();
      const database = await openDatabase({
        url: c.database.url,
        pgliteDir: c.database.pgliteDir,
        prepare: c.database.prepare,
      });
      if (database.driver === 'postgres') guardPostgresCrash(ctx.logger());
      databases.push(database);
      await migrate(database.db);
      return database;
    },
    logger(level) {
      const l = createLogger(level ?? ctx.config().logLevel ?? 'warn');
      loggers.push(l);
      return l;
    },
    now: () => global.now ?? new Date(),
    print: (line) => {
      io.stdout.write(`${line}\n`);
    },
  };

  try {
    return await command.run(ctx, values, parsed.positionals);
  } catch (e) {
    if (e instanceof ConfigError) {
      err('the environment has problems:');
      for (const issue of e.issues)
        io.stderr.write(`  ${issue.variable}: ${issue.problem} — fix: ${issue.fix}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      err(`${command.name}: ${e.message}`);
      return 2;
    }
    if (e instanceof PipebotError) {
      err(`${command.name}: ${e.message}`);
      return 1;
    }
    err(`${command.name} failed: ${(e as Error)?.message ?? String(e)}`);
    return 1;
  } finally {
    for (const d of databases) await d.close().catch(() => {});
    for (const l of loggers) l.flush();
  }
}

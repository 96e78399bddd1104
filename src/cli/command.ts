/**
 * The shape of a `pipebot` subcommand and the context it runs in. Commands
 * read their flags through node:util parseArgs (strict), so a typo is a
 * one-line error with a non-zero exit, never a silent default.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../log.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CliIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

export interface GlobalOptions {
  /** --db: a postgres:// URL, memory://, or a PGlite directory. */
  db?: string;
  /** --workspace: the console workspace id (default `local`). */
  workspace: string;
  /** --now: the clock for commands that depend on it. */
  now?: Date;
}

export interface CliContext {
  io: CliIO;
  global: GlobalOptions;
  /** The validated configuration (throws ConfigError on a bad environment). */
  config(): Config;
  /** Open the configured database and apply migrations. */
  openDb(): Promise<Database>;
  logger(level?: string): Logger;
  now(): Date;
  print(line: string): void;
}

export interface Command {
  name: string;
  summary: string;
  /** Lines after "usage: pipebot " for --help. */
  usage: string[];
  options?: OptionSpec;
  /** Extra help text. */
  details?: string[];
  run(
    ctx: CliContext,
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
  ): Promise<number>;
}

/** A bad argument: printed as one line on stderr, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

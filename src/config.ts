/**
 * The environment, validated once at start. Nothing else reads process.env:
 * every module receives the parts of `Config` it needs.
 */
import { z } from 'zod';
import { isValidTimeZone } from './lib/time.ts';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const intIn = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return fallback;
      const n = Number(s);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const url = (protocols: string[]) =>
  optionalString.refine(
    (s) => {
      if (s === undefined) return true;
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(' or ')})` },
  );

const EnvSchema = z.object({
  DATABASE_URL: optionalString.refine(
    (s) => s === undefined || /^(postgres|postgresql):\/\//.test(s) || s === 'memory://',
    { message: 'must be postgres://user@host:port/db or memory://' },
  ),
  PGLITE_DIR: optionalString,
  PIPEBOT_PG_PREPARE: z.enum(['on', 'off']).optional().default('on'),
  PORT: intIn(0, 65535, 3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),

  SLACK_BOT_TOKEN: optionalString.refine((s) => s === undefined || s.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((s) => s === undefined || s.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_API_URL: url(['http:', 'https:']),

  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: optionalString.refine((s) => s === undefined || /^\d{5,25}$/.test(s), {
    message: 'must be the numeric application id',
  }),
  DISCORD_API_URL: url(['http:', 'https:']),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url(['http:', 'https:']),
  PIPEBOT_MODEL: optionalString,
  PIPEBOT_LLM: z.enum(['auto', 'on', 'off']).optional().default('auto'),
  PIPEBOT_LLM_TIMEOUT_MS: intIn(100, 600_000, 20_000),
  PIPEBOT_LLM_MAX_RETRIES: intIn(0, 10, 2),
  PIPEBOT_LLM_CALLS_PER_MINUTE: intIn(0, 100_000, 30),
  PIPEBOT_LLM_TOKENS_PER_DAY: intIn(0, 1_000_000_000, 1_000_000),

  PIPEBOT_TIMEZONE: optionalString.refine((s) => s === undefined || isValidTimeZone(s), {
    message: 'must be an IANA timezone such as Europe/Berlin or Asia/Shanghai',
  }),
  PIPEBOT_LOCALE: z.enum(['en', 'zh-CN']).optional(),
  PIPEBOT_CURRENCY: optionalString.refine((s) => s === undefined || /^[A-Z]{3}$/.test(s), {
    message: 'must be an ISO 4217 code such as USD, EUR or CNY',
  }),
  PIPEBOT_CATCHUP_HOURS: intIn(0, 48, 3),
});

const FIXES: Record<string, string> = {
  DATABASE_URL: 'unset it to use the embedded database, or set postgres://user:pass@host:5432/db',
  PORT: 'set a free TCP port, e.g. PORT=3000',
  LOG_LEVEL: 'use one of fatal, error, warn, info, debug, trace, silent',
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token (xoxb-…) from your Slack app’s OAuth page',
  SLACK_SIGNING_SECRET: 'copy the Signing Secret from your Slack app’s Basic Information page',
  SLACK_APP_TOKEN: 'create an app-level token with connections:write (xapp-…) for Socket Mode',
  SLACK_API_URL: 'unset it for slack.com, or give the full base, e.g. https://slack.com/api/',
  DISCORD_TOKEN: 'copy the bot token from the Discord developer portal (Bot → Reset Token)',
  DISCORD_APP_ID: 'copy the Application ID from the Discord developer portal',
  DISCORD_API_URL: 'unset it for discord.com, or give the REST base, e.g. https://discord.com/api',
  OPENAI_BASE_URL: 'give the server’s base URL, e.g. http://localhost:11434/v1 for Ollama',
  PIPEBOT_LLM: 'use auto, on or off',
  PIPEBOT_LLM_TIMEOUT_MS: 'milliseconds, e.g. 20000',
  PIPEBOT_LLM_MAX_RETRIES: 'e.g. 2',
  PIPEBOT_LLM_CALLS_PER_MINUTE:
    'LLM calls one workspace may make per minute, e.g. 30; 0 for no cap',
  PIPEBOT_LLM_TOKENS_PER_DAY:
    'LLM tokens one workspace may use in 24 hours, e.g. 1000000; 0 for no cap',
  PIPEBOT_TIMEZONE: 'e.g. PIPEBOT_TIMEZONE=America/New_York',
  PIPEBOT_LOCALE: 'use en or zh-CN',
  PIPEBOT_CURRENCY: 'e.g. PIPEBOT_CURRENCY=EUR',
  PIPEBOT_CATCHUP_HOURS:
    'whole hours from 0 to 48 during which digests and nudges missed while down are still sent, e.g. 3',
};

export type Env = z.infer<typeof EnvSchema>;

export interface ConfigIssue {
  variable: string;
  problem: string;
  fix: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.variable}: ${i.problem} (${i.fix})`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export interface Config {
  database: {
    url: string | undefined;
    pgliteDir: string;
    /** Prepared statements on Postgres (off behind a pooler that cannot keep them). */
    prepare: boolean;
  };
  port: number;
  /** Unset: info for servers, warn for the console chat and one-shot commands. */
  logLevel: Env['LOG_LEVEL'] | undefined;
  slack:
    | {
        botToken: string;
        signingSecret: string | undefined;
        appToken: string | undefined;
        apiUrl: string | undefined;
      }
    | undefined;
  discord: { token: string; appId: string; apiUrl: string | undefined } | undefined;
  llm:
    | {
        apiKey: string | undefined;
        baseUrl: string | undefined;
        model: string;
        /** The longest one message waits for the model, retries included. */
        timeoutMs: number;
        maxRetries: number;
        /** Per-workspace caps over every LLM use (0: no cap). */
        caps: { callsPerMinute: number; tokensPerDay: number };
      }
    | undefined;
  defaults: { timezone: string; locale: 'en' | 'zh-CN'; currency: string };
  /** Scheduled jobs: slots missed by more than this (downtime) are skipped, not sent late. */
  jobs: { catchUpMs: number };
}

export const DEFAULT_MODEL = 'gpt-4o-mini';

function systemTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz && isValidTimeZone(tz) ? tz : 'UTC';
}

/** Validate the environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(source);
  const issues: ConfigIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      issues.push({ variable, problem: issue.message, fix: FIXES[variable] ?? 'see README' });
    }
    throw new ConfigError(issues);
  }
  const env = parsed.data;

  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    issues.push({
      variable: 'SLACK_SIGNING_SECRET',
      problem: 'is required with SLACK_BOT_TOKEN unless SLACK_APP_TOKEN (Socket Mode) is set',
      fix: FIXES.SLACK_SIGNING_SECRET as string,
    });
  }
  if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
    issues.push({
      variable: 'SLACK_BOT_TOKEN',
      problem: 'is required when other Slack variables are set',
      fix: FIXES.SLACK_BOT_TOKEN as string,
    });
  }
  if (env.DISCORD_TOKEN && !env.DISCORD_APP_ID) {
    issues.push({
      variable: 'DISCORD_APP_ID',
      problem: 'is required with DISCORD_TOKEN',
      fix: FIXES.DISCORD_APP_ID as string,
    });
  }
  if (!env.DISCORD_TOKEN && env.DISCORD_APP_ID) {
    issues.push({
      variable: 'DISCORD_TOKEN',
      problem: 'is required with DISCORD_APP_ID',
      fix: FIXES.DISCORD_TOKEN as string,
    });
  }
  const llmConfigured = Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL);
  if (env.PIPEBOT_LLM === 'on' && !llmConfigured) {
    issues.push({
      variable: 'OPENAI_API_KEY',
      problem: 'PIPEBOT_LLM=on needs OPENAI_API_KEY or OPENAI_BASE_URL',
      fix: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI server), or PIPEBOT_LLM=auto',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    database: {
      url: env.DATABASE_URL,
      pgliteDir: env.PGLITE_DIR ?? './data/pglite',
      prepare: env.PIPEBOT_PG_PREPARE === 'on',
    },
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    slack: env.SLACK_BOT_TOKEN
      ? {
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          appToken: env.SLACK_APP_TOKEN,
          apiUrl: env.SLACK_API_URL,
        }
      : undefined,
    discord:
      env.DISCORD_TOKEN && env.DISCORD_APP_ID
        ? { token: env.DISCORD_TOKEN, appId: env.DISCORD_APP_ID, apiUrl: env.DISCORD_API_URL }
        : undefined,
    llm:
      env.PIPEBOT_LLM !== 'off' && llmConfigured
        ? {
            apiKey: env.OPENAI_API_KEY,
            baseUrl: env.OPENAI_BASE_URL,
            model: env.PIPEBOT_MODEL ?? DEFAULT_MODEL,
            timeoutMs: env.PIPEBOT_LLM_TIMEOUT_MS,
            maxRetries: env.PIPEBOT_LLM_MAX_RETRIES,
            caps: {
              callsPerMinute: env.PIPEBOT_LLM_CALLS_PER_MINUTE,
              tokensPerDay: env.PIPEBOT_LLM_TOKENS_PER_DAY,
            },
          }
        : undefined,
    defaults: {
      timezone: env.PIPEBOT_TIMEZONE ?? systemTimeZone(),
      locale: env.PIPEBOT_LOCALE ?? 'en',
      currency: env.PIPEBOT_CURRENCY ?? 'USD',
    },
    jobs: { catchUpMs: env.PIPEBOT_CATCHUP_HOURS * 3_600_000 },
  };
}

/** The documented variables, for the README table and `--help`. */
export const ENV_DOCS = FIXES;

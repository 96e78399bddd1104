/**
 * Structured JSON logs. Secrets and message text are redacted at every level
 * except debug/trace of our own fields, which never include tokens.
 */
import { type Logger, pino } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'text',
  '*.text',
  'prompt',
  '*.prompt',
];

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream | pino.DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { app: 'pipebot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (tests, one-shot CLI commands). */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Hide credentials in a connection string before it is printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

interface LoggedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: LoggedError;
}

/**
 * Errors as logged: type, code, message and stack, following causes. Query
 * errors carry the SQL and its parameters — message text, names, amounts — so
 * those are cut: "Failed query: … params: …" keeps only its first line.
 */
export function safeError(err: unknown, depth = 0): LoggedError | unknown {
  if (!(err instanceof Error)) return err;
  const firstLine = (s: string) => {
    const cut = s.split(/\nparams:|\n/)[0] ?? '';
    return cut.length > 300 ? `${cut.slice(0, 300)}…` : cut;
  };
  const out: LoggedError = { type: err.name, message: firstLine(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (err.stack)
    out.stack = err.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 12)
      .join('\n');
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 3) out.cause = safeError(cause, depth + 1) as LoggedError;
  return out;
}

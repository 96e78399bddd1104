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

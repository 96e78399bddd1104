/** A few error classes with a stable `code`, so edges can answer without parsing messages. */

export type ErrorCode =
  | 'config'
  | 'bad_input'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'ambiguous'
  | 'unavailable'
  | 'internal';

export class PipebotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipebotError';
    this.code = code;
  }
}

/** A write lost an optimistic-concurrency race: somebody changed the row first. */
export class ConflictError extends PipebotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
    this.name = 'ConflictError';
  }
}

export class ForbiddenError extends PipebotError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends PipebotError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class BadInputError extends PipebotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_input', message, options);
    this.name = 'BadInputError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export type ChartErrorCode = 'invalid_input' | 'load_refused' | 'render_failed';

/** A chart could not be rendered; `code` says whether the input or the renderer is at fault. */
export class ChartError extends Error {
  readonly code: ChartErrorCode;

  constructor(code: ChartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChartError';
    this.code = code;
  }
}

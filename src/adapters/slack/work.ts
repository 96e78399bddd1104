/**
 * Work that continues after Slack has been acknowledged (processing a
 * message, opening a modal, posting). Each task runs in its own try/catch so
 * one failure never stops the rest; shutdown waits for what is in flight.
 */
import type { Logger } from '../../log.ts';

export class WorkTracker {
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  /**
   * `before` runs ahead of every task: the HTTP transport uses it to let the
   * acknowledgements of a burst leave before the burst's slower work starts
   * competing with them for the event loop and the database.
   */
  constructor(
    private readonly logger: Logger,
    private readonly before?: () => Promise<void>,
  ) {}

  /** Start a task now; errors are logged with its name and context. */
  run(name: string, task: () => Promise<unknown>, context: Record<string, unknown> = {}): void {
    if (this.closed) {
      this.logger.warn({ task: name, ...context }, 'shutting down: task not started');
      return;
    }
    const p: Promise<void> = (async () => {
      try {
        if (this.before) await this.before();
        await task();
      } catch (err) {
        this.logger.error({ err, task: name, ...context }, 'background task failed');
      }
    })().finally(() => this.running.delete(p));
    this.running.add(p);
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when nothing is running (tasks started meanwhile are waited for too). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Refuse new tasks and wait up to `timeoutMs` for the running ones; false if some are still going. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const done = this.idle().then(() => true as const);
    const result = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return result;
  }
}

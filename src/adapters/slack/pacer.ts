/**
 * Per-channel pacing for posts: Slack allows about one message a second per
 * channel and answers bursts with 429 + Retry-After. Posts to one channel
 * run one at a time, at least `intervalMs` apart, and a 429 holds the whole
 * channel for the time Slack asked — other channels are not held up.
 */

export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class ChannelPacer {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly nextAt = new Map<string, number>();

  constructor(
    private readonly intervalMs = 1_000,
    private readonly clock: () => number = () => Date.now(),
    private readonly sleep: Sleep = realSleep,
  ) {}

  /**
   * Run `fn` when the channel is free. `fn` calls `turn()` before each
   * attempt; it waits out the interval and any pause, so retries stay in order.
   */
  async run<T>(channel: string, fn: (turn: () => Promise<void>) => Promise<T>): Promise<T> {
    const previous = this.chains.get(channel) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chain = previous.then(() => mine);
    this.chains.set(channel, chain);
    await previous;
    try {
      return await fn(() => this.turn(channel));
    } finally {
      release();
      if (this.chains.get(channel) === chain) this.chains.delete(channel);
    }
  }

  /** Hold the channel for `ms` (Retry-After, or a backoff). */
  pause(channel: string, ms: number): void {
    const until = this.clock() + ms;
    if (until > (this.nextAt.get(channel) ?? 0)) this.nextAt.set(channel, until);
  }

  private async turn(channel: string): Promise<void> {
    const wait = (this.nextAt.get(channel) ?? 0) - this.clock();
    if (wait > 0) await this.sleep(wait);
    this.nextAt.set(channel, this.clock() + this.intervalMs);
    if (this.nextAt.size > 10_000) this.prune();
  }

  private prune(): void {
    const now = this.clock();
    for (const [channel, at] of this.nextAt) if (at < now) this.nextAt.delete(channel);
  }
}

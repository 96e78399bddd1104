/**
 * A circuit breaker around the model: after `failureThreshold` failures in a
 * row it opens and every call is refused for `cooldownMs`; then one trial call
 * is let through (half-open) — success closes it, failure opens it again.
 * A fault that says how long to wait (a long Retry-After, an exhausted quota)
 * opens it at once for that long. The clock is a parameter.
 */

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  /** Never stay open longer than this, whatever a server asks. */
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  failureThreshold: 5,
  cooldownMs: 30_000,
  maxCooldownMs: 15 * 60_000,
};

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  /** May a call go out now? In the half-open state only one trial call may. */
  allow(): boolean;
  success(): void;
  /** A failure; `waitMs` opens the breaker at once for at least that long. */
  failure(waitMs?: number): void;
  state(): BreakerState;
}

export function createCircuitBreaker(
  options: Partial<BreakerOptions> = {},
  clock: () => number = Date.now,
): CircuitBreaker {
  const o = { ...DEFAULT_BREAKER, ...options };
  let failures = 0;
  let openUntil = 0;
  let opened = false;
  let trialInFlight = false;

  const open = (ms: number) => {
    opened = true;
    trialInFlight = false;
    openUntil = clock() + Math.min(Math.max(ms, o.cooldownMs), o.maxCooldownMs);
  };
  const state = (): BreakerState =>
    !opened ? 'closed' : clock() < openUntil ? 'open' : 'half_open';

  return {
    state,
    allow() {
      const s = state();
      if (s === 'closed') return true;
      if (s === 'open' || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      opened = false;
      trialInFlight = false;
    },
    failure(waitMs) {
      failures++;
      if (waitMs !== undefined) open(waitMs);
      else if (opened || failures >= o.failureThreshold) open(o.cooldownMs);
    },
  };
}

// Proves the circuit breaker's states on an injected clock: closed → open after N failures, one trial call when half-open, closed on success, open again on failure, and at-once opening for a server-given wait.
import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../../src/understand/llm/breaker.ts';

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one trial through after the cool-down, closes on success', () => {
    let t = 0;
    const b = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, () => t);
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state()).toBe('closed');
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.allow()).toBe(false);
    t = 999;
    expect(b.allow()).toBe(false);
    t = 1000;
    expect(b.state()).toBe('half_open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // one trial at a time
    b.success();
    expect(b.state()).toBe('closed');
    expect(b.allow()).toBe(true);
  });

  it('opens again at once when the trial call fails', () => {
    let t = 0;
    const b = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 }, () => t);
    b.failure();
    b.failure();
    t = 1000;
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state()).toBe('open');
    t = 1999;
    expect(b.allow()).toBe(false);
    t = 2000;
    expect(b.allow()).toBe(true);
  });

  it('opens at once for a wait the server asked for, within the longest cool-down', () => {
    let t = 0;
    const b = createCircuitBreaker({ cooldownMs: 1000, maxCooldownMs: 60_000 }, () => t);
    b.failure(5000);
    expect(b.state()).toBe('open');
    t = 4999;
    expect(b.allow()).toBe(false);
    t = 5000;
    expect(b.allow()).toBe(true);
    b.failure(10 * 60_000);
    t = 5000 + 60_000;
    expect(b.state()).toBe('half_open');
  });
});

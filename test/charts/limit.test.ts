// Proves the render limiter never runs more than its maximum at once and serves waiters in order.
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/charts/limit.ts';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('createLimiter', () => {
  it('caps concurrency and keeps arrival order', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      limit(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return i * 10;
      }),
    );
    expect(await Promise.all(tasks)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('frees the slot when a task fails', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(async () => 'next')).toBe('next');
  });
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time: most suites wait on sockets, child processes and timers, so
    // two workers finish well under CI's limit even on a two-core machine.
    maxWorkers: 2,
  },
});

/** Small statistics helpers for benchmarks: medians and percentiles over sorted samples. */

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** Run `fn` `warmup` times unmeasured, then `runs` times; return each run's milliseconds. */
export async function timeRuns(
  fn: (i: number) => Promise<unknown>,
  runs: number,
  warmup = 3,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms >= 100
    ? `${ms.toFixed(0)} ms`
    : ms >= 10
      ? `${ms.toFixed(1)} ms`
      : `${ms.toFixed(2)} ms`;
}

/**
 * At most `max` tasks at once; the rest wait in arrival order. Rendering is
 * CPU and memory work (each rasterisation loads the font files), so callers
 * queue instead of piling up.
 */
export function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];

  // A finishing task hands its slot straight to the next waiter, so a caller
  // arriving in between cannot take it as well.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return async (task) => {
    if (running < max) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

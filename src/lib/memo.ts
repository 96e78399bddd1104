/**
 * Results of a pure function of one string, kept for the names every message
 * of a workspace is matched against (hundreds of known accounts per message).
 * Bounded: past `max` entries the cache starts afresh, so hostile input cannot
 * grow it without limit.
 */
export function memoizeString<T>(fn: (s: string) => T, max = 20_000): (s: string) => T {
  let cache = new Map<string, T>();
  return (s: string): T => {
    const hit = cache.get(s);
    if (hit !== undefined || cache.has(s)) return hit as T;
    const value = fn(s);
    if (cache.size >= max) cache = new Map();
    cache.set(s, value);
    return value;
  };
}

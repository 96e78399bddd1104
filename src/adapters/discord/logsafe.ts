/**
 * Errors as they may be logged. discord.js REST errors carry the request body
 * (text people wrote, echoed in a reply) and interaction URLs carry tokens
 * that act for the bot for 15 minutes; neither reaches the logs.
 */

function redactTokens(s: string): string {
  return s.replace(/(\/(?:webhooks|interactions)\/\d+\/)[^/\s?]+/g, '$1[token]');
}

export function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return { message: redactTokens(String(err)) };
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: err.name, message: redactTokens(err.message) };
  for (const key of ['code', 'status', 'method'] as const)
    if (e[key] !== undefined) out[key] = e[key];
  if (typeof e.url === 'string') out.url = redactTokens(e.url);
  if (err.stack) out.stack = redactTokens(err.stack);
  if (err.cause !== undefined) out.cause = safeError(err.cause);
  return out;
}

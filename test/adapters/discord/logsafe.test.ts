// Proves errors from Discord are logged without the request body (people's text) or interaction tokens.
import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { safeError } from '../../../src/adapters/discord/logsafe.ts';

describe('safeError', () => {
  it('keeps code, status and route but drops the body and the token', () => {
    const err = new DiscordAPIError(
      { code: 10015, message: 'Unknown Webhook' },
      10015,
      404,
      'PATCH',
      'https://discord.com/api/v10/webhooks/111/tok_secret/messages/@original',
      { body: { content: 'met Acme, budget 50k' }, files: undefined },
    );
    const logged = JSON.stringify(safeError(new Error('posting failed', { cause: err })));
    expect(logged).not.toContain('tok_secret');
    expect(logged).not.toContain('met Acme');
    expect(logged).toContain('/webhooks/111/[token]/messages/@original');
    expect(logged).toContain('10015');
  });
});

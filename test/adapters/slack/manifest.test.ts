// Proves the Slack app manifest matches the code: every Web API method the adapter calls has its scope, every event and the slash command it listens to is subscribed, and all Slack traffic goes to the one /slack/events endpoint.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLASH_COMMAND } from '../../../src/adapters/slack/listeners/index.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const manifest = readFileSync(join(ROOT, 'slack/manifest.yaml'), 'utf8');

/** The bot scope each Web API method needs (docs.slack.dev/reference/methods). */
const SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.open': ['im:write'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.publish': [],
  filesUploadV2: ['files:write'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory()
      ? sources(p)
      : p.endsWith('.ts')
        ? [readFileSync(p, 'utf8')]
        : [];
  });
}

describe('slack/manifest.yaml', () => {
  const code = sources(join(ROOT, 'src/adapters/slack')).join('\n');
  const botScopes = manifest.slice(manifest.indexOf('    bot:'), manifest.indexOf('settings:'));
  const scopes = [...botScopes.matchAll(/^\s+- ([a-z_.:]+)\s*$/gm)].map((m) => m[1]);

  it('grants the scope of every Web API method the adapter calls', () => {
    const called = new Set(
      [
        ...code.matchAll(/(?:clients\.(?:web|post)|web)\.([a-z]+\.[a-zA-Z]+)\(|(filesUploadV2)\(/g),
      ].map((m) => m[1] ?? m[2]),
    );
    expect(called.size).toBeGreaterThan(5);
    for (const method of called) {
      const needed = SCOPES[method as string];
      expect(needed, `unknown method ${method}: add it to this test with its scope`).toBeDefined();
      for (const scope of needed ?? []) expect(scopes, `${method} needs ${scope}`).toContain(scope);
    }
    expect(scopes).toEqual(expect.arrayContaining(['app_mentions:read', 'commands']));
  });

  it('subscribes to the events and the command the listeners handle, on one endpoint', () => {
    for (const event of [
      'app_home_opened',
      'app_mention',
      'message.im',
      'message.channels',
      'message.groups',
    ]) {
      expect(manifest).toMatch(new RegExp(`^\\s+- ${event.replace('.', '\\.')}\\s*$`, 'm'));
    }
    expect(manifest).toContain(`command: ${SLASH_COMMAND}`);
    expect(manifest).toContain('should_escape: true');
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(3);
    for (const u of urls) expect(u).toMatch(/\/slack\/events$/);
    expect(manifest).toMatch(/interactivity:\s+is_enabled: true/);
  });
});

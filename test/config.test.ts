// Proves the environment is validated in one place: defaults, every bad variable named with its fix, and platform combinations.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function issuesOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('config', () => {
  it('has working defaults with nothing set: embedded database, no platforms, no LLM', () => {
    const c = loadConfig({ PIPEBOT_TIMEZONE: 'Europe/Berlin' });
    expect(c.database).toEqual({ url: undefined, pgliteDir: './data/pglite', prepare: true });
    expect(c.port).toBe(3000);
    expect(c.slack).toBeUndefined();
    expect(c.discord).toBeUndefined();
    expect(c.llm).toBeUndefined();
    expect(c.defaults).toEqual({ timezone: 'Europe/Berlin', locale: 'en', currency: 'USD' });
    expect(c.jobs).toEqual({ catchUpMs: 3 * 3_600_000 });
  });

  it('turns prepared statements off for poolers that cannot keep them, and refuses other values', () => {
    expect(loadConfig({ PIPEBOT_PG_PREPARE: 'off' }).database.prepare).toBe(false);
    expect(issuesOf({ PIPEBOT_PG_PREPARE: 'no' }).map((i) => i.variable)).toEqual([
      'PIPEBOT_PG_PREPARE',
    ]);
  });

  it('takes the scheduler’s catch-up window in whole hours', () => {
    expect(loadConfig({ PIPEBOT_CATCHUP_HOURS: '0' }).jobs.catchUpMs).toBe(0);
    expect(loadConfig({ PIPEBOT_CATCHUP_HOURS: '12' }).jobs.catchUpMs).toBe(12 * 3_600_000);
    const [issue] = issuesOf({ PIPEBOT_CATCHUP_HOURS: '1.5' });
    expect(issue).toMatchObject({ variable: 'PIPEBOT_CATCHUP_HOURS' });
    expect(issue?.fix).toContain('0 to 48');
    expect(issuesOf({ PIPEBOT_CATCHUP_HOURS: '49' }).map((i) => i.variable)).toEqual([
      'PIPEBOT_CATCHUP_HOURS',
    ]);
  });

  it('reports every bad variable at once, by name, with a fix', () => {
    const issues = issuesOf({
      DATABASE_URL: 'mysql://x',
      PORT: '99999',
      SLACK_BOT_TOKEN: 'nope',
      PIPEBOT_TIMEZONE: 'Mars/Olympus',
      PIPEBOT_CURRENCY: 'dollars',
      OPENAI_BASE_URL: 'not a url',
    });
    expect(issues.map((i) => i.variable).sort()).toEqual([
      'DATABASE_URL',
      'OPENAI_BASE_URL',
      'PIPEBOT_CURRENCY',
      'PIPEBOT_TIMEZONE',
      'PORT',
      'SLACK_BOT_TOKEN',
    ]);
    for (const i of issues) {
      expect(i.problem.length).toBeGreaterThan(5);
      expect(i.fix.length).toBeGreaterThan(5);
    }
  });

  it('needs a signing secret or an app token with a Slack bot token, and the app id with a Discord token', () => {
    expect(issuesOf({ SLACK_BOT_TOKEN: 'xoxb-1' }).map((i) => i.variable)).toEqual([
      'SLACK_SIGNING_SECRET',
    ]);
    expect(
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slack?.appToken,
    ).toBe('xapp-1');
    expect(issuesOf({ SLACK_SIGNING_SECRET: 's' }).map((i) => i.variable)).toEqual([
      'SLACK_BOT_TOKEN',
    ]);
    expect(issuesOf({ DISCORD_TOKEN: 't' }).map((i) => i.variable)).toEqual(['DISCORD_APP_ID']);
    expect(
      loadConfig({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '123456789012345678' }).discord?.appId,
    ).toBe('123456789012345678');
  });

  it('uses the LLM when a key or base URL is set, unless PIPEBOT_LLM=off', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k' }).llm).toMatchObject({
      model: 'gpt-4o-mini',
      timeoutMs: 20000,
      maxRetries: 2,
    });
    expect(
      loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1', PIPEBOT_MODEL: 'qwen2.5' }).llm
        ?.model,
    ).toBe('qwen2.5');
    expect(loadConfig({ OPENAI_API_KEY: 'k', PIPEBOT_LLM: 'off' }).llm).toBeUndefined();
    expect(issuesOf({ PIPEBOT_LLM: 'on' }).map((i) => i.variable)).toEqual(['OPENAI_API_KEY']);
  });

  it('caps each workspace’s LLM use by default, configurably, 0 meaning no cap', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'k' }).llm?.caps).toEqual({
      callsPerMinute: 30,
      tokensPerDay: 1_000_000,
    });
    expect(
      loadConfig({
        OPENAI_API_KEY: 'k',
        PIPEBOT_LLM_CALLS_PER_MINUTE: '0',
        PIPEBOT_LLM_TOKENS_PER_DAY: '50000',
      }).llm?.caps,
    ).toEqual({ callsPerMinute: 0, tokensPerDay: 50000 });
    const issues = issuesOf({
      OPENAI_API_KEY: 'k',
      PIPEBOT_LLM_CALLS_PER_MINUTE: 'lots',
      PIPEBOT_LLM_TOKENS_PER_DAY: '-1',
    });
    expect(issues.map((i) => i.variable).sort()).toEqual([
      'PIPEBOT_LLM_CALLS_PER_MINUTE',
      'PIPEBOT_LLM_TOKENS_PER_DAY',
    ]);
    expect(issues.every((i) => /0 for no cap/.test(i.fix))).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(
      loadConfig({ DATABASE_URL: '', SLACK_BOT_TOKEN: '', PORT: '' }).database.url,
    ).toBeUndefined();
  });
});

// Proves chat questions reach the pipeline answerer even without a question mark, in both languages, while updates and chit-chat are not taken for questions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe.each(DRIVERS)('questions in chat on %s', (driver) => {
  let t: TestDatabase;
  let app: App;
  let n = 0;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    app = createApp(loadConfig({ PIPEBOT_TIMEZONE: 'UTC' }), t, silentLogger, {
      chartRenderer: null,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const say = (text: string) =>
    app.assistant.handleMessage({
      platform: 'console',
      workspace: { externalId: 'q' },
      sender: { externalId: 'ann', displayName: 'Ann' },
      channel: 'console',
      messageId: `q${n++}`,
      text,
      sentAt: new Date(),
    });

  it('answers questions with and without a question mark', async () => {
    await say('met Acme, they need SSO, 50k, follow up Friday');
    for (const q of [
      '销售漏斗',
      'pipeline by rep',
      'what is in the pipeline?',
      '本月有哪些单子要签',
    ]) {
      const r = await say(q);
      expect(r.status, q).toBe('processed');
      expect(
        r.replies.some((x) => x.kind === 'change'),
        q,
      ).toBe(false);
      expect(r.replies.length, q).toBeGreaterThan(0);
    }
    const pipeline = await say('what is in the pipeline?');
    expect(JSON.stringify(pipeline.replies)).toContain('$50,000');
  });

  it('still reads updates and chit-chat as such', async () => {
    const update = await say('Acme sent the quote');
    expect(update.replies[0]?.kind).toBe('change');
    const hi = await say('hello');
    expect(hi.replies[0]).toMatchObject({ kind: 'text' });
  });
});

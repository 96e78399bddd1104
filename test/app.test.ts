// Proves createApp wires the real question answerer into the assistant: a question typed in chat is answered from the database, in the asker's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { IncomingMessage } from '../src/assistant/types.ts';
import { seedDemo } from '../src/cli/seed.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from './helpers/db.ts';

const NOW = new Date('2026-11-25T15:00:00Z');

describe.each(DRIVERS)('the app on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    await seedDemo(t.db, { externalId: 'demo', locale: 'en' }, NOW);
  });
  afterAll(async () => {
    await t?.close();
  });

  const message = (who: string, text: string, id: string): IncomingMessage => ({
    platform: 'console',
    workspace: { externalId: 'demo' },
    sender: { externalId: who },
    channel: 'console',
    messageId: id,
    text,
    sentAt: NOW,
  });

  it('answers pipeline questions in chat with the default answerer', async () => {
    const app = createApp(loadConfig({ PIPEBOT_TIMEZONE: 'UTC' }), t, silentLogger, {
      now: () => NOW,
    });
    const en = await app.assistant.handleMessage(message('dan', 'which deals are stuck?', 'q1'));
    expect(en.replies[0]).toMatchObject({
      kind: 'list',
      locale: 'en',
      title: expect.stringMatching(/^Stalled deals: \d+$/),
    });
    const zh = await app.assistant.handleMessage(message('lina', '哪个阶段卡得最久?', 'q2'));
    expect(zh.replies[0]).toMatchObject({
      kind: 'report',
      locale: 'zh-CN',
      title: '各阶段停留时间',
    });
    expect(zh.replies[0]).toMatchObject({ footer: expect.stringContaining('瓶颈') });
  });
});

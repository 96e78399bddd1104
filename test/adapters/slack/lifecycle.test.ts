// Proves the Slack service's shutdown: stop() stops taking requests but first finishes the work in flight, so a message acknowledged before the stop is still answered.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../../src/db/schema.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { upd } from '../../helpers/fixtures.ts';
import { messageEvent } from '../../helpers/slackRequests.ts';
import { type Harness, startHarness } from './harness.ts';

describe.each(DRIVERS)('Slack service shutdown on %s', (driver) => {
  let db: TestDatabase;
  let h: Harness;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started: () => void = () => {};
  const extracting = new Promise<void>((resolve) => {
    started = resolve;
  });
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    h = await startHarness(db, {
      'Acme 5k': async () => {
        started();
        await gate;
        return {
          intent: 'update',
          updates: [upd({ account: 'Acme', amount: 5000, currency: 'USD' })],
        };
      },
    });
  });
  afterAll(async () => {
    release();
    await h?.close();
    await db?.close();
  });

  it('finishes in-flight work before stopping, then refuses new requests', async () => {
    const ev = messageEvent({ user: 'U1', channel: 'D1', text: 'Acme 5k' });
    expect((await h.event('T1', ev)).status).toBe(200);
    await extracting;
    const stopping = h.service.stop();
    setTimeout(release, 50);
    await stopping;
    expect(h.fake.messages.map((m) => m.text)).toEqual(['New deal: Acme']);
    const [row] = await db.db.select().from(inbox).where(eq(inbox.messageId, ev.ts));
    expect(row?.status).toBe('processed');
    await expect(
      h.event('T1', messageEvent({ user: 'U1', channel: 'D1', text: 'Acme 5k' })),
    ).rejects.toThrow();
  });
});

// Proves Socket Mode wiring: with SLACK_APP_TOKEN the service uses the Socket Mode transport, constructing it touches no network, and an envelope arriving on the socket is stored before it is acknowledged, acknowledged once, and answered.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSlackService, type SlackService } from '../../../src/adapters/slack/service.ts';
import { SocketTransport } from '../../../src/adapters/slack/transport/socket.ts';
import { createAssistant } from '../../../src/assistant/assistant.ts';
import { inbox } from '../../../src/db/schema.ts';
import { silentLogger } from '../../../src/log.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { type FakeSlack, startFakeSlack } from '../../helpers/fakeSlack.ts';
import { upd } from '../../helpers/fixtures.ts';
import { eventEnvelope, messageEvent } from '../../helpers/slackRequests.ts';
import { scriptedExtractor } from './harness.ts';

describe.each(DRIVERS)('Slack Socket Mode on %s', (driver) => {
  let db: TestDatabase;
  let fake: FakeSlack;
  let service: SlackService;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    fake = await startFakeSlack();
    const assistant = createAssistant({
      db: db.db,
      extractor: scriptedExtractor({
        'Acme 5k': {
          intent: 'update',
          updates: [upd({ account: 'Acme', amount: 5000, currency: 'USD' })],
        },
      }),
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
    });
    service = createSlackService({
      assistant,
      slack: {
        botToken: 'xoxb-test',
        signingSecret: undefined,
        appToken: 'xapp-1-A1-test',
        apiUrl: fake.url,
      },
      port: 0,
      logger: silentLogger,
      postIntervalMs: 10,
    });
  });
  afterAll(async () => {
    await service?.idle();
    await fake?.close();
    await db?.close();
  });

  it('is wired to Socket Mode and has not touched the network', () => {
    expect(service.transport).toBeInstanceOf(SocketTransport);
    expect(service.name).toBe('slack (socket mode)');
    expect(service.port()).toBeNull();
    expect(fake.calls).toEqual([]);
  });

  it('stores an envelope before acknowledging it, acknowledges once, and answers', async () => {
    const ev = messageEvent({ user: 'U1', channel: 'D1', text: 'Acme 5k' });
    const storedAtAck: number[] = [];
    const ack = vi.fn(async (_response?: unknown) => {
      const rows = await db.db.select().from(inbox).where(eq(inbox.messageId, ev.ts));
      storedAtAck.push(rows.length);
    });
    const transport = service.transport as SocketTransport;
    transport.client.emit('slack_event', {
      ack,
      envelope_id: 'env-1',
      type: 'events_api',
      body: eventEnvelope('T1', ev),
      retry_num: 0,
      retry_reason: '',
      accepts_response_payload: false,
    });
    // The ack's own look at the inbox is asynchronous: wait for it, not just for the call.
    await vi.waitFor(() => expect(storedAtAck).toHaveLength(1), { timeout: 15_000 });
    expect(storedAtAck).toEqual([1]);
    expect(ack).toHaveBeenCalledTimes(1);
    await service.idle();
    expect(fake.messages.map((m) => [m.channel, m.text])).toEqual([['D1', 'New deal: Acme']]);
  });
});

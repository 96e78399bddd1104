// Proves the operations endpoints: /healthz always answers, /readyz follows the database and migrations, /metrics exposes the message counters in Prometheus format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/assistant/assistant.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { silentLogger } from '../../src/log.ts';
import { createOpsServer, type OpsServer } from '../../src/ops/server.ts';
import { extractOffline } from '../../src/understand/offline/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe.each(DRIVERS)('ops endpoints on %s', (driver) => {
  let t: TestDatabase;
  let ops: OpsServer;
  let base: string;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    ops = createOpsServer(t.db, silentLogger);
    base = `http://127.0.0.1:${await ops.listen(0)}`;
  });
  afterAll(async () => {
    await ops?.close();
    await t?.close();
  });

  it('answers /healthz and /readyz when the database is up and migrated', async () => {
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'ready',
      checks: { database: true, migrations: true },
    });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
  });

  it('counts processed messages in /metrics', async () => {
    const bot = createAssistant({
      db: t.db,
      extractor: {
        name: 'offline',
        extract: async (text, ctx) => ({
          extraction: extractOffline(text, ctx),
          source: 'offline',
        }),
      },
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
    });
    await bot.handleMessage({
      platform: 'console',
      workspace: { externalId: 'ops' },
      sender: { externalId: 'u' },
      channel: 'console',
      messageId: `ops-${driver}`,
      text: 'hello',
      sentAt: new Date(),
    });
    const m = await (await fetch(`${base}/metrics`)).text();
    expect(m).toMatch(
      /pipebot_messages_processed_total\{platform="console",outcome="processed"\} [1-9]/,
    );
    expect(m).toContain('pipebot_message_processing_seconds_bucket');
    expect(m).toContain('pipebot_process_resident_memory_bytes');
  });
});

describe('readiness without a database', () => {
  it('reports not ready when the database is gone', async () => {
    const d = await openDatabase({ url: 'memory://' });
    const ops = createOpsServer(d.db, silentLogger);
    const port = await ops.listen(0);
    try {
      const before = await fetch(`http://127.0.0.1:${port}/readyz`);
      // Fresh and unmigrated: reachable but not ready.
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ checks: { database: true, migrations: false } });
      await d.close();
      const after = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(after.status).toBe(503);
      expect(await after.json()).toMatchObject({
        status: 'not ready',
        checks: { database: false },
      });
    } finally {
      await ops.close();
    }
  });
});

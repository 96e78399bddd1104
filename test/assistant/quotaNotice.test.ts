// Proves that an exhausted LLM quota reaches a workspace's admins: one DM per admin per day (not per message, not per replica), in their language, never to reps or to another workspace's admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuotaNotifier } from '../../src/assistant/quotaNotice.ts';
import { silentLogger } from '../../src/log.ts';
import { ensureMember, ensureWorkspace } from '../../src/pipeline/workspaces.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type Post, recordingOutbound } from '../helpers/outbound.ts';

const defaults = { timezone: 'Asia/Shanghai', locale: 'en' as const, currency: 'USD' };

describe.each(DRIVERS)('LLM quota notice on %s', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('DMs each admin once a day in their language, and nobody else', async () => {
    const ws = await ensureWorkspace(db.db, { platform: 'slack', externalId: 'TQUOTA' }, defaults);
    const other = await ensureWorkspace(
      db.db,
      { platform: 'slack', externalId: 'TOTHER' },
      defaults,
    );
    await ensureMember(db.db, ws, { externalId: 'UADMIN', displayName: 'Ann', isAdmin: true });
    await ensureMember(db.db, ws, {
      externalId: 'UADMIN2',
      displayName: '李',
      isAdmin: true,
      locale: 'zh-CN',
    });
    await ensureMember(db.db, ws, { externalId: 'UREP', displayName: 'Rep' });
    await ensureMember(db.db, other, {
      externalId: 'UOTHERADMIN',
      displayName: 'Zed',
      isAdmin: true,
    });

    const posts: Post[] = [];
    // Two replicas, each with its own notifier, both hear the quota error.
    const notify = [1, 2].map(() =>
      createQuotaNotifier({
        db: db.db,
        outbounds: { slack: recordingOutbound(db.db, { platform: 'slack', posts }) },
        logger: silentLogger,
      }),
    );
    const at = new Date('2026-11-28T03:00:00Z');
    await notify[0]!({ workspaceId: ws.id, model: 'gpt-4o-mini', at });
    await notify[1]!({ workspaceId: ws.id, model: 'gpt-4o-mini', at });
    await notify[0]!({
      workspaceId: ws.id,
      model: 'gpt-4o-mini',
      at: new Date(at.getTime() + 3_600_000),
    });

    expect(
      posts.map((p) => p.to).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      { kind: 'dm', user: 'UADMIN' },
      { kind: 'dm', user: 'UADMIN2' },
    ]);
    const byUser = new Map(posts.map((p) => [(p.to as { user: string }).user, p.replies[0]]));
    expect(byUser.get('UADMIN')).toMatchObject({ locale: 'en', tone: 'warning' });
    expect(JSON.stringify(byUser.get('UADMIN'))).toContain('quota is used up (model gpt-4o-mini)');
    expect(byUser.get('UADMIN2')).toMatchObject({ locale: 'zh-CN' });
    expect(JSON.stringify(byUser.get('UADMIN2'))).toContain('额度已用完');

    // The next local day, it is said again.
    await notify[1]!({
      workspaceId: ws.id,
      model: 'gpt-4o-mini',
      at: new Date('2026-11-29T03:00:00Z'),
    });
    expect(posts).toHaveLength(4);
  });

  it('only logs when no adapter for the platform is running', async () => {
    const ws = await ensureWorkspace(
      db.db,
      { platform: 'discord', externalId: 'GQUOTA' },
      defaults,
    );
    await ensureMember(db.db, ws, { externalId: 'UA', displayName: 'A', isAdmin: true });
    const notify = createQuotaNotifier({ db: db.db, outbounds: {}, logger: silentLogger });
    await expect(
      notify({ workspaceId: ws.id, model: 'm', at: new Date() }),
    ).resolves.toBeUndefined();
  });
});

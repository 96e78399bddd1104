// Proves the hostile corpus through Slack itself (signed Events API deliveries, /pipebot arguments and forged button payloads, real Bolt, offline extractor): every delivery acknowledged, every stored message answered, echoes escaped so nothing pings or disguises a link, and nothing from or to another workspace.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/connect.ts';
import { deals, inbox, workspaces } from '../../src/db/schema.ts';
import { createOfflineExtractor } from '../../src/understand/offline/index.ts';
import { type Harness, mrkdwnTexts, startHarness } from '../adapters/slack/harness.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { blockAction, messageEvent } from '../helpers/slackRequests.ts';
import { FORGED_PAYLOADS, HOSTILE_INPUTS, OTHER_TENANT_SECRET } from './hostile-corpus.ts';

/** Everything the bot sent to Slack in a call: top-level text and every mrkdwn object. */
function textsOf(body: Record<string, unknown>): string[] {
  return [
    typeof body.text === 'string' ? body.text : '',
    ...mrkdwnTexts(body.blocks),
    ...mrkdwnTexts(body.view),
  ];
}

describe.each(DRIVERS)('hostile input through Slack on %s', (driver) => {
  let db: TestDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    h = await startHarness(db, {}, { extractor: createOfflineExtractor() });
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  it('answers every hostile message, command and forged button without a ping, a leak or a stray write', async () => {
    // Another workspace holds a deal whose name must never reach T1.
    const other = messageEvent({
      user: 'UOTHER',
      channel: 'DOTHER',
      text: `met ${OTHER_TENANT_SECRET}, budget 70k`,
    });
    expect((await h.event('TOTHER', other)).status).toBe(200);
    await h.service.idle();
    const [otherWs] = await db.db
      .select()
      .from(workspaces)
      .where(eq(workspaces.externalId, 'TOTHER'));
    const otherDeals = async () =>
      db.db.select().from(deals).where(eq(deals.workspaceId, otherWs!.id));
    // Something only that workspace holds, to look for in everything sent to T1.
    await db.db
      .update(deals)
      .set({ nextStep: 'send the Quetzalcoatl proposal' })
      .where(eq(deals.workspaceId, otherWs!.id));
    const before = JSON.stringify(await otherDeals());
    expect(before).toContain('Quetzalcoatl');
    const callsBefore = h.fake.calls.length;

    const statuses: number[] = [];
    for (const [i, input] of HOSTILE_INPUTS.entries()) {
      const ev = messageEvent({ user: `UH${i % 4}`, channel: `DH${i % 4}`, text: input.text });
      statuses.push((await h.event('T1', ev)).status);
      statuses.push((await h.command('T1', `UH${i % 4}`, `DH${i % 4}`, input.text)).status);
    }
    // Forged buttons: ids that do not exist, belong to no one, or are not ids at all.
    const [anyPost] = h.fake.messages;
    for (const payload of FORGED_PAYLOADS) {
      const res = await h.interact(
        blockAction({
          teamId: 'T1',
          user: 'UH0',
          channel: 'DH0',
          message: { ts: anyPost?.ts ?? '1.000001', blocks: [] },
          blockId: 'b1',
          actionId: 'pipebot:1',
          value: payload,
          label: 'Undo',
          responseUrl: h.fake.responseUrl(`forged${FORGED_PAYLOADS.indexOf(payload)}`),
        }),
      );
      statuses.push(res.status);
    }
    await h.service.idle();

    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Every stored message was answered: processed or waiting for input, never failed or stuck.
    const [ws] = await db.db.select().from(workspaces).where(eq(workspaces.externalId, 'T1'));
    const rows = await db.db.select().from(inbox).where(eq(inbox.workspaceId, ws!.id));
    expect(rows.length).toBeGreaterThan(HOSTILE_INPUTS.length / 2);
    expect(rows.filter((r) => !['processed', 'needs_input', 'ignored'].includes(r.status))).toEqual(
      [],
    );
    const postedKeys = new Set(
      h.fake.messages.map((m) => String(m.metadata?.event_payload?.key ?? '')),
    );
    const unanswered = rows.filter(
      (r) => ![...postedKeys].some((k) => k.startsWith(`inbox:${r.id}:`)),
    );
    expect(unanswered.map((r) => r.text.slice(0, 40))).toEqual([]);

    // What went out: escaped, never a mention, never another tenant's data.
    const sent = h.fake.calls.slice(callsBefore).map((c) => c.body);
    const responses = h.fake.responses.map((r) => r.body);
    expect(sent.length + responses.length).toBeGreaterThan(HOSTILE_INPUTS.length);
    console.log(
      `hostile via Slack: ${HOSTILE_INPUTS.length} messages + ${HOSTILE_INPUTS.length} commands + ${FORGED_PAYLOADS.length} buttons; ${rows.length} stored, ${sent.length} Web API calls, ${responses.length} response_url posts`,
    );
    for (const body of [...sent, ...responses]) {
      expect(body).not.toHaveProperty('link_names');
      for (const text of textsOf(body)) {
        expect(text).not.toMatch(/<[!@#]|<https?:|<mailto:/);
      }
    }
    // The probes type the other workspace's account name, so it may be echoed back ("no deal
    // found for …"); what must never appear is anything only that workspace holds.
    const everything = JSON.stringify([...sent, ...responses]);
    const otherIds = (await otherDeals()).flatMap((d) => [d.id, d.accountId]);
    expect(otherIds.length).toBeGreaterThan(0);
    for (const id of otherIds) expect(everything).not.toContain(id);
    expect(everything).not.toContain('Quetzalcoatl');

    // The other workspace is exactly as it was.
    expect(JSON.stringify(await otherDeals())).toBe(before);

    // Only inputs meant to write could have written; a negative or absurd amount never lands.
    const [bad] = await queryRows<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from deals where workspace_id = ${ws!.id} and (amount < 0 or amount > 1e12)`,
    );
    expect(Number(bad?.n)).toBe(0);
  });
});

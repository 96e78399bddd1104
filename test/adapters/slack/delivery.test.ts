// Proves delivery guarantees of the Slack adapter with real Bolt and signed HTTP requests: bad signatures store nothing, a delivery repeated three times is written and answered once, the ack leaves before slow extraction finishes, a 429 is waited out and a timed-out post is not doubled, echoed text cannot ping, messages a crash left are answered at start, and images are uploaded.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetMeta } from '../../../src/adapters/slack/parse/events.ts';
import { inbox, outbound } from '../../../src/db/schema.ts';
import type { Extraction } from '../../../src/understand/extraction.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { upd } from '../../helpers/fixtures.ts';
import {
  eventEnvelope,
  messageEvent,
  nextTs,
  postSigned,
  SIGNING_SECRET,
  sign,
} from '../../helpers/slackRequests.ts';
import { type Harness, mrkdwnTexts, type Script, startHarness } from './harness.ts';

const update = (account: string, amount: number): Extraction => ({
  intent: 'update',
  updates: [upd({ account, amount, currency: 'USD' })],
});

let release: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  release = resolve;
});

const INJECTION =
  'met &lt;!channel&gt; Corp and <!here> <@U999> <https://evil.example/login|your bank>';
const SCRIPT: Script = {
  'Initech 10k': update('Initech', 10_000),
  'Vandelay 20k': update('Vandelay', 20_000),
  'Soylent 30k': update('Soylent', 30_000),
  'Stark 40k': update('Stark', 40_000),
  'Wayne 50k': update('Wayne', 50_000),
  'Tyrell 60k': update('Tyrell', 60_000),
  'Recovered 70k': update('Recovered', 70_000),
  // The slow LLM: ten seconds unless the test lets it finish sooner.
  'slow Cyberdyne 80k': async () => {
    await Promise.race([gate, new Promise((r) => setTimeout(r, 10_000))]);
    return update('Cyberdyne', 80_000);
  },
  'met <!channel> Corp and @here @U999 your bank': {
    intent: 'update',
    updates: [
      upd({
        account: '<!channel> Corp <@U999>',
        needs: ['<https://evil.example/login|log in here>', '<!everyone> & friends'],
        nextStep: '@here call <!subteam^S1>',
      }),
    ],
  },
};

describe.each(DRIVERS)('Slack delivery on %s', (driver) => {
  let db: TestDatabase;
  let h: Harness;
  let recoveredTs: string;
  beforeAll(async () => {
    db = await openTestDatabase(driver);
    h = await startHarness(db, SCRIPT, {
      // A message stored before a crash, never processed: answered when the service starts.
      async beforeStart(assistant) {
        recoveredTs = nextTs();
        const target = {
          teamId: 'T1',
          user: 'UREC',
          channel: 'DREC',
          channelType: 'im' as const,
          messageTs: recoveredTs,
          threadTs: null,
          ambient: false,
          external: false,
        };
        await assistant.receive({
          platform: 'slack',
          workspace: { externalId: 'T1' },
          sender: { externalId: 'UREC' },
          channel: 'DREC',
          messageId: recoveredTs,
          text: 'Recovered 70k',
          sentAt: new Date(),
          meta: targetMeta(target, 'EvCRASH'),
        });
      },
    });
  });
  afterAll(async () => {
    release();
    await h?.close();
    await db?.close();
  });

  const postsIn = (channel: string) => h.fake.messages.filter((m) => m.channel === channel);
  const rowsFor = (ts: string) => db.db.select().from(inbox).where(eq(inbox.messageId, ts));

  it('answers, at start, a message that was stored but never processed', async () => {
    await h.service.idle();
    const posts = postsIn('DREC');
    expect(posts.map((p) => p.text)).toEqual(['New deal: Recovered']);
    const [row] = await rowsFor(recoveredTs);
    expect(row?.status).toBe('processed');
  });

  it('rejects bad signatures, stale and future timestamps and missing headers with 401, storing nothing', async () => {
    const calls = h.fake.calls.length;
    const now = Math.floor(Date.now() / 1000);
    const cases: { name: string; o: Parameters<typeof postSigned>[3] }[] = [
      { name: 'bad signature', o: { secret: 'not-the-secret' } },
      { name: 'tampered', o: { signature: `v0=${'0'.repeat(64)}` } },
      { name: 'stale', o: { timestamp: now - 6 * 60 } },
      { name: 'future', o: { timestamp: now + 6 * 60 } },
      { name: 'no signature', o: { signature: null } },
      { name: 'no timestamp', o: { noTimestamp: true } },
      { name: 'no headers', o: { signature: null, noTimestamp: true } },
    ];
    const stamps: string[] = [];
    for (const c of cases) {
      const ev = messageEvent({ user: 'UMAL', channel: 'DMAL', text: 'Initech 10k' });
      stamps.push(ev.ts);
      const res = await postSigned(
        h.url,
        JSON.stringify(eventEnvelope('T1', ev)),
        'application/json',
        c.o,
      );
      expect(res.status, c.name).toBe(401);
    }
    // A body changed after signing fails too.
    const ev = messageEvent({ user: 'UMAL', channel: 'DMAL', text: 'Initech 10k' });
    const body = JSON.stringify(eventEnvelope('T1', ev));
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(h.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(body, ts, SIGNING_SECRET),
      },
      body: body.replace('Initech', 'Evilcorp'),
    });
    expect(res.status).toBe(401);
    await h.service.idle();
    for (const s of [...stamps, ev.ts]) expect(await rowsFor(s)).toEqual([]);
    expect(h.fake.calls.length).toBe(calls);
  });

  it('answers the URL verification challenge and serves /healthz on the same server', async () => {
    const res = await postSigned(
      h.url,
      JSON.stringify({ type: 'url_verification', token: 't', challenge: 'c4ll3ng3' }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'c4ll3ng3' });
    const health = await fetch(h.url.replace('/slack/events', '/healthz'));
    expect(health.status).toBe(200);
  });

  it('writes and answers once when the same event arrives three times at once (and once more as a mention)', async () => {
    const ev = messageEvent({ user: 'UDUP', channel: 'DDUP', text: 'Vandelay 20k' });
    const envelope = JSON.stringify(eventEnvelope('T1', ev, 'EvSAME'));
    const results = await Promise.all([
      postSigned(h.url, envelope, 'application/json'),
      postSigned(h.url, envelope, 'application/json', {
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      }),
      postSigned(h.url, envelope, 'application/json', {
        headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' },
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    // Same channel + ts under another event id (Slack sends message and app_mention for one post).
    const again = await h.event('T1', { ...ev }, { eventId: 'EvOTHER' });
    expect(again.status).toBe(200);
    await h.service.idle();
    const rows = await rowsFor(ev.ts);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.meta).toMatchObject({ slack: { eventId: expect.stringMatching(/^Ev/) } });
    expect(postsIn('DDUP')).toHaveLength(1);
    expect(h.extractor.calls.filter((t) => t === 'Vandelay 20k')).toHaveLength(1);
  });

  it('acknowledges before a slow extraction finishes, with the message already stored, and answers once later', async () => {
    const ev = messageEvent({ user: 'USLOW', channel: 'DSLOW', text: 'slow Cyberdyne 80k' });
    const res = await h.event('T1', ev);
    expect(res.status).toBe(200);
    // The ack is back while the extractor is still waiting: stored, not yet answered.
    const [row] = await rowsFor(ev.ts);
    expect(['received', 'processing']).toContain(row?.status);
    expect(postsIn('DSLOW')).toHaveLength(0);
    release();
    await h.service.idle();
    expect(postsIn('DSLOW').map((m) => m.text)).toEqual(['New deal: Cyberdyne']);
    const [done] = await rowsFor(ev.ts);
    expect(done?.status).toBe('processed');
  });

  it('waits out a 429 for its Retry-After, then posts exactly once', async () => {
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = h.fake.callsTo('chat.postMessage').length;
    const ev = messageEvent({ user: 'URATE', channel: 'DRATE', text: 'Soylent 30k' });
    expect((await h.event('T1', ev)).status).toBe(200);
    await h.service.idle();
    const attempts = h.fake.callsTo('chat.postMessage').slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    const posts = postsIn('DRATE');
    expect(posts.map((p) => p.text)).toEqual(['New deal: Soylent']);
    const [row] = await rowsFor(ev.ts);
    const sent = await db.db.select().from(outbound).where(eq(outbound.inboxId, row!.id));
    expect(sent).toEqual([expect.objectContaining({ status: 'sent', messageId: posts[0]!.ts })]);
  });

  it('does not post twice when a post timed out but reached Slack: it finds the first by its key', async () => {
    h.fake.fail('chat.postMessage', { delayMs: 1_500 });
    const before = h.fake.callsTo('chat.postMessage').length;
    const ev = messageEvent({ user: 'USLOWAPI', channel: 'DSLOWAPI', text: 'Stark 40k' });
    expect((await h.event('T1', ev)).status).toBe(200);
    await h.service.idle();
    expect(h.fake.callsTo('chat.postMessage').length - before).toBe(1);
    expect(h.fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(1);
    const posts = postsIn('DSLOWAPI');
    expect(posts).toHaveLength(1);
    const [row] = await rowsFor(ev.ts);
    const [sent] = await db.db.select().from(outbound).where(eq(outbound.inboxId, row!.id));
    expect(sent).toMatchObject({ status: 'sent', messageId: posts[0]!.ts });
  });

  it('retries a 5xx and never posts when Slack refuses for good', async () => {
    h.fake.fail('chat.postMessage', { status: 503 });
    const ev = messageEvent({ user: 'U5XX', channel: 'D5XX', text: 'Wayne 50k' });
    expect((await h.event('T1', ev)).status).toBe(200);
    await h.service.idle();
    expect(postsIn('D5XX').map((m) => m.text)).toEqual(['New deal: Wayne']);

    h.fake.fail('chat.postMessage', { error: 'channel_not_found' });
    const gone = messageEvent({ user: 'UGONE', channel: 'DGONE', text: 'Tyrell 60k' });
    expect((await h.event('T1', gone)).status).toBe(200);
    await h.service.idle();
    expect(postsIn('DGONE')).toHaveLength(0);
    const [row] = await rowsFor(gone.ts);
    expect(row?.status).toBe('processed');
    const [claim] = await db.db.select().from(outbound).where(eq(outbound.inboxId, row!.id));
    expect(claim?.status).toBe('failed');
  });

  it('escapes echoed text so <!channel>, @here, <@U…> and links never ping or disguise a link', async () => {
    const ev = messageEvent({ user: 'UINJ', channel: 'CINJ', text: INJECTION });
    await h.command('T1', 'UINJ', 'CINJ', 'watch');
    await h.service.idle();
    expect((await h.event('T1', ev)).status).toBe(200);
    await h.service.idle();
    const posts = postsIn('CINJ');
    expect(posts).toHaveLength(1);
    const calls = h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'CINJ');
    for (const call of calls) {
      expect(call.body).not.toHaveProperty('link_names');
      const texts = [String(call.body.text), ...mrkdwnTexts(call.body.blocks)];
      for (const text of texts) {
        expect(text).not.toMatch(/<[!@#]|<https?:/);
      }
      const joined = texts.join('\n');
      expect(joined).toContain('&lt;!channel&gt; Corp &lt;@U999&gt;');
      expect(joined).toContain('&lt;!everyone&gt; &amp; friends');
      expect(joined).toContain('&lt;https://evil.example/login|log in here&gt;');
      const objects = JSON.stringify(call.body.blocks).match(/"type":"mrkdwn"[^}]*/g) ?? [];
      for (const o of objects) expect(o).toContain('"verbatim":true');
    }
    const [row] = await rowsFor(ev.ts);
    expect(row?.text).toBe('met <!channel> Corp and @here @U999 your bank');
  });

  it('uploads an image reply as a file in the thread, with its alt text, once per key', async () => {
    const actor = {
      platform: 'slack' as const,
      workspace: { externalId: 'T1' },
      sender: { externalId: 'UIMG' },
    };
    const { workspace } = await h.assistant.identify(actor);
    const image = {
      kind: 'image' as const,
      locale: 'en' as const,
      title: 'Pipeline by stage',
      alt: 'Bar chart: Proposal $120,000, Quote $80,000',
      png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    };
    const to = { kind: 'channel' as const, channel: 'CIMG', threadOf: '1800000000.000001' };
    const first = await h.service.sender.send(workspace, to, [image], 'test:image');
    const second = await h.service.sender.send(workspace, to, [image], 'test:image');
    expect(first).toMatchObject({ status: 'sent', messageId: expect.stringMatching(/^file:F/) });
    expect(second.status).toBe('duplicate');
    const [url] = h.fake.callsTo('files.getUploadURLExternal');
    expect(url?.body).toMatchObject({ filename: 'chart.png', alt_text: image.alt });
    expect(h.fake.callsTo('upload')).toHaveLength(1);
    const [done] = h.fake.callsTo('files.completeUploadExternal');
    expect(done?.body).toMatchObject({ channel_id: 'CIMG', thread_ts: '1800000000.000001' });
  });
});

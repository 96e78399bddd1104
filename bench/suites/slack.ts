/**
 * Slack acknowledgements under load: rounds of 50 signed Events API
 * deliveries sent at once to the real Bolt app on the HTTP transport, while
 * the extractor (standing in for the LLM) takes 5 seconds per message. Each
 * delivery's response time is its ack time: the message is stored in the
 * inbox before the 200 leaves, and the slow work continues afterwards. The
 * bot is the one the Slack tests run (real Bolt, fake Web API).
 */
import { Worker } from 'node:worker_threads';
import type { Driver } from '../../src/db/connect.ts';
import type { Extractor } from '../../src/understand/extraction.ts';
import { startHarness } from '../../test/adapters/slack/harness.ts';
import { eventEnvelope, messageEvent, SIGNING_SECRET } from '../../test/helpers/slackRequests.ts';
import { type BenchOptions, type Figure, freshDatabase } from '../lib/harness.ts';
import { fmtMs, median, percentile } from '../lib/stats.ts';

const LLM_MS = 5_000;
const CONCURRENT = 50;

export async function benchSlackAcks(driver: Driver, options: BenchOptions): Promise<Figure[]> {
  const database = await freshDatabase(driver, options, 'acks');
  let extracting = 0;
  let peak = 0;
  const slowLlm: Extractor = {
    name: 'slow-llm',
    async extract() {
      extracting++;
      peak = Math.max(peak, extracting);
      await new Promise((r) => setTimeout(r, LLM_MS));
      extracting--;
      return { extraction: { intent: 'other', updates: [] }, source: 'offline' };
    },
  };
  const h = await startHarness(database, {}, { extractor: slowLlm });
  const url = h.url;
  try {
    const rounds = options.quick ? 1 : 5;
    const acks: number[] = [];
    let refused = 0;
    let seq = 0;
    const load = new Worker(new URL('../lib/slack-load.mjs', import.meta.url), {
      workerData: { url, secret: SIGNING_SECRET },
    });
    const burst = (round: number) =>
      new Promise<{ ms: number; status: number }[]>((done) => {
        load.once('message', done);
        load.postMessage(
          Array.from({ length: CONCURRENT }, (_, i) => {
            seq++;
            return JSON.stringify(
              eventEnvelope(
                'TACKS',
                messageEvent({
                  user: `U${i}`,
                  channel: `D${i}`,
                  text: `met Account ${round}-${i}, they need SSO, ~$${i + 10}k, follow up Friday`,
                  ts: `1764400000.${String(seq).padStart(6, '0')}`,
                }),
              ),
            );
          }),
        );
      });
    try {
      // Warm-up: identities cached, connections open (its extraction runs on in the background).
      await burst(-1);
      for (let r = 0; r < rounds; r++) {
        const results = await burst(r);
        refused += results.filter((x) => x.status !== 200).length;
        acks.push(...results.map((x) => x.ms));
        // The next round arrives while this one's extractions are still running.
        await new Promise((res) => setTimeout(res, 1_000));
      }
    } finally {
      await load.terminate();
    }
    const p99 = percentile(acks, 99);
    return [
      {
        figure: `Slack: ${CONCURRENT} concurrent events while the LLM takes 5 s`,
        driver,
        value: `ack p99 ${fmtMs(p99)}, p50 ${fmtMs(median(acks))}, max ${fmtMs(Math.max(...acks))} (${acks.length} events)`,
        goal: 'every ack ≤ 100 ms p99',
        met: p99 <= 100 && refused === 0,
        note: `${refused} deliveries refused; up to ${peak} extractions were running at once while acks were measured`,
      },
    ];
  } finally {
    await h.close();
    await database.drop();
  }
}

/**
 * A burst of Slack updates for the reliability tests: fixed, signed Events API
 * envelopes (so that a retry is byte-for-byte the same delivery) each naming
 * its own account, and a sender that records which ones Slack would count as
 * delivered (answered 200) — everything else Slack retries.
 */
import { eventEnvelope, messageEvent, postSigned } from './slackRequests.ts';

const FIRST = [
  'Amber',
  'Birch',
  'Cobalt',
  'Dune',
  'Willow',
  'Fjord',
  'Garnet',
  'Harbor',
  'Indigo',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Meadow',
  'Nimbus',
  'Onyx',
  'Pioneer',
  'Quartz',
  'Raven',
  'Summit',
  'Tundra',
];
const SECOND = [
  'Foods',
  'Robotics',
  'Media',
  'Freight',
  'Pharma',
  'Textiles',
  'Energy',
  'Optics',
  'Mining',
  'Games',
];

/** Two-word company names, 200 of them distinct enough that none is taken for another. */
export const burstAccount = (i: number) => `${FIRST[i % 20]} ${SECOND[Math.floor(i / 20) % 10]}`;

export interface SlackBurst {
  /** Indexes Slack got a 200 for. */
  delivered: Set<number>;
  /** Send update `i` (with `retry` > 0 as Slack's retry); the HTTP status, 0 when unreachable. */
  deliver(i: number, retry?: number): Promise<number>;
}

export function slackBurst(o: {
  url: string;
  team: string;
  count: number;
  /** Seconds part of the messages' ts; each burst its own. */
  tsSeconds: number;
  users: number;
}): SlackBurst {
  const envelopes = Array.from({ length: o.count }, (_, i) =>
    JSON.stringify(
      eventEnvelope(
        o.team,
        messageEvent({
          user: `U${i % o.users}`,
          channel: `D${i % o.users}`,
          text: `met ${burstAccount(i)}, budget ${i + 1}k`,
          ts: `${o.tsSeconds}.${String(i).padStart(6, '0')}`,
        }),
        `Ev${o.team}${i}`,
      ),
    ),
  );
  const delivered = new Set<number>();
  return {
    delivered,
    async deliver(i, retry = 0) {
      const headers: Record<string, string> = retry
        ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_error' }
        : {};
      try {
        const res = await postSigned(o.url, envelopes[i] as string, 'application/json', {
          headers,
          signal: AbortSignal.timeout(15_000),
        });
        if (res.status === 200) delivered.add(i);
        return res.status;
      } catch {
        // Connection refused, reset or timed out: Slack would retry.
        return 0;
      }
    },
  };
}

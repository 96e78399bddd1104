/**
 * Handing a verified payload to Bolt with the acknowledgement held back:
 * Bolt's `ack()` (which it calls for events before any listener runs) only
 * records the response, and the transport sends it once the listeners have
 * returned. Listeners store the message in the inbox and hand the slow work
 * to the background, so the ack leaves within Slack's three seconds and
 * never before the message is safely stored. A listener that throws leaves
 * the delivery unacknowledged, and Slack delivers it again.
 */
import type { App as BoltApp } from '@slack/bolt';

export interface Dispatched {
  acked: boolean;
  /** What a listener passed to `ack()`: a view_submission's errors, an options list… */
  response: unknown;
}

export async function dispatchToBolt(
  app: BoltApp,
  body: Record<string, unknown>,
  retry: { num?: number; reason?: string } = {},
): Promise<Dispatched> {
  const state: Dispatched = { acked: false, response: undefined };
  await app.processEvent({
    body,
    ack: async (response?: unknown) => {
      if (state.acked) return;
      state.acked = true;
      state.response = response;
    },
    ...(retry.num !== undefined ? { retryNum: retry.num } : {}),
    ...(retry.reason !== undefined ? { retryReason: retry.reason } : {}),
  });
  return state;
}

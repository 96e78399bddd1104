// The load generator for the Slack acknowledgement benchmark, run in a worker thread so that
// signing and sending requests does not share the bot's event loop (Slack is another machine).
import { createHmac } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { url, secret } = workerData;

async function post(body) {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body,
  });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

parentPort.on('message', async (bodies) => {
  parentPort.postMessage(await Promise.all(bodies.map(post)));
});

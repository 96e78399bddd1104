// The load generator for the Slack acknowledgement benchmark, run in a worker thread so that
// signing and sending requests does not share the bot's event loop (Slack is another machine).
// It uses node:http with keep-alive connections rather than fetch: fetch's own overhead for 50
// requests at once (about 15 ms at p99 on this machine, measured against a server that answers
// at once) would be counted as the bot's. The suite reports that floor beside the figure.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, secret } = workerData;
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function post(body) {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode }));
      },
    );
    // A refused or broken connection counts as a refused delivery (status 0), not a crash.
    req.on('error', () => resolve({ ms: performance.now() - t0, status: 0 }));
    req.end(body);
  });
}

parentPort.on('message', async (bodies) => {
  parentPort.postMessage(await Promise.all(bodies.map(post)));
});

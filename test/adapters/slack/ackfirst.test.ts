// Proves background work waits for a burst's acknowledgements: the HTTP transport says when no delivery has been pending for a quiet period (or when the wait runs out), so a gap between two deliveries of a burst does not let the work in, and the work tracker starts a task only after that.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../../src/adapters/slack/transport/http.ts';
import { WorkTracker } from '../../../src/adapters/slack/work.ts';
import { silentLogger } from '../../../src/log.ts';

describe('acknowledgements before background work', () => {
  const transport = new HttpTransport({
    signingSecret: 'secret',
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
  });
  beforeAll(async () => {
    await transport.start();
  });
  afterAll(async () => {
    await transport.stop();
  });

  /** A delivery whose body has not finished arriving: pending until `finish` is called. */
  function slowDelivery(to: HttpTransport = transport) {
    const req = request({
      host: '127.0.0.1',
      port: to.port ?? 0,
      path: '/slack/events',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '2' },
    });
    const answered = new Promise<number>((done) => {
      req.on('response', (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
    });
    req.write('{');
    return { finish: () => req.end('}'), answered };
  }

  const settledWithin = (p: Promise<unknown>, ms: number) =>
    Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

  it('resolves at once when nothing is pending, and when the last pending delivery is answered', async () => {
    expect(await settledWithin(transport.acknowledged(10_000), 50)).toBe(true);
    const d = slowDelivery();
    await new Promise((r) => setTimeout(r, 50));
    const waiting = transport.acknowledged(10_000);
    expect(await settledWithin(waiting, 100)).toBe(false);
    d.finish();
    expect(await d.answered).toBe(401);
    expect(await settledWithin(waiting, 1_000)).toBe(true);
  });

  it('stops waiting after the longest wait even while deliveries stay pending', async () => {
    const d = slowDelivery();
    await new Promise((r) => setTimeout(r, 50));
    expect(await settledWithin(transport.acknowledged(50), 1_000)).toBe(true);
    d.finish();
    await d.answered;
  });

  it('waits out a quiet period after the last acknowledgement, so a burst arriving a few at a time is answered first', async () => {
    // A long quiet period keeps the timing of this test far from the machine's noise.
    const quiet = new HttpTransport({
      signingSecret: 'secret',
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      quietMs: 400,
    });
    await quiet.start();
    try {
      const first = slowDelivery(quiet);
      await new Promise((r) => setTimeout(r, 50));
      const waiting = quiet.acknowledged(10_000);
      first.finish();
      expect(await first.answered).toBe(401);
      // Nothing is pending now, but the next delivery of the burst may be on its way.
      expect(await settledWithin(waiting, 100)).toBe(false);
      expect(await settledWithin(quiet.acknowledged(10_000), 50)).toBe(false);
      const second = slowDelivery(quiet);
      await new Promise((r) => setTimeout(r, 500));
      // Past the first quiet period, but the second delivery is still pending.
      expect(await settledWithin(waiting, 0)).toBe(false);
      second.finish();
      expect(await second.answered).toBe(401);
      const t0 = performance.now();
      await waiting;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
      // Once quiet, a new waiter goes at once.
      expect(await settledWithin(quiet.acknowledged(10_000), 50)).toBe(true);
    } finally {
      await quiet.stop();
    }
  });

  it('starts a task only once its gate opens, and counts it as running meanwhile', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const work = new WorkTracker(silentLogger, () => gate);
    let ran = false;
    work.run('t', async () => {
      ran = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    expect(work.size).toBe(1);
    open();
    await work.idle();
    expect(ran).toBe(true);
  });
});

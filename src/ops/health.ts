/**
 * Liveness and readiness. Live: the process answers. Ready: the database
 * answers within a short time and every migration is applied; load balancers
 * stop sending events to a replica that is not ready.
 */
import type { Db } from '../db/connect.ts';
import { ping } from '../db/connect.ts';
import { migrationsApplied } from '../db/migrate.ts';
import { registry } from './metrics.ts';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export function healthz(): HttpAnswer {
  return { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'ok' }) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export async function readyz(
  db: Db,
  extra: () => Record<string, boolean> = () => ({}),
): Promise<HttpAnswer> {
  const checks: Record<string, boolean | string> = {};
  try {
    await withTimeout(ping(db), 2_000);
    checks.database = true;
    checks.migrations = await withTimeout(migrationsApplied(db), 2_000);
  } catch (err) {
    checks.database = false;
    checks.error = (err as Error).message.slice(0, 200);
  }
  Object.assign(checks, extra());
  const ready = Object.entries(checks).every(([k, v]) => k === 'error' || v === true);
  return {
    status: ready ? 200 : 503,
    contentType: 'application/json',
    body: JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }),
  };
}

export async function metricsAnswer(): Promise<HttpAnswer> {
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}

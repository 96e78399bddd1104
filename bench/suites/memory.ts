/** Process memory of a real app process: RSS when idle after start, and after 10,000 updates. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Driver } from '../../src/db/connect.ts';
import type { BenchOptions, Figure } from '../lib/harness.ts';

function child(
  mode: 'prepare' | 'measure',
  url: string,
  count: number,
): Promise<{ idle: number; after: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--expose-gc', 'bin/run-ts.js', 'bench/memory-child.ts', mode, url, String(count)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => {
      out += c;
    });
    p.stderr.on('data', (c) => {
      err += c;
    });
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`memory child failed (${code}): ${err.slice(-500)}`));
      else
        resolve(
          mode === 'prepare'
            ? { idle: 0, after: 0 }
            : JSON.parse(out.trim().split('\n').pop() as string),
        );
    });
  });
}

export async function benchMemory(driver: Driver, options: BenchOptions): Promise<Figure[]> {
  const count = options.quick ? 300 : 10_000;
  let url: string;
  let cleanup: () => Promise<void>;
  if (driver === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'pipebot-bench-mem-'));
    url = join(dir, 'db');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `pipebot_bench_mem_${randomBytes(3).toString('hex')}`;
    const admin = postgres(options.postgresUrl as string, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(options.postgresUrl as string);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const a = postgres(options.postgresUrl as string, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
  try {
    await child('prepare', url, 0);
    const { idle, after } = await child('measure', url, count);
    const growth = (after - idle) / idle;
    return [
      {
        figure: `process memory (RSS) idle / after ${count.toLocaleString('en')} updates`,
        driver,
        value: `${idle.toFixed(0)} MB / ${after.toFixed(0)} MB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)}%)`,
        goal: '≤ 200 MB idle; growth ≤ 20%',
        met: idle <= 200 && growth <= 0.2,
        note:
          driver === 'pglite' ? 'the embedded database runs inside the same process' : undefined,
      },
    ];
  } finally {
    await cleanup();
  }
}

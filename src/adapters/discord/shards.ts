/**
 * Running the Discord adapter sharded: discord.js's ShardingManager starts one
 * `pipebot start --only discord` process per shard; every shard writes to
 * the same (Postgres) database, whose inbox and outbound keys keep the
 * shards from ever handling a message or posting a reply twice.
 */
import { fileURLToPath } from 'node:url';
import { REST, Routes, type Shard, ShardingManager } from 'discord.js';
import { PipebotError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { restOptions } from './client.ts';

const BIN = fileURLToPath(new URL('../../../bin/pipebot.js', import.meta.url));
/** A shard that dies this often within a minute is not respawned again. */
const MAX_DEATHS_PER_MINUTE = 5;

export interface ShardsOptions {
  token: string;
  apiUrl?: string | undefined;
  /** A number, or 'auto' for Discord's recommendation from /gateway/bot. */
  count: number | 'auto';
  /** Arguments before `start` for every shard (e.g. --db). */
  globalArgs?: string[];
  logger: Logger;
  /** Wait between shard starts (Discord allows one identify per 5 s by default). */
  delayMs?: number;
}

/** Discord's recommended shard count, asked of the configured REST base. */
export async function recommendedShards(token: string, apiUrl?: string): Promise<number> {
  const rest = new REST(restOptions(apiUrl)).setToken(token);
  const info = (await rest.get(Routes.gatewayBot())) as { shards?: number };
  return Math.max(1, Number(info.shards) || 1);
}

export interface RunningShards {
  manager: ShardingManager;
  /** Resolves when the shards are gone: true after a clean stop, false when they kept dying. */
  done: Promise<boolean>;
  stop(): Promise<void>;
}

export async function startShards(options: ShardsOptions): Promise<RunningShards> {
  const { logger } = options;
  const total =
    options.count === 'auto'
      ? await recommendedShards(options.token, options.apiUrl)
      : options.count;
  const manager = new ShardingManager(BIN, {
    token: options.token,
    totalShards: total,
    shardArgs: [...(options.globalArgs ?? []), 'start', '--only', 'discord'],
    execArgv: [],
    respawn: true,
    mode: 'process',
  });
  let finish: (clean: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => {
    finish = resolve;
  });

  async function killAll() {
    manager.respawn = false;
    await Promise.all(
      [...manager.shards.values()].map(
        (shard: Shard) =>
          new Promise<void>((resolve) => {
            const child = shard.process;
            if (!child || child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  const deaths: number[] = [];
  manager.on('shardCreate', (shard) => {
    logger.info({ shard: shard.id, of: total }, 'starting Discord shard');
    shard.on('error', (err) => logger.error({ err, shard: shard.id }, 'Discord shard error'));
    shard.on('death', () => {
      if (!manager.respawn) return;
      const t = Date.now();
      deaths.push(t);
      while (deaths.length && (deaths[0] ?? 0) < t - 60_000) deaths.shift();
      logger.warn({ shard: shard.id }, 'Discord shard exited; restarting it');
      if (deaths.length >= MAX_DEATHS_PER_MINUTE) {
        logger.error('Discord shards keep exiting; giving up (see their errors above)');
        void killAll().then(() => finish(false));
      }
    });
  });

  try {
    await manager.spawn({ amount: total, delay: options.delayMs ?? 5_500, timeout: 90_000 });
  } catch (err) {
    await killAll();
    throw new PipebotError(
      'unavailable',
      `Discord shards did not start: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return {
    manager,
    done,
    async stop() {
      await killAll();
      finish(true);
    },
  };
}

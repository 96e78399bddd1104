// Proves `pipebot start` with Discord variables pointing at a fake Discord connects, answers a message and stops cleanly on SIGTERM; and, on Postgres, that `pipebot discord shards` runs two shard processes that each serve their guilds into the one database.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/connect.ts';
import { inbox } from '../../../src/db/schema.ts';
import { createEmptyDatabase, DRIVERS } from '../../helpers/db.ts';
import { say } from './fake/events.ts';
import { FakeDiscord, guildIdOnShard } from './fake/server.ts';
import { guild, person } from './harness.ts';

const BIN = join(import.meta.dirname, '../../../bin/pipebot.js');

function run(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; err: () => string } {
  let err = '';
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (c) => {
    err += c;
  });
  return { child, err: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe.each(DRIVERS)('pipebot processes with Discord on %s', (driver) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function databaseEnv(): Promise<Record<string, string>> {
    if (driver === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'pipebot-discord-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return { PGLITE_DIR: join(dir, 'pglite') };
    }
    const db = await createEmptyDatabase('postgres');
    cleanups.push(() => db.drop());
    return { DATABASE_URL: db.url };
  }

  it('npm start connects to Discord, answers a DM, and exits 0 on SIGTERM', async () => {
    const alice = person('Alice');
    const fake = await FakeDiscord.start({ guilds: [guild('Acme Sales', alice)] });
    cleanups.push(() => fake.close());
    const { child, err } = run(['start'], {
      ...(await databaseEnv()),
      DISCORD_TOKEN: fake.token,
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_URL: fake.apiUrl,
      PIPEBOT_LLM: 'off',
      LOG_LEVEL: 'warn',
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await fake.until(() => fake.identifies.length > 0 && /running .*discord/.test(err()), 60_000);
    say(fake, {}, alice, 'help');
    const reply = await fake.until(() => fake.botMessages(fake.dmChannel(alice.id))[0], 30_000);
    expect(reply.embeds[0].title).toBeTruthy();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }, 120_000);

  it.runIf(driver === 'postgres')(
    'discord shards runs one process per shard, all writing to the one Postgres database',
    async () => {
      const alice = person('Alice');
      const bob = person('Bob');
      const a = guild('Shard Zero', alice, guildIdOnShard(0, 2, 1));
      const b = guild('Shard One', bob, guildIdOnShard(1, 2, 2));
      const fake = await FakeDiscord.start({ guilds: [a, b], shards: 2 });
      cleanups.push(() => fake.close());
      const dbEnv = await databaseEnv();
      const { child, err } = run(['discord', 'shards', '--count', '2'], {
        ...dbEnv,
        DISCORD_TOKEN: fake.token,
        DISCORD_APP_ID: fake.appId,
        DISCORD_API_URL: fake.apiUrl,
        PIPEBOT_LLM: 'off',
        LOG_LEVEL: 'warn',
      });
      cleanups.push(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      await fake.until(() => err().includes('running 2 Discord shards'), 90_000);
      expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      const m1 = say(fake, { guild: a, channel: a.channels[0]!.id }, alice, 'help', {
        mentionBot: true,
      });
      const m2 = say(fake, { guild: b, channel: b.channels[0]!.id }, bob, 'help', {
        mentionBot: true,
      });
      await fake.until(() => fake.botMessages(a.channels[0]!.id)[0], 30_000);
      await fake.until(() => fake.botMessages(b.channels[0]!.id)[0], 30_000);

      const database = await openDatabase({ url: dbEnv.DATABASE_URL });
      try {
        const rows = await database.db
          .select()
          .from(inbox)
          .where(inArray(inbox.messageId, [m1.id, m2.id]));
        expect(rows.map((r) => r.status)).toEqual(['processed', 'processed']);
        expect(new Set(rows.map((r) => r.workspaceId)).size).toBe(2);
      } finally {
        await database.close();
      }
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
    },
    180_000,
  );
});

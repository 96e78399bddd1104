// Proves `pipebot discord register` PUTs the /pipebot command JSON to Discord (globally, or in one guild with --guild), honouring DISCORD_API_URL, and that the discord commands name what is missing (token, a Postgres database for shards).
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipebotCommand } from '../../src/adapters/discord/commands/definitions.ts';
import { main } from '../../src/cli.ts';
import { FakeDiscord } from '../adapters/discord/fake/server.ts';

async function run(argv: string[], env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  const code = await main(argv, { stdin: Readable.from([]), stdout, stderr, env });
  return { code, out, err };
}

describe('pipebot discord register', () => {
  let fake: FakeDiscord;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_URL: fake.apiUrl,
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('puts the command globally', async () => {
    const r = await run(['discord', 'register'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('registered /pipebot globally\n');
    const [put] = fake.requestsTo('PUT', new RegExp(`^/applications/${fake.appId}/commands$`));
    expect(put?.body).toEqual([PipebotCommand]);
    const pipebot = put?.body[0];
    expect(pipebot.options.map((o: { name: string }) => o.name)).toEqual([
      'help',
      'deal',
      'pipeline',
      'followups',
      'watch',
      'unwatch',
      'settings',
      'role',
    ]);
    const deal = pipebot.options.find((o: { name: string }) => o.name === 'deal');
    expect(deal.options[0]).toMatchObject({ name: 'account', autocomplete: true, required: true });
  });

  it('puts the command in one guild with --guild', async () => {
    const r = await run(['discord', 'register', '--guild', '123456789012345678'], env);
    expect(r.code).toBe(0);
    expect(r.out).toBe('registered /pipebot in guild 123456789012345678\n');
    expect(fake.commands.guild.get('123456789012345678')).toEqual([PipebotCommand]);
  });

  it('refuses a malformed guild id and a missing token, saying what to fix', async () => {
    const bad = await run(['discord', 'register', '--guild', 'general'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--guild must be a numeric guild id');
    const missing = await run(['discord', 'register'], { LOG_LEVEL: 'silent' });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('DISCORD_TOKEN: is required to register commands');
  });

  it('refuses to shard on the embedded database, which one process at a time can open', async () => {
    const r = await run(['discord', 'shards', '--count', '2'], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('DATABASE_URL: sharding needs Postgres');
    expect(fake.requestsTo('GET', /^\/gateway\/bot$/)).toHaveLength(0);
  });
});

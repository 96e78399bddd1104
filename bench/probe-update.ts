import postgres from 'postgres';
import { createAssistant } from '../src/assistant/assistant.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { silentLogger } from '../src/log.ts';
import { createOfflineExtractor } from '../src/understand/offline/index.ts';
import { median, percentile, timeRuns } from './lib/stats.ts';

const admin = postgres('postgres://postgres@127.0.0.1:5432/test', { max: 1, onnotice: () => {} });
await admin.unsafe('drop database if exists pipebot_probe with (force)');
await admin.unsafe('create database pipebot_probe');
await admin.end();
let count = 0;
const statements: string[] = [];
const d = await openDatabase({
  url: 'postgres://postgres@127.0.0.1:5432/pipebot_probe',
  onQuery: (s) => {
    count++;
    statements.push(s.replace(/\s+/g, ' ').slice(0, 90));
  },
});
await migrate(d.db);
const bot = createAssistant({
  db: d.db,
  extractor: createOfflineExtractor(),
  defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
  logger: silentLogger,
});
const msg = (i: number, text: string) => ({
  platform: 'slack' as const,
  workspace: { externalId: 'T1' },
  sender: { externalId: 'U1', displayName: 'alice' },
  channel: 'D1',
  messageId: `m${i}`,
  text,
  sentAt: new Date(),
});
await bot.handleMessage(msg(0, 'met Acme, they need SSO, 50k, follow up Friday'));
count = 0;
statements.length = 0;
await bot.handleMessage(msg(1, 'Acme sent the quote, 60k'));
console.log('round trips for an update to an existing deal:', count);
for (const s of statements) console.log('  ', s);
let i = 10;
const times = await timeRuns(
  () => bot.handleMessage(msg(i++, `Acme wants ${i}k now, follow up Friday`)),
  300,
  20,
);
console.log('p50', median(times).toFixed(2), 'p99', percentile(times, 99).toFixed(2));
await d.close();

/**
 * Run as its own process by the memory benchmark. `prepare` creates and
 * seeds the database; `measure` starts the app on it the way `pipebot start`
 * does, reports RSS when idle, pushes N updates through the assistant and
 * reports RSS again, as one JSON line.
 */
import { createApp } from '../src/app.ts';
import { seedDemo } from '../src/cli/seed.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { silentLogger } from '../src/log.ts';

const [mode, url, count] = [
  process.argv[2],
  process.argv[3] as string,
  Number(process.argv[4] ?? 10000),
];
const mb = () => process.memoryUsage().rss / 2 ** 20;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const database = await openDatabase({
  url: url.startsWith('postgres') || url === 'memory://' ? url : undefined,
  pgliteDir: url,
});
await migrate(database.db);
const app = createApp(loadConfig({ PIPEBOT_TIMEZONE: 'UTC' }), database, silentLogger);
if (mode === 'prepare') {
  // First start: create and seed the database, then exit; the measured run is a restart.
  await seedDemo(database.db, { externalId: 'mem', locale: 'en' }, new Date());
  await database.close();
  process.exit(0);
}
gc();
await new Promise((r) => setTimeout(r, 500));
gc();
const idle = mb();
const accounts = [
  'Acme Corp',
  'Initech',
  'Globex Logistics',
  'Stark Manufacturing',
  'Tyrell Systems',
  'Cyberdyne',
];
const owners = ['bob', 'bob', 'carol', 'carol', 'dan', 'dan'];
for (let i = 0; i < count; i++) {
  const k = i % accounts.length;
  await app.assistant.handleMessage({
    platform: 'console',
    workspace: { externalId: 'mem' },
    sender: { externalId: owners[k] as string },
    channel: 'console',
    messageId: `mem-${i}`,
    text: `met ${accounts[k]}, they want ${50 + (i % 40)}k now, follow up Friday`,
    sentAt: new Date(),
  });
  if (i === Math.floor(count / 10)) {
    gc();
  }
}
gc();
await new Promise((r) => setTimeout(r, 500));
gc();
const after = mb();
process.stdout.write(`${JSON.stringify({ idle, after })}\n`);
await database.close();
process.exit(0);

// Proves the hostile corpus through the console path, commands, button payloads and CSV import: no crash, a clear reply, no write where none was meant, terminal-safe echoes, and nothing from another tenant.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply } from '../../src/adapters/console/render.ts';
import { type Assistant, createAssistant } from '../../src/assistant/assistant.ts';
import type { Actor, Reply } from '../../src/assistant/types.ts';
import { main } from '../../src/cli.ts';
import { queryRows } from '../../src/db/connect.ts';
import { silentLogger } from '../../src/log.ts';
import { applyUpdate } from '../../src/pipeline/deals.ts';
import { createOfflineExtractor } from '../../src/understand/offline/index.ts';
import { DRIVERS, openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { makeMember, makeWorkspace, upd } from '../helpers/fixtures.ts';
import {
  FORGED_PAYLOADS,
  HOSTILE_CSV_ROWS,
  HOSTILE_INPUTS,
  OTHER_TENANT_SECRET,
} from './hostile-corpus.ts';

const SECRET_AMOUNT = 9182736;
const SECRET_OWNER = 'Mallory Secretowner';

function leaks(replies: Reply[], input: string): string[] {
  const text = JSON.stringify(replies);
  const found: string[] = [];
  for (const marker of ['9,182,736', '9182736', SECRET_OWNER])
    if (text.includes(marker)) found.push(marker);
  if (!input.includes(OTHER_TENANT_SECRET) && text.includes(OTHER_TENANT_SECRET))
    found.push(OTHER_TENANT_SECRET);
  return found;
}

describe.each(DRIVERS)('hostile input on %s', (driver) => {
  let t: TestDatabase;
  let bot: Assistant;
  const home: Actor & { channel: string } = {
    platform: 'console',
    workspace: { externalId: 'T-HOME' },
    sender: { externalId: 'rep', displayName: 'rep' },
    channel: 'console',
  };
  let n = 0;

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    bot = createAssistant({
      db: t.db,
      extractor: createOfflineExtractor(),
      defaults: { timezone: 'UTC', locale: 'en', currency: 'USD' },
      logger: silentLogger,
    });
    const other = await makeWorkspace(t.db, { platform: 'console' });
    const mallory = await makeMember(t.db, other, SECRET_OWNER, 'admin');
    const secret = await applyUpdate(
      t.db,
      { workspace: other, member: mallory, now: new Date() },
      upd({
        account: OTHER_TENANT_SECRET,
        amount: SECRET_AMOUNT,
        currency: 'USD',
        stage: 'negotiation',
      }),
    );
    expect(secret.status).toBe('applied');
    // The home team has an ordinary deal too, so commands have something to show.
    await bot.handleMessage({
      ...home,
      messageId: 'seed',
      text: 'met Acme, they need SSO, 50k, follow up Friday',
      sentAt: new Date(),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function counts(): Promise<{ deals: number; events: number }> {
    const [r] = await queryRows<{ deals: number; events: number }>(
      t.db,
      sql`select (select count(*)::int from deals) as deals, (select count(*)::int from deal_events) as events`,
    );
    return { deals: Number(r?.deals), events: Number(r?.events) };
  }

  it(`answers all ${HOSTILE_INPUTS.length} hostile messages without crashing, leaking or writing where none was meant`, async () => {
    const problems: string[] = [];
    for (const input of HOSTILE_INPUTS) {
      const before = await counts();
      const r = await bot.handleMessage({
        ...home,
        messageId: `h${n++}`,
        text: input.text,
        sentAt: new Date(),
      });
      const after = await counts();
      const label = `[${input.category}] ${JSON.stringify(input.text.slice(0, 60))}`;
      if (r.status === 'failed') problems.push(`${label}: failed`);
      if (r.replies.length === 0) problems.push(`${label}: no reply`);
      const leaked = leaks(r.replies, input.text);
      if (leaked.length) problems.push(`${label}: leaked ${leaked.join(', ')}`);
      if (!input.write && (after.deals !== before.deals || after.events !== before.events)) {
        problems.push(
          `${label}: wrote (${before.deals}→${after.deals} deals, ${before.events}→${after.events} events)`,
        );
      }
      for (const reply of r.replies) {
        const shown = renderReply(reply);
        if (/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/.test(shown))
          problems.push(`${label}: control characters reach the terminal`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('treats hostile text given to commands as data', async () => {
    const problems: string[] = [];
    for (const input of HOSTILE_INPUTS) {
      for (const command of ['deal', 'pipeline', 'settings timezone', 'role', 'followups']) {
        const replies = await bot.runCommand(home, `${command} ${input.text}`.slice(0, 25_000));
        const leaked = leaks(replies, input.text);
        if (replies.length === 0)
          problems.push(`${command} ${JSON.stringify(input.text.slice(0, 40))}: no reply`);
        if (leaked.length)
          problems.push(
            `${command} ${JSON.stringify(input.text.slice(0, 40))}: leaked ${leaked.join(', ')}`,
          );
      }
    }
    expect(problems).toEqual([]);
    const [ws] = await queryRows<{ timezone: string }>(
      t.db,
      sql`select timezone from workspaces where external_id = 'T-HOME'`,
    );
    expect(ws?.timezone).toBe('UTC');
  });

  it('refuses every forged button payload and changes nothing', async () => {
    const before = await counts();
    for (const payload of FORGED_PAYLOADS) {
      const r = await bot.handleAction(home, payload);
      expect(r.changed ?? false).toBe(false);
      expect(r.form).toBeUndefined();
      expect(r.replies).toHaveLength(1);
      expect(r.replies[0]).toMatchObject({ kind: 'text' });
      expect(leaks(r.replies, payload)).toEqual([]);
    }
    // A real payload from the other workspace: its deal's undo.
    const [ev] = await queryRows<{ id: string }>(
      t.db,
      sql`select e.id from deal_events e join accounts a on a.workspace_id = e.workspace_id where a.name = ${OTHER_TENANT_SECRET} limit 1`,
    );
    const stolen = await bot.handleAction(home, `undo:${ev!.id}`);
    expect(stolen.changed ?? false).toBe(false);
    expect(await counts()).toEqual(before);
  });
});

describe('hostile CSV rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipebot-hostile-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports bad rows by line and neutralises formulas on export', async () => {
    const file = join(dir, 'hostile.csv');
    writeFileSync(
      file,
      [
        'account,title,owner,stage,amount,currency,close_date,next_step,next_step_due,last_activity_at,created_at',
        ...HOSTILE_CSV_ROWS,
      ].join('\n'),
    );
    const run = async (argv: string[]) => {
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
      const code = await main(argv, {
        stdin: Readable.from([]),
        stdout,
        stderr,
        env: { PGLITE_DIR: join(dir, 'db') },
      });
      return { code, out, err };
    };
    const imported = await run(['import', file]);
    expect(imported.code).toBe(1);
    for (const line of [4, 5, 6, 7, 8]) expect(imported.err).toContain(`line ${line}:`);
    const exported = await run(['export']);
    expect(exported.code).toBe(0);
    // A cell that would be a formula in a spreadsheet is exported as text.
    for (const line of exported.out.split('\n').slice(1)) expect(line).not.toMatch(/^"?[=+@]/);
    expect(exported.out).not.toMatch(/[\u202e\u0000]/);
  });
});

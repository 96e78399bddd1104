/**
 * Writing validated CSV rows: all good rows in one transaction, a batch of
 * 1,000 rows at a time in a few statements each (src/pipeline/bulk.ts), so a
 * file is imported completely or not at all and a large file is not
 * thousands of round trips. Re-importing the same file updates deals instead
 * of copying them.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../db/connect.ts';
import {
  type Deal,
  type DealDiff,
  deals,
  type Member,
  members,
  type Workspace,
} from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import { type Columns, insertRecords, recordset } from './bulk.ts';
import type { CsvDealRow, RowError } from './csv.ts';

export interface ImportResult {
  created: number;
  updated: number;
  errors: RowError[];
}

const CHUNK = 1000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Write validated rows in one transaction. Owners are matched by display name
 * (created as members when unknown); accounts by normalised name or alias;
 * a row whose account, owner and title match an existing open deal updates it.
 */
export async function importDeals(
  db: Db,
  workspace: Workspace,
  importer: Member,
  rows: CsvDealRow[],
  now: Date,
): Promise<{ created: number; updated: number }> {
  if (rows.length === 0) return { created: 0, updated: 0 };
  const result = await db.transaction(async (tx) => {
    const ownerIds = await ensureOwners(tx, workspace, importer, rows);
    const accountIds = await ensureAccounts(tx, workspace, rows);

    // Existing open deals keyed by account + owner + title.
    const existing = new Map<string, Deal>();
    for (const ids of chunks([...new Set(accountIds.values())])) {
      const found = await tx
        .select()
        .from(deals)
        .where(
          and(
            eq(deals.workspaceId, workspace.id),
            inArray(deals.accountId, ids),
            inArray(deals.status, ['open', 'won', 'lost']),
          ),
        );
      for (const d of found)
        existing.set(`${d.accountId}|${d.ownerId}|${d.title.toLowerCase()}`, d);
    }

    // One plan per deal key; the same deal twice in one file: the later line wins, as a spreadsheet user expects.
    const planned = new Map<
      string,
      { row: CsvDealRow; accountId: string; ownerId: string; deal: Deal | undefined }
    >();
    for (const row of rows) {
      const accountId = accountIds.get(row.normalizedAccount)!;
      const ownerId =
        ownerIds.get((row.owner ?? importer.displayName).toLowerCase()) ?? importer.id;
      const key = `${accountId}|${ownerId}|${row.title.toLowerCase()}`;
      planned.delete(key);
      planned.set(key, { row, accountId, ownerId, deal: existing.get(key) });
    }
    const toCreate = [...planned.values()].filter((p) => !p.deal);
    const toUpdate = [...planned.values()]
      .filter((p): p is typeof p & { deal: Deal } => Boolean(p.deal))
      .map(({ row, deal }) => ({ row, deal }));

    for (const batch of chunks(toCreate)) await createBatch(tx, workspace, importer, batch, now);
    for (const batch of chunks(toUpdate)) await updateBatch(tx, workspace, importer, batch, now);
    return { created: toCreate.length, updated: toUpdate.length };
  });
  if (result.created + result.updated >= ANALYZE_AFTER_ROWS) await refreshStatistics(db);
  return result;
}

/** From this many rows written, an import refreshes the planner's statistics (see `refreshStatistics`). */
const ANALYZE_AFTER_ROWS = 1_000;

/**
 * Refresh the planner's statistics of the tables a large import fills. Until
 * a table is analysed the planner guesses a handful of rows. It then filtered
 * a 1,000-id lookup over every deal of the workspace (0.5 s per lookup at
 * 50,000 deals, measured on Postgres), and a re-import and an export of
 * 50,000 deals took 39 s and 26 s instead of 6 s and 2.4 s. Postgres's
 * autovacuum would analyse the tables a while later, if it is on; the
 * embedded database has none. The import has committed by now: a failure
 * here (a role that may not analyse) only leaves that to autovacuum.
 */
async function refreshStatistics(db: Db): Promise<void> {
  try {
    await db.execute(sql`analyze deals, accounts, members, deal_events, followups`);
  } catch {
    // The statistics stay as they were; nothing the import wrote depends on them.
  }
}

const DEAL_COLUMNS: Columns = {
  workspace_id: 'uuid',
  account_id: 'uuid',
  owner_id: 'uuid',
  title: 'text',
  stage: 'text',
  status: 'text',
  amount: 'numeric',
  currency: 'text',
  close_date: 'date',
  next_step: 'text',
  next_step_due: 'date',
  stage_entered_at: 'timestamptz',
  last_activity_at: 'timestamptz',
  closed_at: 'timestamptz',
  created_at: 'timestamptz',
};

const EVENT_COLUMNS: Columns = {
  workspace_id: 'uuid',
  deal_id: 'uuid',
  actor_id: 'uuid',
  kind: 'text',
  diff: 'jsonb',
  from_stage: 'text',
  to_stage: 'text',
  version: 'int',
  created_at: 'timestamptz',
};

const FOLLOWUP_COLUMNS: Columns = {
  workspace_id: 'uuid',
  deal_id: 'uuid',
  owner_id: 'uuid',
  kind: 'text',
  text: 'text',
  due_date: 'date',
};

/** Insert a batch of new deals, their audit events and their next-step follow-ups: three statements. */
async function createBatch(
  tx: Tx,
  workspace: Workspace,
  importer: Member,
  batch: { row: CsvDealRow; accountId: string; ownerId: string }[],
  now: Date,
): Promise<void> {
  const planned = batch.map(({ row, accountId, ownerId }) => ({
    workspace_id: workspace.id,
    account_id: accountId,
    owner_id: ownerId,
    title: row.title,
    stage: row.stage,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    close_date: row.closeDate,
    next_step: row.nextStep,
    next_step_due: row.nextStepDue,
    stage_entered_at: row.lastActivityAt ?? row.createdAt ?? now,
    last_activity_at: row.lastActivityAt ?? row.createdAt ?? now,
    closed_at: row.status === 'open' ? null : (row.lastActivityAt ?? now),
    created_at: row.createdAt ?? now,
  }));
  const inserted = await insertRecords<{
    id: string;
    account_id: string;
    owner_id: string;
    title: string;
    version: number;
  }>(tx, 'deals', DEAL_COLUMNS, planned, ['id', 'account_id', 'owner_id', 'title', 'version']);
  // Match returned ids to the planned rows by their deal key (unique within a batch).
  const key = (a: string, o: string, t: string) => `${a}|${o}|${t.toLowerCase()}`;
  const byKey = new Map(inserted.map((d) => [key(d.account_id, d.owner_id, d.title), d]));
  const created = planned.map((p) => {
    const d = byKey.get(key(p.account_id, p.owner_id, p.title));
    if (!d) throw new Error(`import: no id returned for ${p.title}`);
    return { ...p, id: d.id, version: Number(d.version) };
  });
  await insertRecords(
    tx,
    'deal_events',
    EVENT_COLUMNS,
    created.map((d) => ({
      workspace_id: workspace.id,
      deal_id: d.id,
      actor_id: importer.id,
      kind: 'import',
      diff: importDiff(null, {
        title: d.title,
        stage: d.stage,
        status: d.status,
        amount: d.amount,
        currency: d.currency,
        closeDate: d.close_date,
        nextStep: d.next_step,
        nextStepDue: d.next_step_due,
      }),
      from_stage: null,
      to_stage: d.stage,
      version: d.version,
      created_at: now,
    })),
  );
  await insertRecords(
    tx,
    'followups',
    FOLLOWUP_COLUMNS,
    created
      .filter((d) => d.next_step && d.status === 'open')
      .map((d) => ({
        workspace_id: workspace.id,
        deal_id: d.id,
        owner_id: d.owner_id,
        kind: 'next_step',
        text: d.next_step,
        due_date: d.next_step_due,
      })),
  );
}

/**
 * Update a batch of existing deals with one UPDATE … FROM jsonb_to_recordset
 * and one INSERT of their audit events. Each row is checked against the
 * version read earlier in this transaction, so a concurrent edit aborts the
 * import instead of being overwritten.
 */
async function updateBatch(
  tx: Tx,
  workspace: Workspace,
  importer: Member,
  batch: { row: CsvDealRow; deal: Deal }[],
  now: Date,
): Promise<void> {
  const afters = batch.map(({ row, deal }) => {
    const stageChanged = deal.stage !== row.stage;
    const closing = row.status !== 'open' && deal.status === 'open';
    const after: Deal = {
      ...deal,
      stage: row.stage,
      status: row.status,
      amount: row.amount ?? deal.amount,
      currency: row.amount !== null ? row.currency : deal.currency,
      closeDate: row.closeDate ?? deal.closeDate,
      nextStep: row.nextStep ?? deal.nextStep,
      nextStepDue: row.nextStepDue ?? deal.nextStepDue,
      stageEnteredAt: stageChanged ? now : deal.stageEnteredAt,
      lastActivityAt: row.lastActivityAt ?? now,
      closedAt:
        row.status === 'open' ? null : closing ? (row.lastActivityAt ?? now) : deal.closedAt,
      version: deal.version + 1,
    };
    return { before: deal, after, stageChanged };
  });
  const columns: Columns = {
    id: 'uuid',
    version: 'int',
    stage: 'text',
    status: 'text',
    amount: 'numeric',
    currency: 'text',
    close_date: 'date',
    next_step: 'text',
    next_step_due: 'date',
    stage_entered_at: 'timestamptz',
    last_activity_at: 'timestamptz',
    closed_at: 'timestamptz',
  };
  const updated = await queryRows<{ id: string }>(
    tx,
    sql`update deals d set stage = r.stage, status = r.status, amount = r.amount,
          currency = r.currency, close_date = r.close_date, next_step = r.next_step,
          next_step_due = r.next_step_due, stage_entered_at = r.stage_entered_at,
          last_activity_at = r.last_activity_at, closed_at = r.closed_at, version = d.version + 1
        from ${recordset(
          columns,
          afters.map(({ before: b, after: a }) => ({
            id: a.id,
            version: b.version,
            stage: a.stage,
            status: a.status,
            amount: a.amount,
            currency: a.currency,
            close_date: a.closeDate,
            next_step: a.nextStep,
            next_step_due: a.nextStepDue,
            stage_entered_at: a.stageEnteredAt,
            last_activity_at: a.lastActivityAt,
            closed_at: a.closedAt,
          })),
        )}
        where d.id = r.id and d.workspace_id = ${workspace.id} and d.version = r.version
        returning d.id`,
  );
  if (updated.length !== batch.length)
    throw new ConflictError('deals changed while the file was being imported; import it again');
  await insertRecords(
    tx,
    'deal_events',
    EVENT_COLUMNS,
    afters.map(({ before, after, stageChanged }) => ({
      workspace_id: workspace.id,
      deal_id: after.id,
      actor_id: importer.id,
      kind: 'import',
      diff: importDiff(before, after),
      from_stage: stageChanged ? before.stage : null,
      to_stage: stageChanged ? after.stage : null,
      version: after.version,
      created_at: now,
    })),
  );
}

const DIFF_FIELDS = [
  'title',
  'stage',
  'status',
  'amount',
  'currency',
  'closeDate',
  'nextStep',
  'nextStepDue',
] as const;

type DiffSource = Pick<Deal, (typeof DIFF_FIELDS)[number]>;

function importDiff(before: DiffSource | null, after: DiffSource): DealDiff {
  const diff: DealDiff = {};
  for (const f of DIFF_FIELDS) {
    const b = before ? before[f] : null;
    const a = after[f];
    if (JSON.stringify(b ?? null) !== JSON.stringify(a ?? null))
      diff[f] = { before: b ?? null, after: a ?? null };
  }
  return diff;
}

async function ensureOwners(
  tx: Tx,
  workspace: Workspace,
  importer: Member,
  rows: CsvDealRow[],
): Promise<Map<string, string>> {
  const names = [...new Set(rows.map((r) => r.owner).filter((o): o is string => Boolean(o)))];
  const byName = new Map<string, string>([[importer.displayName.toLowerCase(), importer.id]]);
  if (names.length === 0) return byName;
  const existing = await tx
    .select({ id: members.id, name: members.displayName, ext: members.externalId })
    .from(members)
    .where(eq(members.workspaceId, workspace.id));
  for (const m of existing) {
    byName.set(m.name.toLowerCase(), m.id);
    if (!byName.has(m.ext.toLowerCase())) byName.set(m.ext.toLowerCase(), m.id);
  }
  const missing = names.filter((n) => !byName.has(n.toLowerCase()));
  if (missing.length) {
    // On the console the member id is the name (as with `--as NAME`); elsewhere it is marked as imported.
    const ext = (n: string) => (workspace.platform === 'console' ? n : `import:${n.toLowerCase()}`);
    const created = await tx
      .insert(members)
      .values(
        missing.map((n) => ({
          workspaceId: workspace.id,
          externalId: ext(n),
          displayName: n,
          role: 'rep' as const,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: members.id, name: members.displayName });
    for (const m of created) byName.set(m.name.toLowerCase(), m.id);
  }
  return byName;
}

async function ensureAccounts(
  tx: Tx,
  workspace: Workspace,
  rows: CsvDealRow[],
): Promise<Map<string, string>> {
  const wanted = new Map<string, string>();
  for (const r of rows)
    if (!wanted.has(r.normalizedAccount)) wanted.set(r.normalizedAccount, r.account);
  const ids = new Map<string, string>();
  const keys = [...wanted.keys()];
  // Exact names through the unique index, then aliases through the GIN index: two index
  // lookups per batch (an OR of both would scan the table).
  for (const batch of chunks(keys)) {
    const exact = await queryRows<{ id: string; n: string }>(
      tx,
      sql`select a.id, a.normalized_name as n
          from accounts a join ${recordset(
            { n: 'text' },
            batch.map((n) => ({ n })),
          )} on a.normalized_name = r.n
          where a.workspace_id = ${workspace.id}`,
    );
    for (const a of exact) ids.set(a.n, a.id);
    const rest = batch.filter((k) => !ids.has(k));
    if (rest.length === 0) continue;
    const aliased = await queryRows<{ id: string; aliases: string[] }>(
      tx,
      sql`select id, aliases from accounts
          where workspace_id = ${workspace.id}
            and aliases && (select array_agg(r.n) from ${recordset(
              { n: 'text' },
              rest.map((n) => ({ n })),
            )})`,
    );
    for (const a of aliased)
      for (const al of a.aliases) if (wanted.has(al) && !ids.has(al)) ids.set(al, a.id);
  }
  const missing = keys.filter((k) => !ids.has(k));
  for (const batch of chunks(missing)) {
    const created = await insertRecords<{ id: string; normalized_name: string }>(
      tx,
      'accounts',
      { workspace_id: 'uuid', name: 'text', normalized_name: 'text' },
      batch.map((n) => ({ workspace_id: workspace.id, name: wanted.get(n)!, normalized_name: n })),
      ['id', 'normalized_name'],
      true,
    );
    for (const a of created) ids.set(a.normalized_name, a.id);
  }
  return ids;
}

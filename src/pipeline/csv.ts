/**
 * CSV import and export (DESIGN.md, "contract — CSV import/export").
 * Import validates every row first, reports bad ones by line number, then
 * writes all good rows in one transaction with batched statements, so a file
 * is imported completely or not at all and a large file is not thousands of
 * round trips. Re-importing the same file updates deals instead of copying them.
 */
import { and, arrayOverlaps, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/connect.ts';
import {
  accounts,
  type Deal,
  type DealDiff,
  dealEvents,
  deals,
  followups,
  type Member,
  members,
  type Workspace,
} from '../db/schema.ts';
import { storableText } from '../lib/text.ts';
import { isValidLocalDate } from '../lib/time.ts';
import { cleanDisplayName, normalizeAccountName } from './names.ts';
import { matchStage, type StageTemplate } from './stages.ts';
import { MAX_AMOUNT } from './update.ts';
import { templateOf } from './workspaces.ts';

export const CSV_HEADER = [
  'account',
  'title',
  'owner',
  'stage',
  'amount',
  'currency',
  'close_date',
  'next_step',
  'next_step_due',
  'last_activity_at',
  'created_at',
] as const;
export type CsvColumn = (typeof CSV_HEADER)[number];

export interface CsvDealRow {
  line: number;
  account: string;
  normalizedAccount: string;
  title: string;
  owner: string | null;
  stage: string;
  status: Deal['status'];
  amount: number | null;
  currency: string | null;
  closeDate: string | null;
  nextStep: string | null;
  nextStepDue: string | null;
  lastActivityAt: Date | null;
  createdAt: Date | null;
}

export interface RowError {
  line: number;
  reason: string;
}

/** Map header names to column positions; unknown and missing columns are reported. */
export function readHeader(
  record: string[],
): { index: Map<CsvColumn, number> } | { error: string } {
  const index = new Map<CsvColumn, number>();
  record.forEach((name, i) => {
    const key = name
      .trim()
      .toLowerCase()
      .replace(/^\ufeff/, '') as CsvColumn;
    if ((CSV_HEADER as readonly string[]).includes(key)) index.set(key, i);
  });
  if (!index.has('account'))
    return { error: `the header must include "account" (expected: ${CSV_HEADER.join(',')})` };
  return { index };
}

function parseTimestamp(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s))
    return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s) && !isValidLocalDate(s)) return null;
  const d = new Date(s.length === 10 ? `${s}T00:00:00Z` : s.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Validate one data row. Never throws: a bad row comes back as an error with its line. */
export function parseCsvRow(
  record: string[],
  line: number,
  header: Map<CsvColumn, number>,
  template: StageTemplate,
  defaultCurrency: string,
): CsvDealRow | RowError {
  const get = (c: CsvColumn) => {
    const i = header.get(c);
    return i === undefined ? '' : storableText(record[i] ?? '').trim();
  };
  const account = cleanDisplayName(get('account'));
  const normalizedAccount = normalizeAccountName(account);
  if (!normalizedAccount) return { line, reason: 'account is empty' };

  const stageText = get('stage');
  const firstOpen =
    template.stages.find((s) => s.phase !== 'won' && s.phase !== 'lost') ?? template.stages[0];
  const stage = stageText ? matchStage(template, stageText) : firstOpen;
  if (!stage) {
    return {
      line,
      reason: `unknown stage "${stageText}" (use one of ${template.stages.map((s) => s.key).join(', ')})`,
    };
  }

  let amount: number | null = null;
  const amountText = get('amount').replace(/[,\s_]/g, '');
  if (amountText) {
    if (!/^\d+(\.\d+)?$/.test(amountText))
      return { line, reason: `amount "${get('amount')}" is not a non-negative number` };
    amount = Number(amountText);
    if (!Number.isFinite(amount) || amount > MAX_AMOUNT)
      return { line, reason: 'amount is too large' };
  }
  let currency: string | null = get('currency').toUpperCase() || null;
  if (currency && !/^[A-Z]{3}$/.test(currency))
    return { line, reason: `currency "${get('currency')}" is not an ISO 4217 code` };
  if (amount !== null && !currency) currency = defaultCurrency;
  if (amount === null) currency = null;

  const dates: Partial<Record<'closeDate' | 'nextStepDue', string>> = {};
  for (const [col, key] of [
    ['close_date', 'closeDate'],
    ['next_step_due', 'nextStepDue'],
  ] as const) {
    const v = get(col);
    if (!v) continue;
    const d = v.slice(0, 10);
    if (!isValidLocalDate(d) || (v.length > 10 && !parseTimestamp(v)))
      return { line, reason: `${col} "${v}" is not a date (YYYY-MM-DD)` };
    dates[key] = d;
  }
  const stamps: Partial<Record<'lastActivityAt' | 'createdAt', Date>> = {};
  for (const [col, key] of [
    ['last_activity_at', 'lastActivityAt'],
    ['created_at', 'createdAt'],
  ] as const) {
    const v = get(col);
    if (!v) continue;
    const d = parseTimestamp(v);
    if (!d) return { line, reason: `${col} "${v}" is not an ISO 8601 date or time` };
    stamps[key] = d;
  }

  const nextStep = cleanDisplayName(get('next_step')).slice(0, 500) || null;
  return {
    line,
    account,
    normalizedAccount,
    title: cleanDisplayName(get('title')).slice(0, 200) || account,
    owner: cleanDisplayName(get('owner')).slice(0, 100) || null,
    stage: stage.key,
    status: stage.phase === 'won' ? 'won' : stage.phase === 'lost' ? 'lost' : 'open',
    amount,
    currency,
    closeDate: dates.closeDate ?? null,
    nextStep: nextStep ?? (dates.nextStepDue ? 'Follow up' : null),
    nextStepDue: dates.nextStepDue ?? null,
    lastActivityAt: stamps.lastActivityAt ?? null,
    createdAt: stamps.createdAt ?? null,
  };
}

export function isRowError(r: CsvDealRow | RowError): r is RowError {
  return 'reason' in r && !('account' in r);
}

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
  return db.transaction(async (tx) => {
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

    const toCreate: { row: CsvDealRow; accountId: string; ownerId: string }[] = [];
    const toUpdate: { row: CsvDealRow; deal: Deal; ownerId: string }[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const accountId = accountIds.get(row.normalizedAccount)!;
      const ownerId =
        ownerIds.get((row.owner ?? importer.displayName).toLowerCase()) ?? importer.id;
      const key = `${accountId}|${ownerId}|${row.title.toLowerCase()}`;
      const deal = existing.get(key);
      // The same deal twice in one file: the later line wins, as a spreadsheet user expects.
      if (seen.has(key)) {
        const i = toCreate.findIndex(
          (c) => `${c.accountId}|${c.ownerId}|${c.row.title.toLowerCase()}` === key,
        );
        if (i >= 0) toCreate.splice(i, 1);
        const j = toUpdate.findIndex(
          (u) => u.deal && `${u.deal.accountId}|${u.ownerId}|${u.row.title.toLowerCase()}` === key,
        );
        if (j >= 0) toUpdate.splice(j, 1);
      }
      seen.add(key);
      if (deal) toUpdate.push({ row, deal, ownerId });
      else toCreate.push({ row, accountId, ownerId });
    }

    for (const batch of chunks(toCreate)) {
      const inserted = await tx
        .insert(deals)
        .values(
          batch.map(({ row, accountId, ownerId }) => ({
            workspaceId: workspace.id,
            accountId,
            ownerId,
            title: row.title,
            stage: row.stage,
            status: row.status,
            amount: row.amount,
            currency: row.currency,
            closeDate: row.closeDate,
            nextStep: row.nextStep,
            nextStepDue: row.nextStepDue,
            stageEnteredAt: row.lastActivityAt ?? row.createdAt ?? now,
            lastActivityAt: row.lastActivityAt ?? row.createdAt ?? now,
            closedAt: row.status === 'open' ? null : (row.lastActivityAt ?? now),
            createdAt: row.createdAt ?? now,
          })),
        )
        .returning();
      await tx.insert(dealEvents).values(
        inserted.map((d) => ({
          workspaceId: workspace.id,
          dealId: d.id,
          actorId: importer.id,
          kind: 'import',
          diff: importDiff(null, d),
          fromStage: null,
          toStage: d.stage,
          version: d.version,
          createdAt: now,
        })),
      );
      const withSteps = inserted.filter((d) => d.nextStep && d.status === 'open');
      if (withSteps.length) {
        await tx.insert(followups).values(
          withSteps.map((d) => ({
            workspaceId: workspace.id,
            dealId: d.id,
            ownerId: d.ownerId,
            kind: 'next_step' as const,
            text: d.nextStep!,
            dueDate: d.nextStepDue,
          })),
        );
      }
    }

    for (const { row, deal } of toUpdate) {
      const stageChanged = deal.stage !== row.stage;
      const [updated] = await tx
        .update(deals)
        .set({
          stage: row.stage,
          status: row.status,
          amount: row.amount ?? deal.amount,
          currency: row.amount !== null ? row.currency : deal.currency,
          closeDate: row.closeDate ?? deal.closeDate,
          nextStep: row.nextStep ?? deal.nextStep,
          nextStepDue: row.nextStepDue ?? deal.nextStepDue,
          stageEnteredAt: stageChanged ? now : deal.stageEnteredAt,
          lastActivityAt: row.lastActivityAt ?? now,
          version: sql`${deals.version} + 1`,
        })
        .where(and(eq(deals.id, deal.id), eq(deals.workspaceId, workspace.id)))
        .returning();
      if (!updated) continue;
      const diff = importDiff(deal, updated);
      await tx.insert(dealEvents).values({
        workspaceId: workspace.id,
        dealId: deal.id,
        actorId: importer.id,
        kind: 'import',
        diff,
        fromStage: stageChanged ? deal.stage : null,
        toStage: stageChanged ? updated.stage : null,
        version: updated.version,
        createdAt: now,
      });
    }
    return { created: toCreate.length, updated: toUpdate.length };
  });
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

function importDiff(before: Deal | null, after: Deal): DealDiff {
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
  for (const batch of chunks(keys)) {
    const found = await tx
      .select({ id: accounts.id, n: accounts.normalizedName, aliases: accounts.aliases })
      .from(accounts)
      .where(
        and(
          eq(accounts.workspaceId, workspace.id),
          or(inArray(accounts.normalizedName, batch), arrayOverlaps(accounts.aliases, batch)),
        ),
      );
    for (const a of found) {
      ids.set(a.n, a.id);
      for (const al of a.aliases) if (wanted.has(al) && !ids.has(al)) ids.set(al, a.id);
    }
  }
  const missing = keys.filter((k) => !ids.has(k));
  for (const batch of chunks(missing)) {
    const created = await tx
      .insert(accounts)
      .values(
        batch.map((n) => ({ workspaceId: workspace.id, name: wanted.get(n)!, normalizedName: n })),
      )
      .onConflictDoNothing()
      .returning({ id: accounts.id, n: accounts.normalizedName });
    for (const a of created) ids.set(a.n, a.id);
  }
  return ids;
}

/** Every visible deal of a workspace, for export (open, won and lost; not removed ones). */
export async function exportDeals(db: Db, workspace: Workspace) {
  const rows = await db
    .select({
      deal: deals,
      account: accounts.name,
      owner: members.displayName,
    })
    .from(deals)
    .innerJoin(accounts, eq(accounts.id, deals.accountId))
    .innerJoin(members, eq(members.id, deals.ownerId))
    .where(and(eq(deals.workspaceId, workspace.id), inArray(deals.status, ['open', 'won', 'lost'])))
    .orderBy(accounts.name, deals.title, deals.createdAt);
  const template = templateOf(workspace);
  return rows.map((r) => ({
    id: r.deal.id,
    account: r.account,
    title: r.deal.title,
    owner: r.owner,
    stage: r.deal.stage,
    stageName: template.stages.find((s) => s.key === r.deal.stage)?.name.en ?? r.deal.stage,
    status: r.deal.status,
    amount: r.deal.amount,
    currency: r.deal.currency,
    closeDate: r.deal.closeDate,
    nextStep: r.deal.nextStep,
    nextStepDue: r.deal.nextStepDue,
    needs: r.deal.needs,
    competitors: r.deal.competitors,
    lostReason: r.deal.lostReason,
    lastActivityAt: r.deal.lastActivityAt.toISOString(),
    createdAt: r.deal.createdAt.toISOString(),
  }));
}

/** Quote a CSV field when it needs it; neutralise spreadsheet formulas in text fields. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string' && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

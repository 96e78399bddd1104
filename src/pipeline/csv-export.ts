/** Export of a workspace's deals (DESIGN.md, "contract — CSV import/export"), a page at a time. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { accounts, type Deal, deals, members, type Workspace } from '../db/schema.ts';
import type { StageTemplate } from './stages.ts';
import { templateOf } from './workspaces.ts';

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type ExportRow = ReturnType<typeof toExportRow>;

function toExportRow(template: StageTemplate, r: { deal: Deal; account: string; owner: string }) {
  return {
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
  };
}

/**
 * Every visible deal of a workspace (open, won and lost; not removed ones),
 * by account, title and creation, a page at a time, so a large export streams
 * instead of sitting in memory: the order is settled once over ids only, then
 * each page is fetched by primary key.
 */
export async function* exportDealPages(
  db: Db,
  workspace: Workspace,
  pageSize = 1000,
): AsyncGenerator<ExportRow[]> {
  const template = templateOf(workspace);
  const visible = and(
    eq(deals.workspaceId, workspace.id),
    inArray(deals.status, ['open', 'won', 'lost']),
  );
  const order = await db
    .select({ id: deals.id })
    .from(deals)
    .innerJoin(accounts, eq(accounts.id, deals.accountId))
    .where(visible)
    .orderBy(accounts.name, deals.title, deals.createdAt, deals.id);
  for (const ids of chunks(
    order.map((o) => o.id),
    pageSize,
  )) {
    const rows = await db
      .select({ deal: deals, account: accounts.name, owner: members.displayName })
      .from(deals)
      .innerJoin(accounts, eq(accounts.id, deals.accountId))
      .innerJoin(members, eq(members.id, deals.ownerId))
      .where(and(visible, inArray(deals.id, ids)));
    const byId = new Map(rows.map((r) => [r.deal.id, r]));
    yield ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [toExportRow(template, r)] : [];
    });
  }
}

/** Every visible deal of a workspace, for export, in memory (small workspaces, tests). */
export async function exportDeals(db: Db, workspace: Workspace): Promise<ExportRow[]> {
  const out: ExportRow[] = [];
  for await (const page of exportDealPages(db, workspace)) out.push(...page);
  return out;
}

/**
 * applyUpdate: one extracted update → one deal change, in one transaction,
 * with its audit event. Only fields the update mentions are written; a
 * concurrent writer is detected by the deal's version, never overwritten.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/connect.ts';
import {
  type Account,
  contacts,
  type Deal,
  type DealDiff,
  type DealEvent,
  dealEvents,
  deals,
  type EventEffects,
  type Member,
  type Workspace,
} from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import { addDays, toLocalDate } from '../lib/time.ts';
import type { DealUpdate } from '../understand/extraction.ts';
import { addAccountAlias, createAccount, getAccount, resolveAccount } from './accounts.ts';
import { cancelOpenFollowups, createFollowup } from './followups.ts';
import { normalizeAccountName } from './names.ts';
import { canEditDeal } from './permissions.ts';
import { findStage, openStages, type Stage, type StageTemplate } from './stages.ts';
import { hasDealContent, sanitizeUpdate } from './update.ts';
import { memberTimezone, templateOf } from './workspaces.ts';

export const DEFAULT_AFTER_SALES_DAYS = 30;

export interface ApplyContext {
  workspace: Workspace;
  member: Member;
  now: Date;
  inboxId?: string | null;
  /** Event kind recorded in the audit trail. */
  kind?: 'update' | 'edit' | 'import';
}

export interface ApplyOptions {
  /** Use this account (a choice the user made). */
  accountId?: string;
  /** Create a new account with the update's name even if similar ones exist. */
  newAccount?: boolean;
  /** Apply to this deal (a choice, a thread reply, or the edit form). */
  dealId?: string;
  /** Open a new deal for the member even if the account has open deals. */
  newDeal?: boolean;
  /** The deal the conversation is about (thread context) when the update names no account. */
  contextDealId?: string;
  /** Report a conflict instead of re-applying when the deal moved past this version. */
  expectedVersion?: number;
  /** Fields to empty (the edit form). */
  clear?: ClearableField[];
}

export type ClearableField = 'amount' | 'closeDate' | 'nextStep' | 'nextStepDue';

export type ApplyNote =
  | { kind: 'ask_next_step' }
  | { kind: 'ask_lost_reason' }
  | { kind: 'after_sales'; dueDate: string }
  | { kind: 'dropped'; field: string; reason: string }
  | { kind: 'alias'; name: string; account: string };

export type ApplyOutcome =
  | {
      status: 'applied';
      deal: Deal;
      account: Account;
      event: DealEvent;
      created: boolean;
      diff: DealDiff;
      notes: ApplyNote[];
    }
  | { status: 'ambiguous_account'; name: string; candidates: Account[] }
  | { status: 'ambiguous_deal'; account: Account; deals: Deal[] }
  | { status: 'not_allowed'; reason: 'read_only' | 'teammate_deal'; account?: Account; deal?: Deal }
  | { status: 'no_account' }
  | { status: 'not_found' }
  | { status: 'conflict'; deal: Deal };

const MAX_ATTEMPTS = 4;

/** Apply one extracted update for a member. Retries a lost race; reports a conflict if told a version. */
export async function applyUpdate(
  db: Db,
  ctx: ApplyContext,
  raw: DealUpdate,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  if (!ctx.member.canWrite) return { status: 'not_allowed', reason: 'read_only' };
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => applyInTx(tx, ctx, raw, options));
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw err;
      if (options.expectedVersion !== undefined) throw err;
    }
  }
}

async function applyInTx(
  tx: Tx,
  ctx: ApplyContext,
  raw: DealUpdate,
  options: ApplyOptions,
): Promise<ApplyOutcome> {
  const { workspace, member } = ctx;
  const template = templateOf(workspace);
  const { update, dropped } = sanitizeUpdate(raw, template);
  const notes: ApplyNote[] = dropped.map((d) => ({
    kind: 'dropped',
    field: d.field,
    reason: d.reason,
  }));

  // 1. Which deal?
  let account: Account | undefined;
  let deal: Deal | undefined;
  const dealId = options.dealId ?? (update.account ? undefined : options.contextDealId);
  if (dealId) {
    deal = await findDeal(tx, workspace.id, dealId);
    if (!deal || deal.status === 'void') return { status: 'not_found' };
    account = await getAccount(tx, workspace.id, deal.accountId);
    if (!account) return { status: 'not_found' };
    if (!canEditDeal(member, deal))
      return { status: 'not_allowed', reason: 'teammate_deal', account, deal };
  } else {
    if (options.accountId) {
      account = await getAccount(tx, workspace.id, options.accountId);
      if (!account) return { status: 'not_found' };
      if (update.account && normalizeAccountName(update.account) !== account.normalizedName) {
        await addAccountAlias(tx, account, update.account);
        notes.push({ kind: 'alias', name: update.account, account: account.name });
      }
    } else if (!update.account) {
      return { status: 'no_account' };
    } else if (options.newAccount) {
      account = await createAccount(tx, workspace.id, update.account);
    } else {
      const r = await resolveAccount(tx, workspace.id, update.account);
      if (r.kind === 'invalid') return { status: 'no_account' };
      if (r.kind === 'ambiguous') {
        return { status: 'ambiguous_account', name: r.name, candidates: r.candidates };
      }
      account = r.kind === 'match' ? r.account : await createAccount(tx, workspace.id, r.name);
    }
    if (!options.newDeal) {
      const picked = await pickOpenDeal(tx, member, account);
      if (picked.kind === 'ambiguous')
        return { status: 'ambiguous_deal', account, deals: picked.deals };
      if (picked.kind === 'forbidden') {
        return { status: 'not_allowed', reason: 'teammate_deal', account, deal: picked.deal };
      }
      if (picked.kind === 'one') deal = picked.deal;
    }
  }

  // 2. Create or change it.
  if (!deal) {
    // Serialise deal creation per account so two concurrent first messages make one deal.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`deal:${account.id}`}))`);
    if (!options.newDeal) {
      const again = await pickOpenDeal(tx, member, account);
      if (again.kind === 'one') deal = again.deal;
    }
  }
  if (!deal) return createDeal(tx, ctx, template, account, update, notes);

  if (options.expectedVersion !== undefined && deal.version !== options.expectedVersion) {
    return { status: 'conflict', deal };
  }
  return changeDeal(tx, ctx, template, account, deal, update, notes, options.clear ?? []);
}

type Picked =
  | { kind: 'none' }
  | { kind: 'one'; deal: Deal }
  | { kind: 'ambiguous'; deals: Deal[] }
  | { kind: 'forbidden'; deal: Deal };

/** The member's own open deal at the account first, else a teammate's they may edit. */
async function pickOpenDeal(tx: Tx, member: Member, account: Account): Promise<Picked> {
  const open = await tx
    .select()
    .from(deals)
    .where(
      and(
        eq(deals.workspaceId, account.workspaceId),
        eq(deals.accountId, account.id),
        eq(deals.status, 'open'),
      ),
    )
    .orderBy(desc(deals.lastActivityAt))
    .limit(10);
  if (open.length === 0) return { kind: 'none' };
  const own = open.filter((d) => d.ownerId === member.id);
  if (own.length === 1 && own[0]) return { kind: 'one', deal: own[0] };
  if (own.length > 1) return { kind: 'ambiguous', deals: own };
  const editable = open.filter((d) => canEditDeal(member, d));
  if (editable.length === 1 && editable[0]) return { kind: 'one', deal: editable[0] };
  if (editable.length > 1) return { kind: 'ambiguous', deals: editable };
  return { kind: 'forbidden', deal: open[0] as Deal };
}

export async function findDeal(
  db: Db | Tx,
  workspaceId: string,
  dealId: string,
): Promise<Deal | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(dealId)) return undefined;
  const [row] = await db
    .select()
    .from(deals)
    .where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, dealId)))
    .limit(1);
  return row;
}

function firstOpenStage(template: StageTemplate): Stage {
  const s = openStages(template)[0] ?? template.stages[0];
  if (!s) throw new Error(`template ${template.key} has no stages`);
  return s;
}

function statusOf(stage: Stage): Deal['status'] {
  return stage.phase === 'won' ? 'won' : stage.phase === 'lost' ? 'lost' : 'open';
}

function mergeList(existing: readonly string[], added: readonly string[]): string[] {
  const out = [...existing];
  const seen = new Set(existing.map((s) => s.toLowerCase()));
  for (const a of added) {
    if (!seen.has(a.toLowerCase())) {
      seen.add(a.toLowerCase());
      out.push(a);
    }
  }
  return out;
}

function followUpWord(ctx: ApplyContext): string {
  return (ctx.member.locale ?? ctx.workspace.locale) === 'zh-CN' ? '跟进' : 'Follow up';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type DealPatch = Partial<
  Pick<
    Deal,
    | 'stage'
    | 'status'
    | 'amount'
    | 'currency'
    | 'closeDate'
    | 'needs'
    | 'competitors'
    | 'nextStep'
    | 'nextStepDue'
    | 'lostReason'
    | 'stageEnteredAt'
    | 'closedAt'
  >
>;

/** The fields an update changes on a deal, as a patch and a before/after diff. */
function computeChange(
  template: StageTemplate,
  deal: Deal | null,
  u: DealUpdate,
  now: Date,
  workspaceCurrency: string,
  followUpWord: string,
  clear: readonly ClearableField[] = [],
): { patch: DealPatch; diff: DealDiff } {
  const patch: DealPatch = {};
  const diff: DealDiff = {};
  const set = <K extends keyof DealPatch>(key: K, value: DealPatch[K], asJson: unknown = value) => {
    const before = deal ? deal[key] : null;
    const beforeJson =
      before instanceof Date ? before.toISOString() : ((before as unknown as unknown) ?? null);
    if (JSON.stringify(beforeJson) === JSON.stringify(asJson ?? null)) return;
    patch[key] = value;
    diff[key] = { before: beforeJson, after: asJson ?? null };
  };

  const currentStage = deal ? findStage(template, deal.stage) : undefined;
  const targetStage = u.stage
    ? findStage(template, u.stage)
    : deal
      ? undefined
      : firstOpenStage(template);
  if (targetStage && targetStage.key !== deal?.stage) {
    set('stage', targetStage.key);
    set('status', statusOf(targetStage));
    if (deal) set('stageEnteredAt', now, iso(now));
    const closing = targetStage.phase === 'won' || targetStage.phase === 'lost';
    const wasClosed = currentStage
      ? currentStage.phase === 'won' || currentStage.phase === 'lost'
      : false;
    if (closing && !wasClosed) set('closedAt', now, iso(now));
    if (!closing && wasClosed) set('closedAt', null);
  }
  if (u.amount !== null) {
    set('amount', u.amount);
    set('currency', u.currency ?? deal?.currency ?? workspaceCurrency);
  }
  if (u.closeDate) set('closeDate', u.closeDate);
  if (u.nextStep !== null || u.nextStepDue !== null) {
    set('nextStep', u.nextStep ?? deal?.nextStep ?? followUpWord);
    set('nextStepDue', u.nextStepDue ?? (u.nextStep ? null : (deal?.nextStepDue ?? null)));
  }
  if (u.needs.length) set('needs', mergeList(deal?.needs ?? [], u.needs));
  if (u.competitors.length) set('competitors', mergeList(deal?.competitors ?? [], u.competitors));
  if (u.lostReason) set('lostReason', u.lostReason);
  if (deal) {
    for (const field of clear) {
      if (field === 'amount' && u.amount === null) {
        set('amount', null);
        set('currency', null);
      } else if (field === 'closeDate' && !u.closeDate) set('closeDate', null);
      else if (field === 'nextStep' && u.nextStep === null) {
        set('nextStep', null);
        set('nextStepDue', null);
      } else if (field === 'nextStepDue' && u.nextStepDue === null) set('nextStepDue', null);
    }
  }
  return { patch, diff };
}

async function createDeal(
  tx: Tx,
  ctx: ApplyContext,
  template: StageTemplate,
  account: Account,
  update: DealUpdate,
  notes: ApplyNote[],
): Promise<ApplyOutcome> {
  const { workspace, member, now } = ctx;
  const { patch, diff } = computeChange(
    template,
    null,
    update,
    now,
    workspace.currency,
    followUpWord(ctx),
  );
  const stageKey = patch.stage ?? firstOpenStage(template).key;
  const [deal] = await tx
    .insert(deals)
    .values({
      workspaceId: workspace.id,
      accountId: account.id,
      ownerId: member.id,
      title: account.name,
      stage: stageKey,
      status: patch.status ?? 'open',
      amount: patch.amount ?? null,
      currency: patch.currency ?? null,
      closeDate: patch.closeDate ?? null,
      needs: patch.needs ?? [],
      competitors: patch.competitors ?? [],
      nextStep: patch.nextStep ?? null,
      nextStepDue: patch.nextStepDue ?? null,
      lostReason: patch.lostReason ?? null,
      stageEnteredAt: now,
      lastActivityAt: now,
      closedAt: patch.closedAt ?? null,
      createdAt: now,
    })
    .returning();
  if (!deal) throw new Error('deal insert returned no row');
  diff.title = { before: null, after: deal.title };
  return finish(tx, ctx, template, account, deal, null, diff, update, notes, 'create');
}

async function changeDeal(
  tx: Tx,
  ctx: ApplyContext,
  template: StageTemplate,
  account: Account,
  deal: Deal,
  update: DealUpdate,
  notes: ApplyNote[],
  clear: readonly ClearableField[],
): Promise<ApplyOutcome> {
  const { patch, diff } = computeChange(
    template,
    deal,
    update,
    ctx.now,
    ctx.workspace.currency,
    followUpWord(ctx),
    clear,
  );
  const [updated] = await tx
    .update(deals)
    .set({ ...patch, lastActivityAt: ctx.now, version: sql`${deals.version} + 1` })
    .where(
      and(
        eq(deals.id, deal.id),
        eq(deals.workspaceId, deal.workspaceId),
        eq(deals.version, deal.version),
      ),
    )
    .returning();
  if (!updated) throw new ConflictError(`deal ${deal.id} changed concurrently`);
  return finish(
    tx,
    ctx,
    template,
    account,
    updated,
    deal,
    diff,
    update,
    notes,
    ctx.kind ?? 'update',
  );
}

/** Follow-ups, contacts and the audit event: everything after the deal row is written. */
async function finish(
  tx: Tx,
  ctx: ApplyContext,
  template: StageTemplate,
  account: Account,
  deal: Deal,
  before: Deal | null,
  diff: DealDiff,
  update: DealUpdate,
  notes: ApplyNote[],
  kind: string,
): Promise<ApplyOutcome> {
  const effects: EventEffects = {};
  const stage = findStage(template, deal.stage);
  const closedNow = Boolean(diff.status) && (deal.status === 'won' || deal.status === 'lost');

  if (closedNow) {
    const cancelled = await cancelOpenFollowups(tx, deal, ['next_step']);
    if (cancelled.length) effects.followupsCancelled = cancelled;
  }
  if (diff.nextStep && !deal.nextStep && !closedNow) {
    const cancelled = await cancelOpenFollowups(tx, deal, ['next_step']);
    if (cancelled.length) effects.followupsCancelled = cancelled;
  }
  if ((diff.nextStep || diff.nextStepDue) && deal.nextStep) {
    if (!closedNow) {
      const cancelled = await cancelOpenFollowups(tx, deal, ['next_step']);
      if (cancelled.length)
        effects.followupsCancelled = [...(effects.followupsCancelled ?? []), ...cancelled];
    }
    const f = await createFollowup(tx, deal, 'next_step', deal.nextStep, deal.nextStepDue);
    effects.followupsCreated = [f.id];
  }
  if (closedNow && deal.status === 'won') {
    const days = Number(ctx.workspace.settings.afterSalesDays ?? DEFAULT_AFTER_SALES_DAYS);
    const tz = memberTimezone(ctx.member, ctx.workspace);
    const due = addDays(toLocalDate(ctx.now, tz), Number.isFinite(days) && days > 0 ? days : 30);
    const text =
      (ctx.member.locale ?? ctx.workspace.locale) === 'zh-CN' ? '售后回访' : 'After-sales check-in';
    const f = await createFollowup(tx, deal, 'after_sales', text, due);
    effects.followupsCreated = [...(effects.followupsCreated ?? []), f.id];
    notes.push({ kind: 'after_sales', dueDate: due });
  }

  if (update.contacts.length) {
    const added = await tx
      .insert(contacts)
      .values(
        update.contacts.map((c) => ({
          workspaceId: deal.workspaceId,
          accountId: account.id,
          name: c.name,
          nameKey: c.name.toLowerCase(),
          title: c.title,
        })),
      )
      .onConflictDoNothing({ target: [contacts.accountId, contacts.nameKey] })
      .returning();
    if (added.length) {
      effects.contactsAdded = added.map((c) => c.id);
      diff.contacts = {
        before: null,
        after: added.map((c) => (c.title ? `${c.name} (${c.title})` : c.name)),
      };
    }
  }

  const [event] = await tx
    .insert(dealEvents)
    .values({
      workspaceId: deal.workspaceId,
      dealId: deal.id,
      actorId: ctx.member.id,
      kind: Object.keys(diff).length === 0 ? 'activity' : kind,
      diff,
      fromStage: diff.stage ? (before?.stage ?? null) : null,
      toStage: diff.stage ? deal.stage : null,
      inboxId: ctx.inboxId ?? null,
      effects,
      version: deal.version,
      createdAt: ctx.now,
    })
    .returning();
  if (!event) throw new Error('event insert returned no row');

  if (deal.status === 'open' && !deal.nextStep) notes.push({ kind: 'ask_next_step' });
  if (deal.status === 'lost' && !deal.lostReason && stage?.phase === 'lost') {
    notes.push({ kind: 'ask_lost_reason' });
  }
  return { status: 'applied', deal, account, event, created: before === null, diff, notes };
}

/** Whether an extracted update is worth applying at all. */
export { hasDealContent };

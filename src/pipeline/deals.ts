/**
 * applyUpdate: one extracted update → one deal change with its audit event,
 * atomically. Only fields the update mentions are written; a concurrent
 * writer is detected by the deal's version and the update re-planned on the
 * fresh row (an edit form made against an old version is reported instead).
 *
 * The common case — a known account with one open deal of the member's — is
 * two round trips: one read, one write statement. Everything else (new
 * accounts, fuzzy matches, creating deals) runs in a transaction.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { type Db, type Executor, queryRows, type Tx } from '../db/connect.ts';
import {
  type Account,
  contacts,
  type Deal,
  type DealDiff,
  type DealEvent,
  deals,
  type Member,
  type Workspace,
} from '../db/schema.ts';
import { ConflictError } from '../errors.ts';
import type { DealUpdate } from '../understand/extraction.ts';
import { addAccountAlias, createAccount, getAccount, resolveAccount } from './accounts.ts';
import { type ApplyNote, type ChangePlan, type ClearableField, planChange } from './change.ts';
import { normalizeAccountName } from './names.ts';
import { canEditDeal } from './permissions.ts';
import { accountFromJson, dealFromJson, parseJson } from './rows.ts';
import { hasDealContent, sanitizeUpdate } from './update.ts';
import { templateOf } from './workspaces.ts';
import { type InboxProgress, writeChange } from './write.ts';

export { type ApplyNote, type ClearableField, DEFAULT_AFTER_SALES_DAYS } from './change.ts';

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
  /** The update's account, read ahead (see `readAccountAhead`); used by the first attempt only. */
  ahead?: AccountRead;
  /** Fields to empty (the edit form). */
  clear?: ClearableField[];
  /**
   * Record the message's progress in its inbox row in the same statement as
   * the change, so a crash can never leave a change without its progress
   * (which would apply it twice on recovery).
   */
  inbox?: (outcome: AppliedOutcome, db: Executor) => Promise<InboxProgress>;
}

export interface AppliedOutcome {
  status: 'applied';
  deal: Deal;
  account: Account;
  event: DealEvent;
  created: boolean;
  diff: DealDiff;
  notes: ApplyNote[];
}

export type ApplyOutcome =
  | AppliedOutcome
  | { status: 'ambiguous_account'; name: string; candidates: Account[] }
  | { status: 'ambiguous_deal'; account: Account; deals: Deal[] }
  | { status: 'not_allowed'; reason: 'read_only' | 'teammate_deal'; account?: Account; deal?: Deal }
  | { status: 'no_account' }
  | { status: 'not_found' }
  | { status: 'conflict'; deal: Deal };

/**
 * Attempts at an update whose deal another writer changed in between. A burst
 * of messages about one deal (a team all writing about the same account)
 * collides repeatedly without a pause, so each retry waits a random, growing
 * moment first (up to about 160 ms, 1.2 s in all).
 */
const MAX_ATTEMPTS = 12;
const conflictPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt, 5)));

/** Apply one extracted update for a member. */
export async function applyUpdate(
  db: Db,
  ctx: ApplyContext,
  raw: DealUpdate,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  if (!ctx.member.canWrite) return { status: 'not_allowed', reason: 'read_only' };
  const template = templateOf(ctx.workspace);
  const { update, dropped } = sanitizeUpdate(raw, template);
  const notes: ApplyNote[] = dropped.map((d) => ({
    kind: 'dropped',
    field: d.field,
    reason: d.reason,
  }));
  for (let attempt = 1; ; attempt++) {
    try {
      const ahead = attempt === 1 ? options.ahead : undefined;
      const fast = await tryFastPath(db, ctx, update, options, notes, ahead);
      if (fast) return fast;
      return await db.transaction((tx) => applyInTx(tx, ctx, update, options, notes));
    } catch (err) {
      if (
        !(err instanceof ConflictError) ||
        attempt >= MAX_ATTEMPTS ||
        options.expectedVersion !== undefined
      )
        throw err;
      await conflictPause(attempt);
    }
  }
}

interface Target {
  account: Account;
  deal: Deal | null;
  contacts: Set<string>;
}

/**
 * The common case in one read: the account by exact name (or the given
 * deal) with its open deals and contact names. Returns null when the case
 * is not simple enough, and the transactional path takes over.
 */
async function tryFastPath(
  db: Db,
  ctx: ApplyContext,
  update: DealUpdate,
  options: ApplyOptions,
  notes: ApplyNote[],
  ahead?: AccountRead,
): Promise<ApplyOutcome | null> {
  if (options.accountId || options.newAccount || options.newDeal) return null;
  const dealId = options.dealId ?? (update.account ? undefined : options.contextDealId);
  let target: Target | null;
  if (dealId) {
    if (!/^[0-9a-f-]{36}$/i.test(dealId)) return { status: 'not_found' };
    target = await readByDeal(db, ctx.workspace.id, dealId);
    if (!target?.deal || target.deal.status === 'void') return { status: 'not_found' };
    if (!canEditDeal(ctx.member, target.deal)) {
      return {
        status: 'not_allowed',
        reason: 'teammate_deal',
        account: target.account,
        deal: target.deal,
      };
    }
  } else {
    if (!update.account) return { status: 'no_account' };
    const key = normalizeAccountName(update.account);
    if (!key) return { status: 'no_account' };
    const read = () => readByAccountKey(db, ctx.workspace.id, key, ctx.member);
    // A read started ahead counts only for these exact rows; if it failed, read again.
    const found =
      ahead?.key === key &&
      ahead.workspaceId === ctx.workspace.id &&
      sameRights(ahead.member, ctx.member)
        ? await ahead.target.catch(read)
        : await read();
    if (found === 'fallback') return null;
    target = found;
  }
  if (!target.deal) return null;
  if (options.expectedVersion !== undefined && target.deal.version !== options.expectedVersion) {
    return { status: 'conflict', deal: target.deal };
  }
  return write(db, ctx, target, update, options, notes);
}

async function write(
  db: Executor,
  ctx: ApplyContext,
  target: Target,
  update: DealUpdate,
  options: ApplyOptions,
  notes: ApplyNote[],
): Promise<AppliedOutcome> {
  const plan = planChange({
    workspace: ctx.workspace,
    member: ctx.member,
    template: templateOf(ctx.workspace),
    now: ctx.now,
    inboxId: ctx.inboxId ?? null,
    kind: ctx.kind ?? 'update',
    accountId: target.account.id,
    accountName: target.account.name,
    deal: target.deal,
    update,
    clear: options.clear ?? [],
    existingContacts: target.contacts,
    notes,
  });
  const outcome = outcomeOf(plan, target.account, ctx);
  const ok = await writeChange(
    db,
    plan,
    options.inbox ? await options.inbox(outcome, db) : undefined,
  );
  if (!ok) throw new ConflictError(`deal ${plan.deal.id} changed concurrently`);
  return outcome;
}

function outcomeOf(plan: ChangePlan, account: Account, ctx: ApplyContext): AppliedOutcome {
  return {
    status: 'applied',
    deal: plan.after,
    account,
    created: plan.mode === 'create',
    diff: plan.diff,
    notes: plan.notes,
    event: {
      id: plan.eventId,
      workspaceId: plan.workspaceId,
      dealId: plan.after.id,
      actorId: ctx.member.id,
      kind: plan.kind,
      diff: plan.diff,
      fromStage: plan.diff.stage ? (plan.mode === 'create' ? null : plan.deal.stage) : null,
      toStage: plan.diff.stage ? plan.after.stage : null,
      inboxId: plan.inboxId,
      revertsEventId: null,
      effects: {},
      version: plan.after.version,
      createdAt: plan.now,
    },
  };
}

async function readByDeal(
  db: Executor,
  workspaceId: string,
  dealId: string,
): Promise<Target | null> {
  const rows = await queryRows<{ deal: unknown; account: unknown; contacts: unknown }>(
    db,
    sql`select row_to_json(d) as deal, row_to_json(a) as account,
          (select coalesce(json_agg(c.name_key), '[]'::json) from contacts c where c.account_id = a.id) as contacts
        from deals d join accounts a on a.id = d.account_id and a.workspace_id = d.workspace_id
        where d.workspace_id = ${workspaceId} and d.id = ${dealId}`,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    deal: dealFromJson(parseJson(r.deal)),
    account: accountFromJson(parseJson(r.account)),
    contacts: new Set(parseJson<string[]>(r.contacts)),
  };
}

/** An update's account and its open deals, read before the update was applied. */
export interface AccountRead {
  key: string;
  workspaceId: string;
  /** The member the deals were chosen for: the read counts only for the same member with the same rights. */
  member: Member;
  target: Promise<Target | 'fallback'>;
}

function sameRights(a: Member, b: Member): boolean {
  return (
    a.id === b.id &&
    a.workspaceId === b.workspaceId &&
    a.canWrite === b.canWrite &&
    a.role === b.role
  );
}

/**
 * Start reading the account an update names, as the fast path would: the
 * assistant does this while the message is still being stored. Only a read;
 * the update's first attempt uses it (the deal's version still guards the
 * write), and a read nobody uses is simply dropped.
 */
export function readAccountAhead(
  db: Db,
  workspaceId: string,
  account: string,
  member: Member,
): AccountRead | null {
  const key = normalizeAccountName(account);
  if (!key || !member.canWrite) return null;
  const target = readByAccountKey(db, workspaceId, key, member);
  target.catch(() => {});
  return { key, workspaceId, member, target };
}

/** Exact account match with its open deals; 'fallback' when fuzzy matching, creation or a choice is needed. */
async function readByAccountKey(
  db: Executor,
  workspaceId: string,
  key: string,
  member: Member,
): Promise<Target | 'fallback'> {
  const rows = await queryRows<{ account: unknown; deals: unknown; contacts: unknown }>(
    db,
    sql`with acc as (
          select * from accounts
          where workspace_id = ${workspaceId}
            and (normalized_name = ${key} or aliases @> array[${key}::text])
          limit 2)
        select row_to_json(acc) as account,
          (select coalesce(json_agg(row_to_json(d) order by d.last_activity_at desc), '[]'::json)
             from deals d where d.workspace_id = ${workspaceId} and d.account_id = acc.id and d.status = 'open') as deals,
          (select coalesce(json_agg(c.name_key), '[]'::json) from contacts c where c.account_id = acc.id) as contacts
        from acc`,
  );
  if (rows.length !== 1 || !rows[0]) return 'fallback';
  const open = parseJson<Record<string, unknown>[]>(rows[0].deals).map(dealFromJson);
  const own = open.filter((d) => d.ownerId === member.id);
  const editable = own.length ? own : open.filter((d) => canEditDeal(member, d));
  if (editable.length !== 1 || !editable[0]) return 'fallback';
  return {
    account: accountFromJson(parseJson(rows[0].account)),
    deal: editable[0],
    contacts: new Set(parseJson<string[]>(rows[0].contacts)),
  };
}

async function applyInTx(
  tx: Tx,
  ctx: ApplyContext,
  update: DealUpdate,
  options: ApplyOptions,
  notes: ApplyNote[],
): Promise<ApplyOutcome> {
  const { workspace, member } = ctx;
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
      if (r.kind === 'ambiguous')
        return { status: 'ambiguous_account', name: r.name, candidates: r.candidates };
      account = r.kind === 'match' ? r.account : await createAccount(tx, workspace.id, r.name);
    }
    if (!options.newDeal) {
      const picked = await pickOpenDeal(tx, member, account);
      if (picked.kind === 'ambiguous')
        return { status: 'ambiguous_deal', account, deals: picked.deals };
      if (picked.kind === 'forbidden')
        return { status: 'not_allowed', reason: 'teammate_deal', account, deal: picked.deal };
      if (picked.kind === 'one') deal = picked.deal;
    }
  }

  if (!deal) {
    // Serialise deal creation per account so two concurrent first messages make one deal.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`deal:${account.id}`}))`);
    if (!options.newDeal) {
      const again = await pickOpenDeal(tx, member, account);
      if (again.kind === 'one') deal = again.deal;
    }
  }
  if (deal && options.expectedVersion !== undefined && deal.version !== options.expectedVersion) {
    return { status: 'conflict', deal };
  }
  const existing = await tx
    .select({ key: contacts.nameKey })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspace.id), eq(contacts.accountId, account.id)));
  return write(
    tx,
    ctx,
    { account, deal: deal ?? null, contacts: new Set(existing.map((c) => c.key)) },
    update,
    options,
    notes,
  );
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
  db: Executor,
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

/** Whether an extracted update is worth applying at all. */
export { hasDealContent };

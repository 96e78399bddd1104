/**
 * Planning a deal change, without touching the database: which columns an
 * update writes, the before/after diff, the follow-ups to cancel and create,
 * the contacts to add and what to tell the user. `write.ts` turns a plan into
 * one SQL statement.
 */
import { randomUUID } from 'node:crypto';
import type { Deal, DealDiff, FollowupKind, Member, Workspace } from '../db/schema.ts';
import { addDays, toLocalDate } from '../lib/time.ts';
import type { DealUpdate } from '../understand/extraction.ts';
import { findStage, openStages, type Stage, type StageTemplate } from './stages.ts';
import { memberTimezone } from './workspaces.ts';

export const DEFAULT_AFTER_SALES_DAYS = 30;

export type ClearableField = 'amount' | 'closeDate' | 'nextStep' | 'nextStepDue';

export type ApplyNote =
  | { kind: 'ask_next_step' }
  | { kind: 'ask_lost_reason' }
  | { kind: 'after_sales'; dueDate: string }
  | { kind: 'dropped'; field: string; reason: string }
  | { kind: 'alias'; name: string; account: string };

export type DealPatch = Partial<
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

export interface PlannedFollowup {
  id: string;
  kind: FollowupKind;
  text: string;
  dueDate: string | null;
}

export interface PlannedContact {
  id: string;
  name: string;
  nameKey: string;
  title: string | null;
}

/** Everything one change writes, decided before any statement is sent. */
export interface ChangePlan {
  workspaceId: string;
  accountId: string;
  actorId: string;
  now: Date;
  eventId: string;
  /** create: insert a new deal with this id; update: change `deal` at its version. */
  mode: 'create' | 'update';
  deal: Deal;
  patch: DealPatch;
  diff: DealDiff;
  kind: string;
  inboxId: string | null;
  /** Cancel the deal's open follow-ups of these kinds (before creating new ones). */
  cancelKinds: FollowupKind[];
  createFollowups: PlannedFollowup[];
  addContacts: PlannedContact[];
  notes: ApplyNote[];
  /** The deal as it will be after the change. */
  after: Deal;
}

export function firstOpenStage(template: StageTemplate): Stage {
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

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The fields an update changes on a deal, as a patch and a before/after diff. */
export function computeChange(
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
      before instanceof Date ? before.toISOString() : ((before as unknown) ?? null);
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

export interface PlanInput {
  workspace: Workspace;
  member: Member;
  template: StageTemplate;
  now: Date;
  inboxId: string | null;
  kind: string;
  accountId: string;
  accountName: string;
  /** The deal to change; null to create one owned by the member. */
  deal: Deal | null;
  update: DealUpdate;
  clear: readonly ClearableField[];
  /** Lower-cased names of the account's existing contacts (to add only new ones). */
  existingContacts: ReadonlySet<string>;
  notes: ApplyNote[];
}

export function planChange(input: PlanInput): ChangePlan {
  const { workspace, member, template, now, deal, update } = input;
  const zh = (member.locale ?? workspace.locale) === 'zh-CN';
  const { patch, diff } = computeChange(
    template,
    deal,
    update,
    now,
    workspace.currency,
    zh ? '跟进' : 'Follow up',
    input.clear,
  );
  const notes = [...input.notes];

  const base: Deal =
    deal ??
    ({
      id: randomUUID(),
      workspaceId: workspace.id,
      accountId: input.accountId,
      ownerId: member.id,
      title: input.accountName,
      stage: firstOpenStage(template).key,
      status: 'open',
      amount: null,
      currency: null,
      closeDate: null,
      needs: [],
      competitors: [],
      nextStep: null,
      nextStepDue: null,
      lostReason: null,
      stageEnteredAt: now,
      lastActivityAt: now,
      closedAt: null,
      version: 0,
      createdAt: now,
    } satisfies Deal);
  const after: Deal = { ...base, ...patch, lastActivityAt: now, version: base.version + 1 };
  if (!deal) diff.title = { before: null, after: after.title };

  const cancelKinds: FollowupKind[] = [];
  const createFollowups: PlannedFollowup[] = [];
  const closedNow = Boolean(diff.status) && (after.status === 'won' || after.status === 'lost');
  const nextStepChanged = Boolean(diff.nextStep || diff.nextStepDue);
  if (deal && (closedNow || nextStepChanged)) cancelKinds.push('next_step');
  if (nextStepChanged && after.nextStep) {
    createFollowups.push({
      id: randomUUID(),
      kind: 'next_step',
      text: after.nextStep,
      dueDate: after.nextStepDue,
    });
  }
  if (closedNow && after.status === 'won') {
    const days = Number(workspace.settings.afterSalesDays ?? DEFAULT_AFTER_SALES_DAYS);
    const due = addDays(
      toLocalDate(now, memberTimezone(member, workspace)),
      Number.isFinite(days) && days > 0 ? days : DEFAULT_AFTER_SALES_DAYS,
    );
    createFollowups.push({
      id: randomUUID(),
      kind: 'after_sales',
      text: zh ? '售后回访' : 'After-sales check-in',
      dueDate: due,
    });
    notes.push({ kind: 'after_sales', dueDate: due });
  }

  const addContacts: PlannedContact[] = [];
  for (const c of update.contacts) {
    const nameKey = c.name.toLowerCase();
    if (input.existingContacts.has(nameKey) || addContacts.some((a) => a.nameKey === nameKey))
      continue;
    addContacts.push({ id: randomUUID(), name: c.name, nameKey, title: c.title });
  }
  if (addContacts.length) {
    diff.contacts = {
      before: null,
      after: addContacts.map((c) => (c.title ? `${c.name} (${c.title})` : c.name)),
    };
  }

  if (after.status === 'open' && !after.nextStep) notes.push({ kind: 'ask_next_step' });
  if (after.status === 'lost' && !after.lostReason) notes.push({ kind: 'ask_lost_reason' });

  return {
    workspaceId: workspace.id,
    accountId: input.accountId,
    actorId: member.id,
    now,
    eventId: randomUUID(),
    mode: deal ? 'update' : 'create',
    deal: base,
    patch,
    diff,
    kind: deal ? (Object.keys(diff).length === 0 ? 'activity' : input.kind) : 'create',
    inboxId: input.inboxId,
    cancelKinds,
    createFollowups,
    addContacts,
    notes,
    after,
  };
}

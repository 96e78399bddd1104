/**
 * A fixed pipeline for query tests: four people, every stage, three
 * currencies, won and lost deals, a removed (void) deal, an undone stage move,
 * a deal that went back a stage, stale deals, overdue, snoozed and done
 * follow-ups. It is written through the real domain path (applyUpdate, undo,
 * follow-up actions) with back-dated clocks.
 *
 * `modelDeals` re-derives each deal's state and stage history from the same
 * plan in plain JavaScript, so tests compute expected figures without the SQL
 * they check.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/connect.ts';
import {
  dealEvents,
  followups,
  type Member,
  type Workspace,
  workspaces,
} from '../../src/db/schema.ts';
import { addDays, toLocalDate } from '../../src/lib/time.ts';
import { applyUpdate } from '../../src/pipeline/deals.ts';
import { actOnFollowup } from '../../src/pipeline/followups.ts';
import { DEFAULT_TEMPLATE, findStage } from '../../src/pipeline/stages.ts';
import { undoEvent } from '../../src/pipeline/undo.ts';
import type { DealUpdate } from '../../src/understand/extraction.ts';
import { makeMember, makeWorkspace, upd } from './fixtures.ts';

/** The fixture's clock: Wednesday 2026-11-25, 10:00 in New York. */
export const NOW = new Date('2026-11-25T15:00:00Z');
export const TZ = 'America/New_York';
export const TODAY = '2026-11-25';
export const FX = { EUR: 1.1, CNY: 0.14 };
const DAY = 86_400_000;

export const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY);

export interface Step {
  /** Days before NOW. */
  d: number;
  set?: Partial<DealUpdate>;
  /** Undo this step an hour later. */
  undo?: boolean;
  /** A follow-up action on the deal's open follow-up instead of an update. */
  followup?: 'done' | { snooze: number };
}

export interface PlanDeal {
  owner: 'maya' | 'ann' | 'ben' | 'zhang';
  account: string;
  steps: Step[];
  /** Undo the creation an hour later: the deal becomes void. */
  voidIt?: boolean;
}

export const PEOPLE = {
  maya: { name: 'Maya Stone', role: 'manager' as const },
  ann: { name: 'Ann Lee', role: 'rep' as const },
  ben: { name: 'Ben Ortiz', role: 'rep' as const },
  zhang: { name: '张伟', role: 'rep' as const },
};

export const PLAN: PlanDeal[] = [
  {
    owner: 'ann',
    account: 'Acme Corp',
    steps: [
      { d: 50, set: { amount: 50000, currency: 'USD' } },
      { d: 40, set: { stage: 'needs_analysis' } },
      { d: 30, set: { stage: 'proposal', nextStep: 'security review', nextStepDue: '2026-11-05' } },
      {
        d: 12,
        set: {
          stage: 'negotiation',
          amount: 60000,
          currency: 'USD',
          closeDate: '2026-11-28',
          nextStep: 'send redlines',
          nextStepDue: '2026-11-23',
        },
      },
    ],
  },
  {
    owner: 'ann',
    account: 'Initech',
    steps: [
      { d: 20, set: { stage: 'needs_analysis', amount: 20000, currency: 'USD' } },
      {
        d: 9,
        set: {
          stage: 'proposal',
          nextStep: 'demo',
          nextStepDue: '2026-11-27',
          closeDate: '2026-12-15',
        },
      },
    ],
  },
  {
    owner: 'ann',
    account: 'Umbrella Health',
    steps: [
      { d: 60, set: { amount: 100000, currency: 'USD' } },
      { d: 45, set: { stage: 'quote' } },
      { d: 20, set: { stage: 'closed_lost', lostReason: 'price too high' } },
    ],
  },
  {
    owner: 'ann',
    account: 'Hooli',
    steps: [
      { d: 70, set: { amount: 400000, currency: 'USD' } },
      { d: 50, set: { stage: 'proposal' } },
      { d: 35, set: { stage: 'negotiation' } },
      { d: 10, set: { stage: 'closed_won', amount: 380000, currency: 'USD' } },
    ],
  },
  {
    owner: 'ann',
    account: 'Vandelay',
    steps: [
      {
        d: 3,
        set: { amount: 9500, currency: 'USD', nextStep: 'intro call', nextStepDue: '2026-11-24' },
      },
      { d: 0.5, followup: 'done' },
    ],
  },
  {
    owner: 'ben',
    account: 'Globex',
    steps: [
      { d: 25, set: { amount: 80000, currency: 'EUR' } },
      { d: 18, set: { stage: 'proposal' } },
      {
        d: 8,
        set: {
          stage: 'quote',
          nextStep: 'follow up on quote',
          nextStepDue: '2026-11-20',
          closeDate: '2026-11-30',
        },
      },
    ],
  },
  {
    owner: 'ben',
    account: 'Stark',
    steps: [
      { d: 33, set: { stage: 'needs_analysis', amount: 45000, currency: 'USD' } },
      { d: 26, set: { stage: 'quote' } },
      { d: 19, set: { stage: 'proposal' } },
      { d: 11, set: { stage: 'quote' } },
      {
        d: 3,
        set: {
          stage: 'negotiation',
          closeDate: '2026-12-05',
          nextStep: 'pricing call',
          nextStepDue: '2026-11-25',
        },
      },
    ],
  },
  {
    owner: 'ben',
    account: 'Soylent',
    steps: [{ d: 2, set: { nextStep: 'intro call', nextStepDue: '2026-11-26' } }],
  },
  {
    owner: 'ben',
    account: 'Wayne',
    steps: [
      { d: 40, set: { stage: 'needs_analysis', amount: 30000, currency: 'EUR' } },
      { d: 5, set: { stage: 'closed_lost', lostReason: 'Price too high ' } },
    ],
  },
  {
    owner: 'ben',
    account: 'Void Co',
    voidIt: true,
    steps: [{ d: 4, set: { amount: 999999, currency: 'USD' } }],
  },
  {
    owner: 'ben',
    account: 'Cyberdyne',
    steps: [
      { d: 15, set: { amount: 70000, currency: 'USD' } },
      { d: 6, set: { stage: 'needs_analysis' } },
      { d: 5, set: { stage: 'quote' }, undo: true },
    ],
  },
  {
    owner: 'ben',
    account: 'Pied Piper',
    steps: [{ d: 27, set: { stage: 'needs_analysis', amount: 30000, currency: 'USD' } }],
  },
  {
    owner: 'zhang',
    account: '华为',
    steps: [
      { d: 36, set: { amount: 500000, currency: 'CNY' } },
      { d: 22, set: { stage: 'proposal', nextStep: '发方案', nextStepDue: '2026-11-10' } },
      { d: 7, set: { stage: 'quote', amount: 560000, currency: 'CNY', closeDate: '2026-12-20' } },
      { d: 1, followup: { snooze: 3 } },
    ],
  },
  {
    owner: 'zhang',
    account: '腾讯',
    steps: [
      { d: 30, set: { stage: 'needs_analysis', amount: 1200000, currency: 'CNY' } },
      {
        d: 11,
        set: {
          stage: 'negotiation',
          closeDate: '2026-11-27',
          nextStep: '法务审合同',
          nextStepDue: '2026-11-18',
        },
      },
    ],
  },
  {
    owner: 'zhang',
    account: '小米',
    steps: [
      { d: 52, set: { amount: 300000, currency: 'CNY' } },
      { d: 38, set: { stage: 'proposal' } },
      { d: 18, set: { stage: 'closed_won', amount: 280000, currency: 'CNY' } },
    ],
  },
  {
    owner: 'zhang',
    account: '比亚迪',
    steps: [
      { d: 24, set: { stage: 'needs_analysis', amount: 800000, currency: 'CNY' } },
      { d: 13, set: { stage: 'closed_lost' } },
    ],
  },
  {
    owner: 'maya',
    account: 'Tyrell',
    steps: [
      { d: 45, set: { amount: 300000, currency: 'USD' } },
      { d: 28, set: { stage: 'proposal', closeDate: '2026-10-30' } },
    ],
  },
];

export interface Fixture {
  workspace: Workspace;
  people: Record<PlanDeal['owner'], Member>;
}

/** Write the plan into a fresh workspace (team visibility, USD, rates for EUR and CNY). */
export async function buildPipeline(db: Db): Promise<Fixture> {
  let workspace = await makeWorkspace(db, { timezone: TZ, currency: 'USD' });
  [workspace] = (await db
    .update(workspaces)
    .set({ settings: { fxRates: FX } })
    .where(eq(workspaces.id, workspace.id))
    .returning()) as [Workspace];
  const people = {} as Record<PlanDeal['owner'], Member>;
  for (const [key, p] of Object.entries(PEOPLE))
    people[key as PlanDeal['owner']] = await makeMember(db, workspace, p.name, p.role);

  for (const deal of PLAN) {
    const member = people[deal.owner];
    let dealId: string | undefined;
    for (const [i, step] of deal.steps.entries()) {
      const now = at(step.d);
      if (step.followup) {
        const [f] = await db
          .select()
          .from(followups)
          .where(and(eq(followups.dealId, dealId!), eq(followups.status, 'open')));
        const action =
          step.followup === 'done'
            ? { kind: 'done' as const }
            : { kind: 'snooze' as const, days: step.followup.snooze };
        const out = await actOnFollowup(
          db,
          { workspace, member, now, today: toLocalDate(now, TZ) },
          f!.id,
          action,
        );
        if (out.status !== 'ok')
          throw new Error(`follow-up action on ${deal.account}: ${out.status}`);
        continue;
      }
      const out = await applyUpdate(
        db,
        { workspace, member, now },
        upd({ account: deal.account, ...step.set }),
        dealId ? { dealId } : {},
      );
      if (out.status !== 'applied') throw new Error(`${deal.account}: ${out.status}`);
      dealId = out.deal.id;
      if (step.undo || (deal.voidIt && i === 0)) {
        const undone = await undoEvent(
          db,
          { workspace, member, now: new Date(now.getTime() + 3_600_000) },
          out.event.id,
        );
        if (undone.status !== 'undone')
          throw new Error(`undo on ${deal.account}: ${undone.status}`);
      }
    }
  }
  // Sanity: the plan produced the history the model expects.
  const undos = await db
    .select()
    .from(dealEvents)
    .where(and(eq(dealEvents.workspaceId, workspace.id), eq(dealEvents.kind, 'undo')));
  if (undos.length !== 2) throw new Error(`expected 2 undo events, got ${undos.length}`);
  return { workspace, people };
}

// ---------------------------------------------------------------------------
// The plain-JavaScript model of the plan.

export interface ModelEvent {
  at: Date;
  kind: 'create' | 'update' | 'followup';
  /** The stage entered, when the step moved it (create included). */
  stage: string | null;
  fromStage: string | null;
}

export interface ModelDeal {
  owner: PlanDeal['owner'];
  account: string;
  stage: string;
  status: 'open' | 'won' | 'lost';
  amount: number | null;
  currency: string | null;
  closeDate: string | null;
  lostReason: string | null;
  createdAt: Date;
  closedAt: Date | null;
  lastActivityAt: Date;
  /** Effective stage timeline (undone moves removed), oldest first. */
  timeline: { at: Date; stage: string }[];
  /** Effective events by the owner (undone steps and undos excluded). */
  events: ModelEvent[];
  /** Follow-ups: the open next step (if any) and after-sales check-ins. */
  followups: {
    text: string;
    due: string;
    status: 'open' | 'snoozed' | 'done';
    snoozedUntil: string | null;
    doneAt: Date | null;
  }[];
}

function statusOf(stage: string): ModelDeal['status'] {
  const phase = findStage(DEFAULT_TEMPLATE, stage)?.phase;
  return phase === 'won' ? 'won' : phase === 'lost' ? 'lost' : 'open';
}

/** Every deal of the plan that still exists (void ones dropped), derived without the database. */
export function modelDeals(): ModelDeal[] {
  const out: ModelDeal[] = [];
  for (const deal of PLAN) {
    if (deal.voidIt) continue;
    const first = deal.steps[0]!;
    const m: ModelDeal = {
      owner: deal.owner,
      account: deal.account,
      stage: first.set?.stage ?? 'prospecting',
      status: 'open',
      amount: null,
      currency: null,
      closeDate: null,
      lostReason: null,
      createdAt: at(first.d),
      closedAt: null,
      lastActivityAt: at(first.d),
      timeline: [],
      events: [],
      followups: [],
    };
    for (const [i, step] of deal.steps.entries()) {
      const when = at(step.d);
      m.lastActivityAt = when;
      if (step.followup) {
        const f = m.followups.find((x) => x.status === 'open');
        if (f && step.followup === 'done') {
          f.status = 'done';
          f.doneAt = when;
        } else if (f && typeof step.followup === 'object') {
          f.status = 'snoozed';
          f.snoozedUntil = addDays(toLocalDate(when, TZ), step.followup.snooze);
        }
        m.events.push({ at: when, kind: 'followup', stage: null, fromStage: null });
        continue;
      }
      if (step.undo) continue;
      const s = step.set ?? {};
      const before = i === 0 ? null : m.stage;
      const stage = i === 0 ? (s.stage ?? 'prospecting') : (s.stage ?? m.stage);
      const moved = i === 0 || stage !== before;
      if (moved) {
        m.stage = stage;
        m.timeline.push({ at: when, stage });
        const status = statusOf(stage);
        if (status !== 'open' && m.status === 'open') {
          m.closedAt = when;
          // Closing cancels the open next step.
          m.followups = m.followups.filter((f) => f.status === 'done');
        }
        m.status = status;
        if (status === 'won')
          m.followups.push({
            text: 'After-sales check-in',
            due: addDays(toLocalDate(when, TZ), 30),
            status: 'open',
            snoozedUntil: null,
            doneAt: null,
          });
      }
      if (s.amount !== undefined && s.amount !== null) {
        m.amount = s.amount;
        m.currency = s.currency ?? m.currency ?? 'USD';
      }
      if (s.closeDate) m.closeDate = s.closeDate;
      if (s.lostReason) m.lostReason = s.lostReason;
      if (s.nextStep && m.status === 'open') {
        m.followups = m.followups.filter(
          (f) => f.status === 'done' || f.text === 'After-sales check-in',
        );
        m.followups.push({
          text: s.nextStep,
          due: s.nextStepDue!,
          status: 'open',
          snoozedUntil: null,
          doneAt: null,
        });
      }
      m.events.push({
        at: when,
        kind: i === 0 ? 'create' : 'update',
        stage: moved ? stage : null,
        fromStage: moved && i > 0 ? before : null,
      });
    }
    out.push(m);
  }
  return out;
}

/** The local date of an instant in the fixture's timezone. */
export const localDay = (d: Date) => toLocalDate(d, TZ);

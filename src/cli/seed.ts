/**
 * `pipebot seed-demo`: a believable team and pipeline, written through the
 * same domain path as real updates (with back-dated clocks), so history,
 * time in stage, stale deals and overdue follow-ups all look real.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { deals, type Member, type Role, type Workspace, workspaces } from '../db/schema.ts';
import { addDays, toLocalDate } from '../lib/time.ts';
import { applyUpdate } from '../pipeline/deals.ts';
import { ensureMember, ensureWorkspace, setMemberRole } from '../pipeline/workspaces.ts';
import { type DealUpdate, emptyUpdate } from '../understand/extraction.ts';
import { type Command, UsageError } from './command.ts';

interface Rep {
  id: string;
  name: string;
  role: Role;
  locale: 'en' | 'zh-CN' | null;
}

const REPS: Rep[] = [
  { id: 'alice', name: 'Alice Chen', role: 'admin', locale: 'en' },
  { id: 'bob', name: 'Bob Miller', role: 'rep', locale: 'en' },
  { id: 'carol', name: 'Carol Diaz', role: 'rep', locale: 'en' },
  { id: 'dan', name: 'Dan Okafor', role: 'manager', locale: 'en' },
  { id: 'lina', name: '李娜', role: 'rep', locale: 'zh-CN' },
  { id: 'wangwei', name: '王伟', role: 'rep', locale: 'zh-CN' },
];

type Step = { daysAgo: number } & Partial<DealUpdate>;
interface DemoDeal {
  rep: string;
  account: string;
  steps: Step[];
}

function demoDeals(): DemoDeal[] {
  return [
    {
      rep: 'bob',
      account: 'Acme Corp',
      steps: [
        {
          daysAgo: 41,
          amount: 50000,
          currency: 'USD',
          needs: ['SSO', 'audit logs'],
          contacts: [{ name: 'Jane Doe', title: 'CTO' }],
        },
        { daysAgo: 30, stage: 'needs_analysis' },
        {
          daysAgo: 16,
          stage: 'proposal',
          competitors: ['Globex'],
          nextStep: 'security review call',
          nextStepDue: 'd-9',
        },
        {
          daysAgo: 6,
          stage: 'negotiation',
          amount: 62000,
          currency: 'USD',
          closeDate: 'd+9',
          nextStep: 'send redlines',
          nextStepDue: 'd-1',
        },
      ],
    },
    {
      rep: 'bob',
      account: 'Initech',
      steps: [
        {
          daysAgo: 25,
          stage: 'needs_analysis',
          amount: 18000,
          currency: 'USD',
          needs: ['reporting'],
        },
        { daysAgo: 20, stage: 'proposal', nextStep: 'demo for finance team', nextStepDue: 'd-12' },
      ],
    },
    {
      rep: 'bob',
      account: 'Umbrella Health',
      steps: [
        { daysAgo: 60, amount: 120000, currency: 'USD', needs: ['HIPAA', 'on-prem'] },
        { daysAgo: 44, stage: 'quote' },
        { daysAgo: 12, stage: 'closed_lost', lostReason: 'went with Globex on price' },
      ],
    },
    {
      rep: 'bob',
      account: 'Vandelay Industries',
      steps: [
        { daysAgo: 3, amount: 9500, currency: 'USD', nextStep: 'intro call', nextStepDue: 'd+2' },
      ],
    },
    {
      rep: 'carol',
      account: 'Globex Logistics',
      steps: [
        {
          daysAgo: 50,
          amount: 80000,
          currency: 'EUR',
          contacts: [{ name: 'Hans Weber', title: 'Head of IT' }],
        },
        { daysAgo: 35, stage: 'proposal' },
        { daysAgo: 21, stage: 'quote', nextStep: 'follow up on quote', nextStepDue: 'd-14' },
      ],
    },
    {
      rep: 'carol',
      account: 'Stark Manufacturing',
      steps: [
        { daysAgo: 33, stage: 'needs_analysis', amount: 45000, currency: 'USD' },
        {
          daysAgo: 14,
          stage: 'quote',
          closeDate: 'd+5',
          nextStep: 'pricing call with procurement',
          nextStepDue: 'd+0',
        },
        { daysAgo: 2, stage: 'negotiation', amount: 42000, currency: 'USD' },
      ],
    },
    {
      rep: 'carol',
      account: 'Wayne Enterprises',
      steps: [
        { daysAgo: 70, amount: 250000, currency: 'USD' },
        { daysAgo: 55, stage: 'proposal' },
        { daysAgo: 40, stage: 'negotiation' },
        { daysAgo: 9, stage: 'closed_won', amount: 240000, currency: 'USD' },
      ],
    },
    {
      rep: 'carol',
      account: 'Soylent',
      steps: [
        {
          daysAgo: 8,
          stage: 'needs_analysis',
          amount: 15000,
          currency: 'USD',
          nextStep: 'send case studies',
          nextStepDue: 'd+1',
        },
      ],
    },
    {
      rep: 'dan',
      account: 'Tyrell Systems',
      steps: [
        { daysAgo: 45, amount: 300000, currency: 'USD', needs: ['data residency'] },
        { daysAgo: 28, stage: 'proposal', closeDate: 'd-3' },
      ],
    },
    {
      rep: 'dan',
      account: 'Cyberdyne',
      steps: [
        {
          daysAgo: 19,
          stage: 'quote',
          amount: 70000,
          currency: 'USD',
          closeDate: 'd+12',
          nextStep: 'CFO sign-off meeting',
          nextStepDue: 'd+3',
        },
      ],
    },
    {
      rep: 'alice',
      account: 'Hooli',
      steps: [
        { daysAgo: 90, amount: 500000, currency: 'USD' },
        { daysAgo: 60, stage: 'proposal' },
        { daysAgo: 31, stage: 'quote' },
        { daysAgo: 15, stage: 'closed_won', amount: 480000, currency: 'USD' },
      ],
    },
    {
      rep: 'alice',
      account: 'Pied Piper',
      steps: [
        {
          daysAgo: 27,
          stage: 'needs_analysis',
          amount: 30000,
          currency: 'USD',
          competitors: ['Hooli'],
        },
        { daysAgo: 10, stage: 'closed_lost', lostReason: 'no budget this year' },
      ],
    },
    {
      rep: 'lina',
      account: '华为',
      steps: [
        {
          daysAgo: 36,
          amount: 500000,
          currency: 'CNY',
          needs: ['私有化部署'],
          contacts: [{ name: '王磊', title: '采购经理' }],
        },
        { daysAgo: 22, stage: 'proposal', nextStep: '发方案', nextStepDue: 'd-5' },
        { daysAgo: 7, stage: 'quote', amount: 560000, currency: 'CNY', closeDate: 'd+20' },
      ],
    },
    {
      rep: 'lina',
      account: '腾讯',
      steps: [
        {
          daysAgo: 30,
          stage: 'needs_analysis',
          amount: 1200000,
          currency: 'CNY',
          competitors: ['阿里云'],
        },
        {
          daysAgo: 11,
          stage: 'negotiation',
          closeDate: 'd+6',
          nextStep: '法务审合同',
          nextStepDue: 'd+1',
        },
      ],
    },
    {
      rep: 'lina',
      account: '小米',
      steps: [
        { daysAgo: 52, amount: 300000, currency: 'CNY' },
        { daysAgo: 38, stage: 'proposal' },
        { daysAgo: 18, stage: 'closed_won', amount: 280000, currency: 'CNY' },
      ],
    },
    {
      rep: 'wangwei',
      account: '比亚迪',
      steps: [
        {
          daysAgo: 24,
          stage: 'needs_analysis',
          amount: 800000,
          currency: 'CNY',
          needs: ['MES 对接'],
        },
        { daysAgo: 13, stage: 'proposal', nextStep: '安排现场演示', nextStepDue: 'd-2' },
      ],
    },
    {
      rep: 'wangwei',
      account: '宁德时代',
      steps: [
        { daysAgo: 40, amount: 2000000, currency: 'CNY' },
        { daysAgo: 26, stage: 'quote' },
        { daysAgo: 4, stage: 'closed_lost', lostReason: '价格太高,选了竞品' },
      ],
    },
    {
      rep: 'wangwei',
      account: '美团',
      steps: [
        {
          daysAgo: 1,
          amount: 150000,
          currency: 'CNY',
          nextStep: '电话沟通需求',
          nextStepDue: 'd+3',
        },
      ],
    },
  ].map((d) => ({ ...d, steps: d.steps.map((s) => ({ ...s })) })) as DemoDeal[];
}

function resolveDay(value: string | null | undefined, today: string): string | null {
  if (!value) return null;
  const m = /^d([+-]\d+)$/.exec(value);
  return m ? addDays(today, Number(m[1])) : value;
}

export async function seedDemo(
  db: Db,
  ref: { externalId: string; locale: 'en' | 'zh-CN' },
  now: Date,
): Promise<{ workspace: Workspace; deals: number; members: number }> {
  const zh = ref.locale === 'zh-CN';
  let workspace = await ensureWorkspace(
    db,
    { platform: 'console', externalId: ref.externalId, name: zh ? '演示团队' : 'Demo team' },
    {
      timezone: zh ? 'Asia/Shanghai' : 'America/New_York',
      locale: ref.locale,
      currency: zh ? 'CNY' : 'USD',
    },
  );
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deals)
    .where(eq(deals.workspaceId, workspace.id));
  if (Number(n) > 0)
    throw new UsageError(
      `workspace "${ref.externalId}" already has deals; seed a fresh one with --workspace NAME`,
    );
  [workspace] = (await db
    .update(workspaces)
    .set({
      digestChannel: 'console',
      settings: {
        ...workspace.settings,
        fxRates: zh ? { USD: 7.1, EUR: 7.7 } : { EUR: 1.08, CNY: 0.14 },
      },
    })
    .where(eq(workspaces.id, workspace.id))
    .returning()) as [Workspace];

  const byId = new Map<string, Member>();
  for (const rep of REPS) {
    let m = await ensureMember(db, workspace, {
      externalId: rep.id,
      displayName: rep.name,
      locale: rep.locale,
    });
    if (m.role !== rep.role) m = (await setMemberRole(db, workspace.id, m.id, rep.role)) ?? m;
    byId.set(rep.id, m);
  }

  const tz = workspace.timezone;
  let count = 0;
  for (const deal of demoDeals()) {
    const member = byId.get(deal.rep)!;
    for (const step of deal.steps) {
      const at = new Date(now.getTime() - step.daysAgo * 86_400_000);
      const today = toLocalDate(now, tz);
      const update: DealUpdate = {
        ...emptyUpdate(deal.account),
        ...step,
        closeDate: resolveDay(step.closeDate, today),
        nextStepDue: resolveDay(step.nextStepDue, today),
      };
      delete (update as Partial<Step>).daysAgo;
      const out = await applyUpdate(db, { workspace, member, now: at }, update);
      if (out.status !== 'applied')
        throw new Error(`seeding ${deal.account} failed: ${out.status}`);
    }
    count++;
  }
  const [fresh] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.id, workspace.id)));
  return { workspace: fresh ?? workspace, deals: count, members: byId.size };
}

export const seedDemoCommand: Command = {
  name: 'seed-demo',
  summary: 'fill a workspace with a demo team and pipeline (English and Chinese deals)',
  usage: ['seed-demo [--lang en|zh-CN]'],
  options: { lang: { type: 'string' } },
  details: ['--lang zh-CN makes the workspace Chinese-first (Asia/Shanghai, CNY).'],
  async run(ctx, values) {
    const lang = (values.lang as string | undefined) ?? 'en';
    if (lang !== 'en' && lang !== 'zh-CN') throw new UsageError('--lang must be en or zh-CN');
    const database = await ctx.openDb();
    const r = await seedDemo(
      database.db,
      { externalId: ctx.global.workspace, locale: lang },
      ctx.now(),
    );
    ctx.print(
      `seeded workspace "${ctx.global.workspace}": ${r.members} members, ${r.deals} deals with their history`,
    );
    return 0;
  },
};

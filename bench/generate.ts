/**
 * Deterministic benchmark data, generated inside the database with
 * generate_series (fast on both drivers): workspaces × reps × deals with a
 * realistic stage mix, about five events per deal (stage history first),
 * follow-ups and several currencies. The same size gives the same figures on
 * every run; only ids differ.
 */
import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/connect.ts';

export interface Shape {
  /** Total deals across all workspaces. */
  deals: number;
  /** The largest workspace holds this share of all deals (the one benchmarks query). */
  bigShare: number;
  workspaces: number;
  /** Reps in the largest workspace; the others get 20. */
  bigReps: number;
}

export function shapeFor(deals: number): Shape {
  if (deals <= 2_000) return { deals, bigShare: 0.5, workspaces: 2, bigReps: 10 };
  if (deals <= 20_000) return { deals, bigShare: 0.5, workspaces: 5, bigReps: 50 };
  if (deals <= 200_000) return { deals, bigShare: 0.4, workspaces: 10, bigReps: 200 };
  return { deals, bigShare: 0.3, workspaces: 20, bigReps: 200 };
}

const SYL = sql.raw(
  "(array['ka','be','mo','ri','ta','lu','zen','vo','pi','sa','no','dex','ga','fi','ro','mi'])",
);
const TAIL = sql.raw(
  "(array['Labs','Systems','Foods','Health','Energy','Logistics','Media','Robotics'])",
);

const STAGES = [
  'prospecting',
  'needs_analysis',
  'proposal',
  'quote',
  'negotiation',
  'closed_won',
  'closed_lost',
];

export interface Generated {
  /** The largest workspace: the one the query benchmarks ask about. */
  bigWorkspaceId: string;
  bigWorkspaceDeals: number;
  managerId: string;
  totalDeals: number;
}

/** Fill an empty, migrated database. `now` anchors every date. */
export async function generate(db: Db, shape: Shape, now: Date): Promise<Generated> {
  const nowIso = now.toISOString();
  const stageArray = sql.raw(`array[${STAGES.map((s) => `'${s}'`).join(',')}]`);
  let big: Generated | null = null;
  const bigDeals = Math.round(shape.deals * shape.bigShare);
  const rest = shape.deals - bigDeals;
  const otherCount = Math.max(1, shape.workspaces - 1);
  for (let w = 0; w < shape.workspaces; w++) {
    const deals =
      w === 0 ? bigDeals : Math.floor(rest / otherCount) + (w - 1 < rest % otherCount ? 1 : 0);
    if (deals <= 0) continue;
    const reps = w === 0 ? shape.bigReps : 20;
    const [ws] = await queryRows<{ id: string }>(
      db,
      sql`insert into workspaces (platform, external_id, name, timezone, locale, currency, digest_channel, settings)
          values ('slack', ${`BENCH${w}`}, ${`Bench ${w}`}, ${w % 3 === 2 ? 'Asia/Shanghai' : 'America/New_York'},
                  ${w % 3 === 2 ? 'zh-CN' : 'en'}, 'USD', 'C-DIGEST', '{"fxRates":{"EUR":1.08,"CNY":0.14}}'::jsonb)
          returning id`,
    );
    const wsId = ws!.id;
    await db.execute(sql`
      insert into members (workspace_id, external_id, display_name, role)
      select ${wsId}::uuid, 'U' || i, 'Rep ' || i, case when i = 1 then 'admin' when i <= 3 then 'manager' else 'rep' end
      from generate_series(1, ${reps}) i`);
    // Odd, so that an account's two deals fall to different reps.
    const accountsN = Math.max(1, Math.ceil(deals / 2)) | 1;
    // Pronounceable, unique names ("Kabemo Labs"), so that extractors can spot them in text.
    await db.execute(sql`
      with n as (
        select i, initcap(${SYL}[1 + i % 16] || ${SYL}[1 + (i / 16) % 16] || ${SYL}[1 + (i / 256) % 16]
                   || case when i >= 4096 then ${SYL}[1 + (i / 4096) % 16] else '' end
                   || case when i >= 65536 then ${SYL}[1 + (i / 65536) % 16] else '' end)
                  || ' ' || ${TAIL}[1 + (i / 1048576) % 8] as name
        from generate_series(0, ${accountsN - 1}) i)
      insert into accounts (workspace_id, name, normalized_name)
      select ${wsId}::uuid, name, lower(name) from n`);
    // Stage index from a multiplicative hash: 20% prospecting … 18% won, 12% lost.
    await db.execute(sql`
      with m as (select id, row_number() over (order by external_id) as n from members where workspace_id = ${wsId}::uuid),
      a as (select id, row_number() over (order by created_at, id) as n from accounts where workspace_id = ${wsId}::uuid),
      g as (
        select i,
          ((i::bigint * 2654435761) % 1000)::int as h,
          ((i::bigint * 40503) % 997)::int as h2,
          ((i::bigint * 69069) % 365)::int as age
        from generate_series(1, ${deals}) i),
      s as (
        select g.*,
          case when h < 200 then 1 when h < 380 then 2 when h < 530 then 3 when h < 630 then 4
               when h < 700 then 5 when h < 880 then 6 else 7 end as si
        from g)
      insert into deals (workspace_id, account_id, owner_id, title, stage, status, amount, currency, close_date,
                         next_step, next_step_due, lost_reason, stage_entered_at, last_activity_at, closed_at, created_at, version)
      select ${wsId}::uuid, a.id, m.id, 'Deal ' || s.i, (${stageArray})[s.si],
        case s.si when 6 then 'won' when 7 then 'lost' else 'open' end,
        1000 + (s.h2 % 200) * 500,
        case when s.h2 % 10 < 7 then 'USD' when s.h2 % 10 < 9 then 'EUR' else 'CNY' end,
        (${nowIso}::timestamptz + (((s.h2 * 7) % 120) - 30) * interval '1 day')::date,
        case when s.si <= 5 then 'follow up' end,
        case when s.si <= 5 then (${nowIso}::timestamptz + (((s.h * 3) % 40) - 15) * interval '1 day')::date end,
        case when s.si = 7 then (array['price', 'went with a competitor', 'no budget', 'no decision'])[1 + s.h2 % 4] end,
        ${nowIso}::timestamptz - (s.age / 3 + s.h % 20) * interval '1 day',
        ${nowIso}::timestamptz - ((s.h2 % 40)) * interval '1 day',
        case when s.si >= 6 then ${nowIso}::timestamptz - ((s.h2 % 40)) * interval '1 day' end,
        ${nowIso}::timestamptz - s.age * interval '1 day' - interval '1 day',
        5
      from s
      join m on m.n = 1 + (s.i % ${reps})
      join a on a.n = 1 + (s.i % ${accountsN})`);
    // Five events per deal: the stage path first, then activity.
    await db.execute(sql`
      with d as (
        select id, owner_id, created_at, last_activity_at,
               array_position(${stageArray}, stage) as si
        from deals where workspace_id = ${wsId}::uuid)
      insert into deal_events (workspace_id, deal_id, actor_id, kind, diff, from_stage, to_stage, version, created_at)
      select ${wsId}::uuid, d.id, d.owner_id,
        case when e = 1 then 'create' when e <= least(d.si, 5) then 'update' else 'activity' end,
        '{}'::jsonb,
        case when e between 2 and least(d.si, 5) then (${stageArray})[e - 1] end,
        case when e = 1 then 'prospecting'
             when e <= least(d.si, 5) then (${stageArray})[case when e = least(d.si, 5) then d.si else e end] end,
        e,
        d.created_at + (d.last_activity_at - d.created_at) * (e - 1) / 4.0
      from d cross join generate_series(1, 5) e`);
    await db.execute(sql`
      insert into followups (workspace_id, deal_id, owner_id, kind, text, due_date, status)
      select workspace_id, id, owner_id, case when status = 'won' then 'after_sales' else 'next_step' end,
             coalesce(next_step, 'After-sales check-in'),
             coalesce(next_step_due, (closed_at + interval '30 days')::date), 'open'
      from deals where workspace_id = ${wsId}::uuid and status in ('open', 'won')`);
    if (w === 0) {
      const [mgr] = await queryRows<{ id: string }>(
        db,
        sql`select id from members where workspace_id = ${wsId}::uuid and external_id = 'U1'`,
      );
      big = {
        bigWorkspaceId: wsId,
        bigWorkspaceDeals: deals,
        managerId: mgr!.id,
        totalDeals: shape.deals,
      };
    }
  }
  // The trigger on deal_events rewrote every deal once (its reached stages);
  // vacuum as autovacuum would, so queries see the table a live database has.
  await db.execute(sql`vacuum analyze`);
  if (!big) throw new Error('no workspace generated');
  return big;
}

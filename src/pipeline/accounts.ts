/**
 * Account resolution: one customer company, one row, however it is spelled.
 * Exact and alias matches first, then trigram similarity; a close call is
 * returned as a choice for the user, never settled by creating a duplicate.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connect.ts';
import { type Account, accounts } from '../db/schema.ts';
import { cleanDisplayName, normalizeAccountName } from './names.ts';

export type AccountResolution =
  | { kind: 'match'; account: Account }
  | { kind: 'new'; name: string; normalizedName: string }
  | { kind: 'ambiguous'; name: string; normalizedName: string; candidates: Account[] }
  | { kind: 'invalid' };

/** Similarity at which a single candidate is taken as the same company. */
const SAME_COMPANY = 0.72;
/** Similarity below which a candidate is not worth asking about. */
const WORTH_ASKING = 0.45;

export async function resolveAccount(
  db: Executor,
  workspaceId: string,
  rawName: string,
): Promise<AccountResolution> {
  const name = cleanDisplayName(rawName);
  const normalizedName = normalizeAccountName(name);
  if (!normalizedName) return { kind: 'invalid' };

  const exact = await db
    .select()
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, workspaceId),
        sql`(${accounts.normalizedName} = ${normalizedName} or ${accounts.aliases} @> array[${normalizedName}::text])`,
      ),
    )
    .limit(2);
  if (exact.length === 1 && exact[0]) return { kind: 'match', account: exact[0] };
  if (exact.length > 1) return { kind: 'ambiguous', name, normalizedName, candidates: exact };

  // Trigram similarity, plus prefix containment which trigrams under-rate for
  // short names ("华为" vs "华为终端", "IBM" vs "IBM Consulting").
  const rows = await queryRows<{ id: string; score: number; prefix: boolean }>(
    db,
    sql`select id, similarity(normalized_name, ${normalizedName}) as score,
          (normalized_name like ${`${escapeLike(normalizedName)}%`}
             or ${normalizedName} like normalized_name || '%') as prefix
        from accounts
        where workspace_id = ${workspaceId}
          and (normalized_name % ${normalizedName}
               or normalized_name like ${`${escapeLike(normalizedName)}%`}
               or ${normalizedName} like normalized_name || '%')
        order by greatest(similarity(normalized_name, ${normalizedName}),
                          case when normalized_name like ${`${escapeLike(normalizedName)}%`} then 0.5 else 0 end) desc,
                 name
        limit 8`,
  );
  if (rows.length === 0) return { kind: 'new', name, normalizedName };
  const found = new Map(
    (
      await db
        .select()
        .from(accounts)
        .where(
          and(
            eq(accounts.workspaceId, workspaceId),
            inArray(
              accounts.id,
              rows.map((r) => r.id),
            ),
          ),
        )
    ).map((a) => [a.id, a]),
  );
  const scored = rows
    .map((r) => {
      const account = found.get(r.id);
      const trigram = Number(r.score);
      // "Amber Media" is not "Amber Mining": a shared word says little when the rest differs.
      const plausible = account
        ? r.prefix ||
          (trigram >= WORTH_ASKING &&
            !differInTheirOwnWords(normalizedName, account.normalizedName))
        : false;
      return { account, score: r.prefix ? Math.max(trigram, 0.5) : trigram, plausible };
    })
    .filter(
      (r): r is { account: Account; score: number; plausible: boolean } =>
        Boolean(r.account) && r.plausible,
    )
    .sort((x, y) => y.score - x.score)
    .slice(0, 5);
  if (scored.length === 0) return { kind: 'new', name, normalizedName };
  const [top, second] = scored;
  if (top && top.score >= SAME_COMPANY && (!second || top.score - second.score >= 0.15)) {
    return { kind: 'match', account: top.account };
  }
  return { kind: 'ambiguous', name, normalizedName, candidates: scored.map((s) => s.account) };
}

/** Character trigrams of a string, padded like pg_trgm pads words. */
function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const w = `  ${word} `;
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  }
  return out;
}

function trigramSimilarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

/**
 * True when two names share whole words but the words that remain are not
 * alike: "amber media" / "amber mining", "acme labs" / "beta labs".
 */
export function differInTheirOwnWords(a: string, b: string): boolean {
  const wa = a.split(' ').filter(Boolean);
  const wb = b.split(' ').filter(Boolean);
  const common = wa.filter((w) => wb.includes(w));
  if (common.length === 0) return false;
  const restA = wa.filter((w) => !common.includes(w)).join(' ');
  const restB = wb.filter((w) => !common.includes(w)).join(' ');
  if (!restA || !restB) return false;
  return trigramSimilarity(restA, restB) < 0.25;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Create an account, or return the existing one when a concurrent writer made it first. */
export async function createAccount(
  db: Executor,
  workspaceId: string,
  rawName: string,
): Promise<Account> {
  const name = cleanDisplayName(rawName);
  const normalizedName = normalizeAccountName(name);
  if (!normalizedName) throw new Error('empty account name');
  const inserted = await db
    .insert(accounts)
    .values({ workspaceId, name, normalizedName })
    .onConflictDoNothing({ target: [accounts.workspaceId, accounts.normalizedName] })
    .returning();
  if (inserted[0]) return inserted[0];
  const [existing] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.normalizedName, normalizedName)))
    .limit(1);
  if (!existing) throw new Error('account vanished after conflict');
  return existing;
}

/** Remember another spelling for an account, so it matches exactly next time. */
export async function addAccountAlias(
  db: Executor,
  account: Account,
  rawName: string,
): Promise<void> {
  const alias = normalizeAccountName(rawName);
  if (!alias || alias === account.normalizedName || account.aliases.includes(alias)) return;
  await db
    .update(accounts)
    .set({ aliases: sql`array_append(${accounts.aliases}, ${alias})` })
    .where(
      and(
        eq(accounts.id, account.id),
        eq(accounts.workspaceId, account.workspaceId),
        sql`not (${alias} = any(${accounts.aliases}))`,
      ),
    );
}

export async function getAccount(
  db: Executor,
  workspaceId: string,
  id: string,
): Promise<Account | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, id)))
    .limit(1);
  return row;
}

/** Account names of a workspace, most recently active first (extractor hints). */
export async function recentAccountNames(
  db: Executor,
  workspaceId: string,
  limit = 200,
): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select a.name from accounts a
        left join lateral (select max(d.last_activity_at) as t from deals d where d.account_id = a.id) x on true
        where a.workspace_id = ${workspaceId}
        order by x.t desc nulls last, a.created_at desc
        limit ${limit}`,
  );
  return rows.map((r) => r.name);
}

/**
 * Account names for type-ahead (Discord autocomplete): names that start with
 * or contain `query`, most recently active first. With `ownerId`, only
 * accounts where that member owns a deal (visibility `own`).
 */
export async function suggestAccountNames(
  db: Executor,
  workspaceId: string,
  query: string,
  options: { ownerId?: string | null; limit?: number } = {},
): Promise<string[]> {
  const q = query.trim().toLowerCase().slice(0, 100);
  const normalized = normalizeAccountName(q);
  const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
  const match = q
    ? sql`(a.normalized_name like ${`${escapeLike(normalized || q)}%`}
           or lower(a.name) like ${`%${escapeLike(q)}%`})`
    : sql`true`;
  const owned = options.ownerId
    ? sql`exists (select 1 from deals o where o.workspace_id = a.workspace_id
                   and o.account_id = a.id and o.owner_id = ${options.ownerId}
                   and o.status <> 'void')`
    : sql`true`;
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select a.name from accounts a
        left join lateral (select max(d.last_activity_at) as t from deals d
                           where d.workspace_id = a.workspace_id and d.account_id = a.id) x on true
        where a.workspace_id = ${workspaceId} and ${match} and ${owned}
        order by x.t desc nulls last, a.name
        limit ${limit}`,
  );
  return rows.map((r) => r.name);
}

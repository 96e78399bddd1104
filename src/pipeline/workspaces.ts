/** Workspaces and members, created on first sight. */
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import {
  type Member,
  members,
  type Platform,
  type Role,
  type Workspace,
  workspaces,
} from '../db/schema.ts';
import { getTemplate, type Locale, type StageTemplate } from './stages.ts';

export interface WorkspaceDefaults {
  timezone: string;
  locale: Locale;
  currency: string;
}

export interface WorkspaceRef {
  platform: Platform;
  externalId: string;
  name?: string;
}

/** Find or create the workspace of a Slack team, Discord guild or the console. */
export async function ensureWorkspace(
  db: Executor,
  ref: WorkspaceRef,
  defaults: WorkspaceDefaults,
): Promise<Workspace> {
  const [row] = await db
    .insert(workspaces)
    .values({
      platform: ref.platform,
      externalId: ref.externalId,
      name: ref.name ?? '',
      timezone: defaults.timezone,
      locale: defaults.locale,
      currency: defaults.currency,
    })
    .onConflictDoUpdate({
      target: [workspaces.platform, workspaces.externalId],
      // A no-op update so RETURNING yields the existing row; a name we learn later fills a blank one.
      set: {
        name: ref.name
          ? sql`case when ${workspaces.name} = '' then excluded.name else ${workspaces.name} end`
          : sql`${workspaces.name}`,
      },
    })
    .returning();
  if (!row) throw new Error('ensureWorkspace returned no row');
  return row;
}

export interface MemberRef {
  externalId: string;
  displayName?: string;
  timezone?: string | null;
  locale?: Locale | null;
  /** Platform says this person is an admin/owner (Slack admin, guild owner). */
  isAdmin?: boolean;
  /** Guests and people from other organisations may ask but never write. */
  canWrite?: boolean;
}

/**
 * Find or create a member. The first member who may write becomes the
 * workspace's admin, so a fresh install always has someone who can change
 * settings (and a guest who happens to arrive first never holds that power).
 */
export async function ensureMember(
  db: Executor,
  workspace: Workspace,
  ref: MemberRef,
): Promise<Member> {
  const existing = await db
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, workspace.id), eq(members.externalId, ref.externalId)))
    .limit(1);
  const found = existing[0];
  if (found) return refreshMember(db, found, ref);
  // The first to arrive becomes admin — the first who may write: a guest is never made admin.
  const [{ count } = { count: 0 }] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(members)
    .where(
      and(
        eq(members.workspaceId, workspace.id),
        eq(members.role, 'admin'),
        eq(members.canWrite, true),
      ),
    );
  const role: Role = ref.canWrite !== false && (ref.isAdmin || count === 0) ? 'admin' : 'rep';
  const inserted = await db
    .insert(members)
    .values({
      workspaceId: workspace.id,
      externalId: ref.externalId,
      displayName: ref.displayName ?? ref.externalId,
      timezone: ref.timezone ?? null,
      locale: ref.locale ?? null,
      canWrite: ref.canWrite ?? true,
      role,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return inserted[0];
  // Another delivery created it between our read and insert.
  const [again] = await db
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, workspace.id), eq(members.externalId, ref.externalId)))
    .limit(1);
  if (!again) throw new Error('member vanished after conflict');
  return again;
}

/** What differs between a member row and what the platform says now (empty: nothing to write). */
export function memberPatch(found: Member, ref: MemberRef): Partial<Member> {
  const patch: Partial<Member> = {};
  if (ref.displayName && ref.displayName !== found.displayName) patch.displayName = ref.displayName;
  if (ref.timezone && ref.timezone !== found.timezone) patch.timezone = ref.timezone;
  if (ref.canWrite !== undefined && ref.canWrite !== found.canWrite) patch.canWrite = ref.canWrite;
  if (ref.isAdmin && ref.canWrite !== false && found.role !== 'admin') patch.role = 'admin';
  return patch;
}

/** Bring a member row up to date with what the platform says now (one write, only when something changed). */
export async function refreshMember(db: Executor, found: Member, ref: MemberRef): Promise<Member> {
  const patch = memberPatch(found, ref);
  if (Object.keys(patch).length === 0) return found;
  const [updated] = await db
    .update(members)
    .set(patch)
    .where(and(eq(members.id, found.id), eq(members.workspaceId, found.workspaceId)))
    .returning();
  return updated ?? found;
}

export function templateOf(workspace: Pick<Workspace, 'stageTemplate'>): StageTemplate {
  return getTemplate(workspace.stageTemplate);
}

export function memberTimezone(
  member: Pick<Member, 'timezone'>,
  workspace: Pick<Workspace, 'timezone'>,
): string {
  return member.timezone ?? workspace.timezone;
}

export async function findMemberByName(
  db: Executor,
  workspaceId: string,
  name: string,
): Promise<Member | undefined> {
  const n = name.replace(/^@/, '').trim().toLowerCase();
  const rows = await db
    .select()
    .from(members)
    .where(
      and(
        eq(members.workspaceId, workspaceId),
        sql`(lower(${members.displayName}) = ${n} or lower(${members.externalId}) = ${n})`,
      ),
    )
    .limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

export async function setMemberRole(
  db: Executor,
  workspaceId: string,
  memberId: string,
  role: Role,
): Promise<Member | undefined> {
  const [row] = await db
    .update(members)
    .set({ role })
    .where(and(eq(members.workspaceId, workspaceId), eq(members.id, memberId)))
    .returning();
  return row;
}

/** Read a workspace without creating it. */
export async function findWorkspace(
  db: Executor,
  platform: Platform,
  externalId: string,
): Promise<Workspace | undefined> {
  const [row] = await db
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)))
    .limit(1);
  return row;
}

/** Read a member without creating them. */
export async function findMember(
  db: Executor,
  workspaceId: string,
  externalId: string,
): Promise<Member | undefined> {
  const [row] = await db
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, workspaceId), eq(members.externalId, externalId)))
    .limit(1);
  return row;
}

/**
 * The workspace a platform user's direct messages belong to: of the
 * workspaces they are a member of (ignoring those whose external id starts
 * with `excludePrefix`, e.g. per-user DM workspaces), the one where they last
 * sent a message, else the one they joined last. Undefined when none.
 */
export async function homeWorkspaceOf(
  db: Executor,
  platform: Platform,
  userExternalId: string,
  excludePrefix: string,
): Promise<Workspace | undefined> {
  const [row] = await db
    .select({ workspace: workspaces })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(
      and(
        eq(workspaces.platform, platform),
        eq(members.externalId, userExternalId),
        sql`not starts_with(${workspaces.externalId}, ${excludePrefix})`,
      ),
    )
    .orderBy(
      sql`(select max(i.received_at) from inbox i
           where i.workspace_id = ${members.workspaceId} and i.member_id = ${members.id}) desc nulls last`,
      sql`${members.createdAt} desc`,
    )
    .limit(1);
  return row?.workspace;
}

export async function workspaceById(db: Executor, id: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id)).limit(1);
  return row;
}

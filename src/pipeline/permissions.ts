/** Who may see and change what. Checked in code on every path, whatever a payload claims. */
import type { Deal, Member, Workspace } from '../db/schema.ts';

export function isManager(member: Pick<Member, 'role'>): boolean {
  return member.role === 'manager' || member.role === 'admin';
}

export function isAdmin(member: Pick<Member, 'role'>): boolean {
  return member.role === 'admin';
}

/** The deal's owner and the workspace's managers may edit it; guests never. */
export function canEditDeal(member: Member, deal: Pick<Deal, 'workspaceId' | 'ownerId'>): boolean {
  if (deal.workspaceId !== member.workspaceId) return false;
  if (!member.canWrite) return false;
  return deal.ownerId === member.id || isManager(member);
}

/** Under visibility `own`, reps see only their own deals; managers always see the team. */
export function canSeeDeal(
  member: Member,
  workspace: Pick<Workspace, 'id' | 'visibility'>,
  deal: Pick<Deal, 'workspaceId' | 'ownerId'>,
): boolean {
  if (deal.workspaceId !== workspace.id || member.workspaceId !== workspace.id) return false;
  if (workspace.visibility === 'team' || isManager(member)) return true;
  return deal.ownerId === member.id;
}

/** The owner filter a query must apply for this member, or null for the whole team. */
export function visibleOwnerFilter(
  member: Member,
  workspace: Pick<Workspace, 'visibility'>,
): string | null {
  if (workspace.visibility === 'team' || isManager(member)) return null;
  return member.id;
}

/** Managers and admins — never a guest or someone from another organisation, whatever their role. */
export function canChangeSettings(member: Member): boolean {
  return member.canWrite && isManager(member);
}

export function canChangeRoles(member: Member): boolean {
  return member.canWrite && isAdmin(member);
}

/** Small builders for domain tests. */
import type { Db } from '../../src/db/connect.ts';
import type { Member, Role, Workspace } from '../../src/db/schema.ts';
import { ensureMember, ensureWorkspace, setMemberRole } from '../../src/pipeline/workspaces.ts';
import { type DealUpdate, emptyUpdate } from '../../src/understand/extraction.ts';

let counter = 0;

export async function makeWorkspace(
  db: Db,
  overrides: {
    timezone?: string;
    locale?: 'en' | 'zh-CN';
    currency?: string;
    platform?: 'slack' | 'discord' | 'console';
  } = {},
): Promise<Workspace> {
  counter++;
  return ensureWorkspace(
    db,
    {
      platform: overrides.platform ?? 'console',
      externalId: `ws-${process.pid}-${Date.now()}-${counter}`,
      name: `Team ${counter}`,
    },
    {
      timezone: overrides.timezone ?? 'America/New_York',
      locale: overrides.locale ?? 'en',
      currency: overrides.currency ?? 'USD',
    },
  );
}

export async function makeMember(
  db: Db,
  workspace: Workspace,
  name: string,
  role: Role = 'rep',
  extra: { canWrite?: boolean; locale?: 'en' | 'zh-CN' } = {},
): Promise<Member> {
  const m = await ensureMember(db, workspace, {
    externalId: `u-${name}`,
    displayName: name,
    canWrite: extra.canWrite,
    locale: extra.locale ?? null,
  });
  if (m.role === role) return m;
  const updated = await setMemberRole(db, workspace.id, m.id, role);
  if (!updated) throw new Error('role not set');
  return updated;
}

export function upd(fields: Partial<DealUpdate> & { account: string | null }): DealUpdate {
  return { ...emptyUpdate(fields.account), ...fields };
}

/** Mapping rows that arrive as JSON (row_to_json in hand-written SQL) to the schema's row types. */
import type {
  Account,
  Deal,
  InboxRow,
  InboxStatus,
  Member,
  Platform,
  Workspace,
} from '../db/schema.ts';

type JsonRow = Record<string, unknown>;

const toDate = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(String(v));
const toNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function dealFromJson(r: JsonRow): Deal {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    accountId: String(r.account_id),
    ownerId: String(r.owner_id),
    title: String(r.title),
    stage: String(r.stage),
    status: r.status as Deal['status'],
    amount: toNum(r.amount),
    currency: (r.currency as string | null) ?? null,
    closeDate: (r.close_date as string | null) ?? null,
    needs: (r.needs as string[]) ?? [],
    competitors: (r.competitors as string[]) ?? [],
    nextStep: (r.next_step as string | null) ?? null,
    nextStepDue: (r.next_step_due as string | null) ?? null,
    lostReason: (r.lost_reason as string | null) ?? null,
    stageEnteredAt: toDate(r.stage_entered_at) as Date,
    lastActivityAt: toDate(r.last_activity_at) as Date,
    closedAt: toDate(r.closed_at),
    version: Number(r.version),
    createdAt: toDate(r.created_at) as Date,
  };
}

export function accountFromJson(r: JsonRow): Account {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    name: String(r.name),
    normalizedName: String(r.normalized_name),
    aliases: (r.aliases as string[]) ?? [],
    createdAt: toDate(r.created_at) as Date,
  };
}

/** postgres-js parses json columns; PGlite too; be tolerant of a string anyway. */
export function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export function workspaceFromJson(r: JsonRow): Workspace {
  return {
    id: String(r.id),
    platform: r.platform as Platform,
    externalId: String(r.external_id),
    name: String(r.name ?? ''),
    timezone: String(r.timezone),
    locale: String(r.locale),
    currency: String(r.currency),
    stageTemplate: String(r.stage_template),
    digestChannel: (r.digest_channel as string | null) ?? null,
    digestTime: String(r.digest_time),
    workingDays: (r.working_days as number[]) ?? [1, 2, 3, 4, 5],
    visibility: r.visibility as 'team' | 'own',
    settings: (r.settings as Record<string, unknown>) ?? {},
    createdAt: toDate(r.created_at) as Date,
  };
}

export function memberFromJson(r: JsonRow): Member {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    externalId: String(r.external_id),
    displayName: String(r.display_name ?? ''),
    role: r.role as 'rep' | 'manager' | 'admin',
    timezone: (r.timezone as string | null) ?? null,
    locale: (r.locale as string | null) ?? null,
    quietStart: (r.quiet_start as string | null) ?? null,
    quietEnd: (r.quiet_end as string | null) ?? null,
    canWrite: Boolean(r.can_write),
    settings: (r.settings as Record<string, unknown>) ?? {},
    createdAt: toDate(r.created_at) as Date,
    lastSeenAt: toDate(r.last_seen_at),
  };
}

export function inboxFromJson(r: JsonRow): InboxRow {
  return {
    id: String(r.id),
    platform: r.platform as Platform,
    channel: String(r.channel),
    messageId: String(r.message_id),
    workspaceId: String(r.workspace_id),
    memberId: (r.member_id as string | null) ?? null,
    text: String(r.text),
    replyTo: (r.reply_to as string | null) ?? null,
    status: r.status as InboxStatus,
    attempts: Number(r.attempts),
    error: (r.error as string | null) ?? null,
    pending: r.pending ?? null,
    replies: r.replies ?? null,
    meta: (r.meta as Record<string, unknown>) ?? {},
    receivedAt: toDate(r.received_at) as Date,
    processedAt: toDate(r.processed_at),
    leaseUntil: toDate(r.lease_until),
  };
}

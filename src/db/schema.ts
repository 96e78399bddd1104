/**
 * The database schema: the single source of truth for row types.
 * Every table but `job_runs` and `llm_calls` rows belong to a workspace, and
 * every query filters by it (tenant isolation is enforced in code).
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });
const localDate = (name: string) => date(name, { mode: 'string' });

export type Platform = 'slack' | 'discord' | 'console';
export type Role = 'rep' | 'manager' | 'admin';
export type Visibility = 'team' | 'own';
/** `void`: a deal whose creation was undone; hidden everywhere. */
export type DealStatus = 'open' | 'won' | 'lost' | 'void';

/** Per-workspace knobs that do not deserve their own column. */
export interface WorkspaceSettings {
  /** Days after a won deal for the after-sales check-in. */
  afterSalesDays?: number;
  /** Conversion rates into the workspace currency, e.g. { EUR: 1.08 } for USD. */
  fxRates?: Record<string, number>;
  /** Daily nudges to members; false turns them off for the workspace. */
  nudges?: boolean;
  /** Nudges: at most this many items per member per day. */
  nudgeCap?: number;
  /** Local hour:minute at which members get their nudges. */
  nudgeTime?: string;
  /** Quiet hours applied to members who set none, e.g. { start: '20:00', end: '08:00' }. */
  quietHours?: { start: string; end: string };
  /** Custom stage list when the workspace defines its own stages. */
  customStages?: unknown;
  [key: string]: unknown;
}

export const workspaces = pgTable(
  'workspaces',
  {
    id: id(),
    platform: text('platform').$type<Platform>().notNull(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull().default(''),
    timezone: text('timezone').notNull().default('UTC'),
    locale: text('locale').notNull().default('en'),
    currency: text('currency').notNull().default('USD'),
    stageTemplate: text('stage_template').notNull().default('default'),
    digestChannel: text('digest_channel'),
    digestTime: text('digest_time').notNull().default('09:00'),
    /** ISO weekdays 1 = Monday … 7 = Sunday. */
    workingDays: jsonb('working_days').$type<number[]>().notNull().default([1, 2, 3, 4, 5]),
    visibility: text('visibility').$type<Visibility>().notNull().default('team'),
    settings: jsonb('settings').$type<WorkspaceSettings>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workspaces_platform_external_uq').on(t.platform, t.externalId)],
);

export const members = pgTable(
  'members',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    displayName: text('display_name').notNull().default(''),
    role: text('role').$type<Role>().notNull().default('rep'),
    /** Null: follow the workspace. */
    timezone: text('timezone'),
    locale: text('locale'),
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    /** Guests and people from other organisations may ask but never write. */
    canWrite: boolean('can_write').notNull().default(true),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at'),
  },
  (t) => [uniqueIndex('members_workspace_external_uq').on(t.workspaceId, t.externalId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Lower-cased, punctuation and legal suffixes removed: the matching key. */
    normalizedName: text('normalized_name').notNull(),
    /** Other normalised spellings that map to this account. */
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('accounts_workspace_normalized_uq').on(t.workspaceId, t.normalizedName),
    index('accounts_normalized_trgm_idx').using('gin', sql`${t.normalizedName} gin_trgm_ops`),
    index('accounts_aliases_idx').using('gin', t.aliases),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    title: text('title'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('contacts_account_name_uq').on(t.accountId, t.nameKey)],
);

export const deals = pgTable(
  'deals',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => members.id),
    title: text('title').notNull(),
    stage: text('stage').notNull(),
    status: text('status').$type<DealStatus>().notNull().default('open'),
    amount: numeric('amount', { precision: 20, scale: 2, mode: 'number' }),
    currency: text('currency'),
    closeDate: localDate('close_date'),
    needs: jsonb('needs').$type<string[]>().notNull().default([]),
    competitors: jsonb('competitors').$type<string[]>().notNull().default([]),
    nextStep: text('next_step'),
    nextStepDue: localDate('next_step_due'),
    lostReason: text('lost_reason'),
    stageEnteredAt: tstz('stage_entered_at').notNull().defaultNow(),
    lastActivityAt: tstz('last_activity_at').notNull().defaultNow(),
    closedAt: tstz('closed_at'),
    version: integer('version').notNull().default(1),
    /**
     * Every stage the deal's effective history entered (moves taken back by
     * undo left out), kept by a trigger on deal_events: the funnel reads it
     * instead of the events. Never written by the application.
     */
    reachedStages: text('reached_stages').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [
    index('deals_workspace_stage_idx').on(t.workspaceId, t.status, t.stage),
    // With the activity last, a rep's most recent open deals are read in order (the extractor's context).
    index('deals_workspace_owner_idx').on(t.workspaceId, t.ownerId, t.status, t.lastActivityAt),
    index('deals_workspace_next_due_idx').on(t.workspaceId, t.nextStepDue),
    index('deals_workspace_activity_idx').on(t.workspaceId, t.lastActivityAt),
    index('deals_workspace_close_idx').on(t.workspaceId, t.closeDate),
    // Win rate, loss reasons, trend: deals won or lost in a period.
    index('deals_workspace_closed_idx').on(t.workspaceId, t.status, t.closedAt),
    index('deals_account_idx').on(t.accountId, t.status),
  ],
);

export type FieldChange = { before: unknown; after: unknown };
export interface EventEffects {
  followupsCreated?: string[];
  followupsCancelled?: string[];
  /** Follow-ups whose status changed (done, snoozed), with the status before. */
  followupsChanged?: { id: string; status: string; snoozedUntil: string | null }[];
  contactsAdded?: string[];
}
export type DealDiff = Record<string, FieldChange>;

/** The audit trail. Append-only: a trigger refuses UPDATE and DELETE. */
export const dealEvents = pgTable(
  'deal_events',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    dealId: uuid('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => members.id),
    /** create | update | undo | edit | import | followup */
    kind: text('kind').notNull(),
    diff: jsonb('diff').$type<DealDiff>().notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage'),
    inboxId: uuid('inbox_id'),
    /** For kind = undo: the event it reverted. */
    revertsEventId: uuid('reverts_event_id'),
    /** Side effects outside the deal row (follow-ups, contacts), so undo can revert them. */
    effects: jsonb('effects').$type<EventEffects>().notNull().default({}),
    /** Deal version after this event. */
    version: integer('version').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('deal_events_deal_idx').on(t.dealId, t.createdAt),
    index('deal_events_workspace_time_idx').on(t.workspaceId, t.createdAt),
    index('deal_events_inbox_idx').on(t.inboxId),
    // Funnel and time in stage read only the stage moves of a workspace.
    index('deal_events_stage_moves_idx')
      .on(t.workspaceId, t.dealId, t.createdAt)
      .where(sql`${t.toStage} is not null`),
    // At most one undo per event, even when two clicks race.
    uniqueIndex('deal_events_reverts_uq')
      .on(t.revertsEventId)
      .where(sql`${t.revertsEventId} is not null`),
  ],
);

export type FollowupKind = 'next_step' | 'after_sales';
export type FollowupStatus = 'open' | 'done' | 'snoozed' | 'cancelled';

export const followups = pgTable(
  'followups',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    dealId: uuid('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').$type<FollowupKind>().notNull(),
    text: text('text').notNull(),
    dueDate: localDate('due_date'),
    status: text('status').$type<FollowupStatus>().notNull().default('open'),
    snoozedUntil: localDate('snoozed_until'),
    lastNudgedAt: tstz('last_nudged_at'),
    doneAt: tstz('done_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('followups_workspace_due_idx').on(t.workspaceId, t.status, t.dueDate),
    index('followups_owner_due_idx').on(t.ownerId, t.status, t.dueDate),
    index('followups_deal_idx').on(t.dealId, t.status),
  ],
);

/**
 * Reminders about a deal as a whole (gone quiet, past its expected close),
 * which have no follow-up row to remember them by: when the owner was last
 * nudged about it and until when they snoozed it. One row per deal.
 */
export const dealNudges = pgTable(
  'deal_nudges',
  {
    dealId: uuid('deal_id')
      .primaryKey()
      .references(() => deals.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    lastNudgedAt: tstz('last_nudged_at'),
    /** A local date: the deal is not nudged about before it. */
    snoozedUntil: localDate('snoozed_until'),
    snoozedBy: uuid('snoozed_by').references(() => members.id),
    snoozedAt: tstz('snoozed_at'),
  },
  (t) => [index('deal_nudges_workspace_idx').on(t.workspaceId)],
);

export type InboxStatus = 'received' | 'processing' | 'processed' | 'needs_input' | 'failed';

/**
 * Every incoming message, stored before anything else happens. The unique key
 * is the idempotency guard against platform retries and double delivery.
 */
export const inbox = pgTable(
  'inbox',
  {
    id: id(),
    platform: text('platform').$type<Platform>().notNull(),
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id').references(() => members.id),
    text: text('text').notNull(),
    /** The message this one replies to (thread parent or referenced message), if any. */
    replyTo: text('reply_to'),
    status: text('status').$type<InboxStatus>().notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    /** What the extractor saw, kept for needs_input continuations. */
    pending: jsonb('pending'),
    /** The replies produced, so a crash after processing can still answer. */
    replies: jsonb('replies'),
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    processedAt: tstz('processed_at'),
    leaseUntil: tstz('lease_until'),
  },
  (t) => [
    uniqueIndex('inbox_key_uq').on(t.platform, t.channel, t.messageId),
    index('inbox_status_idx').on(t.status, t.receivedAt),
    index('inbox_workspace_idx').on(t.workspaceId, t.receivedAt),
  ],
);

/** Messages the bot posted, keyed so that a retry never posts twice. */
export const outbound = pgTable(
  'outbound',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** e.g. `inbox:<id>:<n>` or `job:<slot>:<member>` */
    key: text('key').notNull(),
    platform: text('platform').$type<Platform>().notNull(),
    channel: text('channel').notNull(),
    /** The platform's id of the posted message (Slack ts, Discord snowflake). */
    messageId: text('message_id'),
    inboxId: uuid('inbox_id'),
    dealId: uuid('deal_id'),
    eventId: uuid('event_id'),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull().default('pending'),
    createdAt: createdAt(),
    sentAt: tstz('sent_at'),
  },
  (t) => [
    uniqueIndex('outbound_key_uq').on(t.key),
    index('outbound_message_idx').on(t.platform, t.channel, t.messageId),
  ],
);

export const watchedChannels = pgTable(
  'watched_channels',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    addedBy: uuid('added_by').references(() => members.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.channel] })],
);

export type JobStatus = 'claimed' | 'done' | 'failed' | 'skipped';

/** One row per (job, slot); claimed with ON CONFLICT DO NOTHING before the job runs. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: id(),
    job: text('job').notNull(),
    slot: text('slot').notNull(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    status: text('status').$type<JobStatus>().notNull().default('claimed'),
    claimedBy: text('claimed_by'),
    leaseUntil: tstz('lease_until'),
    attempts: integer('attempts').notNull().default(1),
    result: jsonb('result'),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    uniqueIndex('job_runs_job_slot_uq').on(t.job, t.slot),
    index('job_runs_status_idx').on(t.status, t.leaseUntil),
  ],
);

export const llmCalls = pgTable(
  'llm_calls',
  {
    id: id(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id'),
    purpose: text('purpose').notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    cachedTokens: integer('cached_tokens'),
    latencyMs: integer('latency_ms').notNull(),
    /** ok | timeout | rate_limited | quota | server_error | connection | error | refused | truncated | invalid | circuit_open | capped */
    outcome: text('outcome').notNull(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('llm_calls_workspace_time_idx').on(t.workspaceId, t.createdAt)],
);

export type Workspace = typeof workspaces.$inferSelect;
export type Member = typeof members.$inferSelect;
export type Account = typeof accounts.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
/** A deal as the application reads and writes it; `reached_stages` belongs to the database's trigger. */
export type Deal = Omit<typeof deals.$inferSelect, 'reachedStages'>;
export type DealEvent = typeof dealEvents.$inferSelect;
export type Followup = typeof followups.$inferSelect;
export type InboxRow = typeof inbox.$inferSelect;
export type JobRun = typeof jobRuns.$inferSelect;
export type DealNudge = typeof dealNudges.$inferSelect;

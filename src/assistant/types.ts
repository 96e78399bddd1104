/**
 * The neutral conversation types. Adapters translate platform events into an
 * `IncomingMessage` and render `Reply` values as Block Kit, embeds or text;
 * the assistant never knows which platform it is talking to.
 *
 * Every string in a reply is plain text (never markup): adapters escape it for
 * their platform, so text a user typed can be echoed safely.
 */
import type { Platform } from '../db/schema.ts';
import type { Locale } from '../pipeline/stages.ts';
import type { MemberRef, WorkspaceRef } from '../pipeline/workspaces.ts';

export interface IncomingMessage {
  platform: Platform;
  workspace: Omit<WorkspaceRef, 'platform'>;
  sender: MemberRef;
  /** Channel id (a DM channel for direct messages). */
  channel: string;
  /** The platform's id for this message (Slack ts, Discord snowflake, console counter). */
  messageId: string;
  text: string;
  sentAt: Date;
  /** The message this one replies to: a Slack thread parent, a Discord message reference. */
  replyTo?: string | null;
  /** Extra platform facts worth keeping with the inbox row (event id, retry number…). */
  meta?: Record<string, unknown>;
}

/** Who is acting when there is no message: a button, a slash command, a form. */
export interface Actor {
  platform: Platform;
  workspace: Omit<WorkspaceRef, 'platform'>;
  sender: MemberRef;
  channel?: string;
  /**
   * For a button: the platform id of the message it is on (Slack message ts,
   * Discord message id). With `channel`, it lets a nudge be redrawn after Done
   * or Snooze (the action's replies are then the whole updated message).
   */
  messageId?: string;
}

export type Tone = 'info' | 'success' | 'warning' | 'error';

export interface ActionButton {
  label: string;
  /** Opaque to adapters: hand it back to `handleAction` unchanged. At most 100 characters. */
  payload: string;
  style?: 'primary' | 'danger';
}

export interface ChangeRow {
  field: string;
  label: string;
  before: string | null;
  after: string | null;
}

export interface DealCard {
  dealId: string;
  account: string;
  title: string;
  stage: string;
  status: 'open' | 'won' | 'lost';
  owner: string;
  fields: { label: string; value: string }[];
  /** Recent history, newest first, already worded. */
  history: string[];
  actions: ActionButton[];
}

export interface PipelineRow {
  stage: string;
  count: number;
  /** Totals per currency, formatted. */
  totals: string[];
  weighted: string[];
}

export interface ReportSection {
  heading?: string;
  lines?: string[];
  items?: { text: string; detail?: string; actions?: ActionButton[] }[];
  /** How many more items there were than shown. */
  more?: number;
}

export type Reply = { locale: Locale } & (
  | { kind: 'text'; text: string; tone?: Tone; ephemeral?: boolean }
  | {
      kind: 'change';
      title: string;
      dealId: string;
      eventId: string;
      account: string;
      stage: string;
      owner: string;
      created: boolean;
      rows: ChangeRow[];
      notes: string[];
      actions: ActionButton[];
    }
  | {
      kind: 'choice';
      text: string;
      options: { label: string; detail?: string; payload: string }[];
    }
  | { kind: 'deal'; card: DealCard }
  | { kind: 'pipeline'; title: string; rows: PipelineRow[]; totals: string[]; footnote?: string }
  | {
      kind: 'list';
      title: string;
      items: { text: string; detail?: string; actions?: ActionButton[] }[];
      empty: string;
      more?: number;
    }
  | { kind: 'help'; title: string; sections: { heading: string; lines: string[] }[] }
  /** Digests, nudges and answers with several parts: sections of lines and/or actionable items. */
  | { kind: 'report'; title: string; sections: ReportSection[]; footer?: string }
  | { kind: 'image'; title: string; png: Uint8Array; alt: string }
);

export interface ReceiveResult {
  inboxId: string;
  /** The same platform message was stored before: do not process or answer again. */
  duplicate: boolean;
  /** Stored, but this person may not write here (e.g. not a member in a watched channel). */
  status: string;
}

export interface HandleResult extends ReceiveResult {
  replies: Reply[];
}

/**
 * One outbound interface for everything the bot posts on its own initiative
 * (digests, nudges, answers to recovered messages): each platform adapter
 * implements it, the console prints. Idempotent by key: the `outbound` table
 * records each post, so a retry or a second replica never posts it twice.
 */
import type { Platform, Workspace } from '../db/schema.ts';
import type { Reply } from './types.ts';

export type Destination =
  /** A channel id (Slack C…, Discord channel snowflake, "console"). */
  | { kind: 'channel'; channel: string; threadOf?: string }
  /** A direct message to a member, by their platform user id. */
  | { kind: 'dm'; user: string };

export type SendResult =
  | { status: 'sent'; channel: string; messageId: string }
  /** This key was posted before (by this process or another): nothing was sent. */
  | { status: 'duplicate'; channel: string | null; messageId: string | null };

export interface Outbound {
  readonly platform: Platform;
  /**
   * Post replies. `key` identifies the post (e.g. `digest:<workspace>:2026-11-28`,
   * `inbox:<id>:0`); with the same key twice, the second call sends nothing.
   */
  send(
    workspace: Workspace,
    to: Destination,
    replies: Reply[],
    key: string,
    link?: { dealId?: string; inboxId?: string; eventId?: string },
  ): Promise<SendResult>;
  /** Replace the content of a message the bot posted (a nudge after Done, a card after Undo). */
  edit(workspace: Workspace, channel: string, messageId: string, replies: Reply[]): Promise<void>;
}

/** The adapters that are running, by platform. */
export type OutboundRegistry = Partial<Record<Platform, Outbound>>;

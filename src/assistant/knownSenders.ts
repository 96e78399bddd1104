/**
 * The row ids behind the people whose messages this process stored lately,
 * so that their next message can be stored with a plain insert into the inbox
 * instead of the statement that also finds (or creates) the workspace and the
 * member. That statement costs about three times as much, and on the
 * embedded database every statement runs on the bot's own event loop, where
 * a burst of deliveries waits for each store in turn before its ack.
 *
 * - An entry maps the platform's workspace and user ids to the row ids they
 *   were stored under, and to the member row as that store found it. Ids never
 *   change for an external id; a deleted workspace or member makes the insert
 *   fail its foreign key, and the caller forgets the entry and stores the
 *   usual way.
 * - The member row only decides whether the store would have to bring the
 *   member up to date with what the platform says now (name, timezone, write
 *   rights, admin). If it would, the message takes the usual path. A sender
 *   the platform calls read-only always takes it, so a lost right is never
 *   written late. Other processes may change the row too, so an entry is
 *   used for at most `ttlMs` after it was stored.
 * - Rights are never read from here: processing a message reads the member
 *   from the database with the claim.
 */
import type { Member, Platform } from '../db/schema.ts';
import { memberPatch } from '../pipeline/workspaces.ts';
import type { IncomingMessage } from './types.ts';

export interface KnownSender {
  workspaceId: string;
  member: Member;
}

interface Entry extends KnownSender {
  expires: number;
}

export class KnownSenders {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 10_000,
  ) {}

  private static key(platform: Platform, workspace: string, user: string): string {
    return JSON.stringify([platform, workspace, user]);
  }

  /** The ids to store this message under, if held and nothing about the member needs writing. */
  lookup(incoming: IncomingMessage, now: number): KnownSender | undefined {
    const { sender } = incoming;
    if (sender.canWrite === false) return undefined;
    const key = KnownSenders.key(
      incoming.platform,
      incoming.workspace.externalId,
      sender.externalId,
    );
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    if (Object.keys(memberPatch(entry.member, sender)).length > 0) return undefined;
    return entry;
  }

  /** Remember where a message from this sender was just stored (the rows as the store returned them). */
  remember(incoming: IncomingMessage, found: KnownSender, now: number): void {
    const key = KnownSenders.key(
      incoming.platform,
      incoming.workspace.externalId,
      incoming.sender.externalId,
    );
    // Re-inserted so the Map's order is the order of last use; the oldest go first past `max`.
    this.entries.delete(key);
    this.entries.set(key, {
      workspaceId: found.workspaceId,
      member: found.member,
      expires: now + this.ttlMs,
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
  }

  forget(incoming: IncomingMessage): void {
    this.entries.delete(
      KnownSenders.key(
        incoming.platform,
        incoming.workspace.externalId,
        incoming.sender.externalId,
      ),
    );
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * What an extractor is told with each message (see `extractionHintsSql`): a
 * workspace's most recently active account names, and the sender's most
 * recently active open deals. Kept in the process between messages: reading
 * them costs two sorted index scans and a lookup per name on every message,
 * and they change far less often than messages arrive.
 *
 * - Updates this process applies are written through: the deal moves to the
 *   front of its owner's open deals (or leaves them once closed), its account
 *   to the front of the names, and past the limits the least recent drop out,
 *   as the database would order them.
 * - Commands, buttons and edits can rename, merge, reassign or undo: the
 *   workspace's entry is dropped and read again with the next message.
 * - Other replicas and the command line write too, so each part is read
 *   afresh at most `ttlMs` after it was read. Hints only steer reading: a
 *   stale one decides whether a bare mention counts as an update or which
 *   deal "they" means to a model, and every write resolves its account and
 *   deal, and checks the member's rights, in the database.
 *
 * Entries are keyed by the platform's workspace and user ids and hold the row
 * ids they were read for, so one tenant's or member's hints never reach
 * another's extractor even if a row is replaced.
 */
import type { Deal, Member, Workspace } from '../db/schema.ts';
import { type ExtractionHints, KNOWN_ACCOUNTS_LIMIT, OPEN_DEALS_LIMIT } from '../pipeline/views.ts';

type OpenDeal = ExtractionHints['openDeals'][number];

interface Part<T> {
  value: T;
  expires: number;
}

interface Entry {
  workspaceId: string;
  /** Never mutated once handed out: a change makes a new array (extractors may cache by identity). */
  names?: Part<readonly string[]>;
  /** By the member's platform id. */
  members: Map<string, MemberPart>;
  /** The workspace row as the last stored message found it (a guess, see `guess`): one per workspace. */
  row?: Workspace;
}

type MemberPart = Part<readonly OpenDeal[]> & {
  memberId: string;
  /** The member row as their last stored message found it (a guess, see `guess`). */
  row?: Member;
};

/** What a message from a member will most likely be read with, before its store confirms it. */
export interface Guess {
  workspace: Workspace;
  member: Member;
  names: readonly string[];
  open: readonly OpenDeal[];
}

/** A deal this process just wrote, as it now stands. */
export type WrittenDeal = Pick<Deal, 'id' | 'stage' | 'status' | 'ownerId'> & { account: string };

export interface HintCacheOptions {
  /** How long hints read from the database are trusted (default 30 s). */
  ttlMs?: number;
  /** Workspaces kept at most; past it the oldest entry goes (default 1,000). */
  maxWorkspaces?: number;
  /** Members kept per workspace at most (default 500). */
  maxMembers?: number;
  /** Monotonic milliseconds (tests pass their own). */
  clock?: () => number;
}

export class HintCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #maxMembers: number;
  readonly #clock: () => number;
  #swept = 0;

  constructor(options: HintCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#max = options.maxWorkspaces ?? 1_000;
    this.#maxMembers = options.maxMembers ?? 500;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** The key of a platform workspace (known before its row is read). */
  static key(workspace: { platform: string; externalId: string }): string {
    return `${workspace.platform}\u0000${workspace.externalId}`;
  }

  #fresh<T extends Part<unknown>>(part: T | undefined): T | undefined {
    return part && this.#clock() < part.expires ? part : undefined;
  }

  /** The account names last read for a platform workspace, while still fresh. */
  get(key: string): { workspaceId: string; names: readonly string[] } | undefined {
    const e = this.#entries.get(key);
    const names = this.#fresh(e?.names);
    return e && names ? { workspaceId: e.workspaceId, names: names.value } : undefined;
  }

  /** A member's open deals last read, while still fresh. */
  openDeals(
    key: string,
    memberExternalId: string,
  ): { workspaceId: string; memberId: string; deals: readonly OpenDeal[] } | undefined {
    const e = this.#entries.get(key);
    const m = this.#fresh(e?.members.get(memberExternalId));
    return e && m
      ? { workspaceId: e.workspaceId, memberId: m.memberId, deals: m.value }
      : undefined;
  }

  /**
   * The rows and hints a member's next message will most likely be read
   * with: only a guess, to start reading the message while it is being
   * stored. Whoever uses it must check it against what the store returns.
   */
  guess(key: string, memberExternalId: string): Guess | undefined {
    const e = this.#entries.get(key);
    const names = this.#fresh(e?.names);
    const open = this.#fresh(e?.members.get(memberExternalId));
    const workspace = e?.row;
    const member = open?.row;
    if (!names || !open || !workspace || !member) return undefined;
    return { workspace, member, names: names.value, open: open.value };
  }

  /** The rows a member's message was just stored with, kept beside the hints they were read with. */
  seen(key: string, workspace: Workspace, member: Member): void {
    const e = this.#entries.get(key);
    if (e?.workspaceId !== workspace.id) return;
    const m = e.members.get(member.externalId);
    if (m?.memberId !== member.id) return;
    e.row = workspace;
    m.row = member;
  }

  /**
   * Drop what has gone stale, at most once per `ttlMs`: what is held is then
   * what was read or written in the last minute or so, not every workspace
   * and member seen since the start.
   */
  #sweep(): void {
    const now = this.#clock();
    if (now - this.#swept < this.#ttlMs) return;
    this.#swept = now;
    for (const [key, e] of this.#entries) {
      if (e.names && e.names.expires <= now) e.names = undefined;
      for (const [id, m] of e.members) if (m.expires <= now) e.members.delete(id);
      if (!e.names && e.members.size === 0) this.#entries.delete(key);
    }
  }

  /** Workspace and member entries held (for tests and metrics). */
  get size(): { workspaces: number; members: number } {
    let members = 0;
    for (const e of this.#entries.values()) members += e.members.size;
    return { workspaces: this.#entries.size, members };
  }

  #entry(key: string, workspaceId: string): Entry {
    this.#sweep();
    let e = this.#entries.get(key);
    if (e && e.workspaceId !== workspaceId) e = undefined;
    if (!e) {
      this.#entries.delete(key);
      if (this.#entries.size >= this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      e = { workspaceId, members: new Map() };
      this.#entries.set(key, e);
    }
    return e;
  }

  /** Names just read from the database for this workspace. */
  set(key: string, workspaceId: string, names: readonly string[]): void {
    this.#entry(key, workspaceId).names = {
      value: names.slice(0, KNOWN_ACCOUNTS_LIMIT),
      expires: this.#clock() + this.#ttlMs,
    };
  }

  /** A member's open deals just read from the database. */
  setOpenDeals(
    key: string,
    workspaceId: string,
    member: { id: string; externalId: string },
    deals: readonly OpenDeal[],
  ): void {
    const members = this.#entry(key, workspaceId).members;
    members.delete(member.externalId);
    if (members.size >= this.#maxMembers) {
      const oldest = members.keys().next().value;
      if (oldest !== undefined) members.delete(oldest);
    }
    members.set(member.externalId, {
      memberId: member.id,
      value: deals.slice(0, OPEN_DEALS_LIMIT),
      expires: this.#clock() + this.#ttlMs,
    });
  }

  /** Deals this process just wrote, in order: they and their accounts are now the most recent. */
  written(key: string, workspaceId: string, deals: readonly WrittenDeal[]): void {
    const e = this.#entries.get(key);
    if (!e || e.workspaceId !== workspaceId || !deals.length) return;
    const latest = [...deals].reverse();
    if (e.names) {
      const first = [...new Set(latest.map((d) => d.account).filter(Boolean))];
      if (!first.every((n, i) => e.names?.value[i] === n)) {
        const moved = new Set(first);
        e.names = {
          ...e.names,
          value: [...first, ...e.names.value.filter((n) => !moved.has(n))].slice(
            0,
            KNOWN_ACCOUNTS_LIMIT,
          ),
        };
      }
    }
    // Each deal as its latest write left it, grouped by owner: one pass, whatever the number of members.
    const ids = new Set<string>();
    const byOwner = new Map<string, OpenDeal[]>();
    for (const d of latest) {
      if (ids.has(d.id)) continue;
      ids.add(d.id);
      if (d.status !== 'open') continue;
      const item = { account: d.account, stage: d.stage, dealId: d.id };
      const list = byOwner.get(d.ownerId);
      if (list) list.push(item);
      else byOwner.set(d.ownerId, [item]);
    }
    for (const m of e.members.values()) {
      const own = byOwner.get(m.memberId);
      if (!own && !m.value.some((d) => ids.has(d.dealId))) continue;
      m.value = [...(own ?? []), ...m.value.filter((d) => !ids.has(d.dealId))].slice(
        0,
        OPEN_DEALS_LIMIT,
      );
    }
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}

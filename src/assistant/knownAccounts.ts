/**
 * The account names an extractor matches each message against (a workspace's
 * most recently active accounts, see `extractionHintsSql`), kept in the
 * process between messages. Reading them costs a sort over the workspace's
 * recent deals and a lookup per name on every message; they change far less
 * often than messages arrive.
 *
 * - Updates this process applies are written through: their accounts move
 *   to the front, and past the limit the least recent one drops out, as the
 *   database would order them.
 * - Commands, buttons and edits can rename, merge or undo: the workspace's
 *   entry is dropped and read again with the next message.
 * - Other replicas and the command line write too, so an entry is read afresh
 *   at most `ttlMs` after it was read. A stale name only decides whether a
 *   bare mention of it counts as an update; deals are always resolved from the
 *   database.
 *
 * Entries are keyed by the platform's workspace id and hold the workspace row
 * id they were read for, so one tenant's names never reach another's
 * extractor even if a workspace row is replaced.
 */
import { KNOWN_ACCOUNTS_LIMIT } from '../pipeline/views.ts';

interface Entry {
  workspaceId: string;
  /** Never mutated once handed out: a change makes a new array (extractors may cache by identity). */
  names: readonly string[];
  expires: number;
}

export interface KnownAccountsOptions {
  /** How long names read from the database are trusted (default 30 s). */
  ttlMs?: number;
  /** Workspaces kept at most; past it the oldest entry goes (default 1,000). */
  maxWorkspaces?: number;
  /** Monotonic milliseconds (tests pass their own). */
  clock?: () => number;
}

export class KnownAccounts {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #clock: () => number;

  constructor(options: KnownAccountsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#max = options.maxWorkspaces ?? 1_000;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** The key of a platform workspace (known before its row is read). */
  static key(workspace: { platform: string; externalId: string }): string {
    return `${workspace.platform}\u0000${workspace.externalId}`;
  }

  /** The names last read for a platform workspace, while still fresh. */
  get(key: string): { workspaceId: string; names: readonly string[] } | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (this.#clock() >= e.expires) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Names just read from the database for this workspace. */
  set(key: string, workspaceId: string, names: readonly string[]): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, {
      workspaceId,
      names: names.slice(0, KNOWN_ACCOUNTS_LIMIT),
      expires: this.#clock() + this.#ttlMs,
    });
  }

  /** Accounts this process just wrote to: they are now the workspace's most recent, first. */
  touch(key: string, workspaceId: string, names: readonly string[]): void {
    const e = this.#entries.get(key);
    if (!e || e.workspaceId !== workspaceId) return;
    const first = [...new Set(names.filter(Boolean))];
    if (!first.length || first.every((n, i) => e.names[i] === n)) return;
    const moved = new Set(first);
    e.names = [...first, ...e.names.filter((n) => !moved.has(n))].slice(0, KNOWN_ACCOUNTS_LIMIT);
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}

/**
 * Who a Slack user is, from users.info (cached): display name, timezone,
 * locale, whether they are a workspace admin/owner, and whether they may
 * write — guests (restricted, ultra-restricted) and people from other
 * organisations in shared channels may ask but never change data.
 */
import { z } from 'zod';
import type { Actor } from '../../assistant/types.ts';
import { isValidTimeZone } from '../../lib/time.ts';
import type { Logger } from '../../log.ts';
import type { MemberRef } from '../../pipeline/workspaces.ts';
import type { WebClient } from './client.ts';
import type { SlackActor } from './parse/interactions.ts';

const UserSchema = z.looseObject({
  id: z.string(),
  team_id: z.string().optional(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  is_admin: z.boolean().optional(),
  is_owner: z.boolean().optional(),
  is_primary_owner: z.boolean().optional(),
  is_restricted: z.boolean().optional(),
  is_ultra_restricted: z.boolean().optional(),
  is_stranger: z.boolean().optional(),
  tz: z.string().nullish(),
  locale: z.string().optional(),
  enterprise_user: z.looseObject({ enterprise_id: z.string().optional() }).optional(),
  profile: z
    .looseObject({
      display_name: z.string().optional(),
      real_name: z.string().optional(),
      team: z.string().optional(),
    })
    .optional(),
});
export type SlackUser = z.infer<typeof UserSchema>;

/**
 * The member as Slack describes them. Only a Chinese Slack locale is taken
 * as a language choice: many people write Chinese with an English interface,
 * and the core picks the reply language from the message otherwise.
 */
export function memberFromUser(
  user: SlackUser,
  teamId: string,
  hints: { external?: boolean } = {},
): MemberRef {
  const homeTeam = user.team_id ?? user.profile?.team;
  const foreign =
    Boolean(hints.external) ||
    Boolean(user.is_stranger) ||
    (homeTeam !== undefined && homeTeam !== teamId && !user.enterprise_user?.enterprise_id);
  const guest = Boolean(user.is_restricted || user.is_ultra_restricted);
  const name =
    user.profile?.display_name?.trim() ||
    user.profile?.real_name?.trim() ||
    user.real_name?.trim() ||
    user.name ||
    user.id;
  return {
    externalId: user.id,
    displayName: name.slice(0, 80),
    timezone: user.tz && isValidTimeZone(user.tz) ? user.tz : null,
    locale: user.locale?.toLowerCase().startsWith('zh') ? 'zh-CN' : null,
    isAdmin: !foreign && !guest && Boolean(user.is_admin || user.is_owner || user.is_primary_owner),
    canWrite: !foreign && !guest && !user.deleted && !user.is_bot,
  };
}

interface Entry {
  ref: MemberRef;
  expires: number;
}

export class IdentityCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly web: WebClient,
    private readonly logger: Logger,
    private readonly clock: () => number = () => Date.now(),
    private readonly ttlMs = 60 * 60_000,
    private readonly maxEntries = 5_000,
  ) {}

  /** What the payload alone proves, without asking Slack. */
  minimal(actor: SlackActor): MemberRef {
    const cached = this.entries.get(`${actor.teamId}:${actor.user}`);
    if (cached) return actor.external ? { ...cached.ref, canWrite: false } : cached.ref;
    return { externalId: actor.user, ...(actor.external ? { canWrite: false } : {}) };
  }

  /** users.info, cached; on failure the last known answer, else the minimal one. */
  async member(actor: SlackActor): Promise<MemberRef> {
    const key = `${actor.teamId}:${actor.user}`;
    const cached = this.entries.get(key);
    if (cached && cached.expires > this.clock()) return this.minimal(actor);
    try {
      const res = await this.web.users.info({ user: actor.user, include_locale: true });
      const parsed = UserSchema.safeParse(res.user);
      if (!parsed.success) throw new Error('users.info returned no usable user');
      const ref = memberFromUser(parsed.data, actor.teamId, { external: actor.external });
      this.entries.delete(key);
      this.entries.set(key, { ref, expires: this.clock() + this.ttlMs });
      if (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      return ref;
    } catch (err) {
      this.logger.warn({ err, teamId: actor.teamId, user: actor.user }, 'users.info failed');
      return this.minimal(actor);
    }
  }

  /**
   * users.info within `ms` (the first message of someone new must still be
   * acknowledged in time); past it, what the payload proves, and the full
   * answer is recorded before the message is processed.
   */
  async memberWithin(actor: SlackActor, ms: number): Promise<MemberRef> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<MemberRef>((resolve) => {
      timer = setTimeout(() => resolve(this.minimal(actor)), ms);
    });
    try {
      return await Promise.race([this.member(actor), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The neutral actor for the assistant. */
  async actor(actor: SlackActor): Promise<Actor> {
    return {
      platform: 'slack',
      workspace: { externalId: actor.teamId },
      sender: await this.member(actor),
      ...(actor.channel ? { channel: actor.channel } : {}),
    };
  }

  /** The neutral actor from the cache only (for work that must answer Slack within 3 seconds). */
  quickActor(actor: SlackActor): Actor {
    return {
      platform: 'slack',
      workspace: { externalId: actor.teamId },
      sender: this.minimal(actor),
      ...(actor.channel ? { channel: actor.channel } : {}),
    };
  }
}

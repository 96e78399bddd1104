/**
 * Who is talking, in the assistant's terms: a workspace per guild, a member
 * per user, the guild owner as admin. A direct message belongs to the
 * workspace of a guild where the user already uses pipebot (the one they
 * were last active in); a user with none gets a workspace of their own,
 * `dm:<userId>`. A button pressed on a card in a DM belongs to the workspace
 * that posted the card.
 */
import type { Actor } from '../../assistant/types.ts';
import type { Db } from '../../db/connect.ts';
import { workspaceOfPost } from '../../pipeline/outbound.ts';
import type { Locale } from '../../pipeline/stages.ts';
import { homeWorkspaceOf, type MemberRef } from '../../pipeline/workspaces.ts';

export const DM_WORKSPACE_PREFIX = 'dm:';

export interface DiscordPerson {
  id: string;
  username: string;
  globalName: string | null;
  /** The guild nickname, when there is one. */
  nickname?: string | null;
}

export interface DiscordPlace {
  guild: { id: string; name: string; ownerId: string | null } | null;
  channelId: string | null;
  /** The bot's message a component sits on, when acting on one. */
  messageId?: string | null;
}

/** Discord client locales the assistant speaks; others follow the workspace. */
export function localeOf(discordLocale: string | null | undefined): Locale | null {
  if (!discordLocale) return null;
  if (discordLocale === 'zh-CN') return 'zh-CN';
  if (discordLocale.startsWith('en')) return 'en';
  return null;
}

export function displayNameOf(p: DiscordPerson): string {
  return p.nickname || p.globalName || p.username;
}

export function memberRef(
  person: DiscordPerson,
  place: DiscordPlace,
  locale: Locale | null = null,
): MemberRef {
  const ref: MemberRef = { externalId: person.id, displayName: displayNameOf(person) };
  if (place.guild?.ownerId && place.guild.ownerId === person.id) ref.isAdmin = true;
  if (locale) ref.locale = locale;
  return ref;
}

/** The workspace a guild or a direct message belongs to. */
export async function workspaceRef(
  db: Db,
  person: DiscordPerson,
  place: DiscordPlace,
): Promise<Actor['workspace']> {
  if (place.guild) return { externalId: place.guild.id, name: place.guild.name };
  if (place.channelId && place.messageId) {
    const poster = await workspaceOfPost(db, 'discord', place.channelId, place.messageId);
    if (poster) return { externalId: poster.externalId, name: poster.name };
  }
  const home = await homeWorkspaceOf(db, 'discord', person.id, DM_WORKSPACE_PREFIX);
  if (home) return { externalId: home.externalId, name: home.name };
  return { externalId: `${DM_WORKSPACE_PREFIX}${person.id}`, name: displayNameOf(person) };
}

export async function actorOf(
  db: Db,
  person: DiscordPerson,
  place: DiscordPlace,
  locale: Locale | null = null,
): Promise<Actor> {
  const actor: Actor = {
    platform: 'discord',
    workspace: await workspaceRef(db, person, place),
    sender: memberRef(person, place, locale),
  };
  if (place.channelId) actor.channel = place.channelId;
  return actor;
}

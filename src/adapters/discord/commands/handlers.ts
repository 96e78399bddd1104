/**
 * `/pipebot` subcommands as the assistant's text commands (which check
 * permissions and do the work), and the account autocomplete for `deal`.
 */
import type { Db } from '../../../db/connect.ts';
import { suggestAccountNames } from '../../../pipeline/accounts.ts';
import { visibleOwnerFilter } from '../../../pipeline/permissions.ts';
import { findMember, findWorkspace } from '../../../pipeline/workspaces.ts';
import { LIMITS, truncate } from '../limits.ts';
import type { PipebotSubcommand } from './definitions.ts';

/** What the handlers read from an interaction's options (discord.js's resolver has this shape). */
export interface CommandOptions {
  getSubcommand(required: false): string | null;
  getString(name: string): string | null;
  getUser(name: string): { id: string } | null;
}

/** Answers only the asker sees, except where the channel should know (watch, unwatch). */
const PUBLIC: ReadonlySet<string> = new Set<PipebotSubcommand>(['watch', 'unwatch']);

export function isPublicSubcommand(sub: string | null): boolean {
  return sub !== null && PUBLIC.has(sub);
}

/** One line of text input: no line breaks, no leading slash that would read as another command. */
function arg(s: string | null): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

/** The text command a slash command stands for; unknown subcommands get help. */
export function commandText(options: CommandOptions): string {
  const sub = options.getSubcommand(false);
  switch (sub) {
    case 'help':
    case 'followups':
    case 'watch':
    case 'unwatch':
      return sub;
    case 'deal':
      return `deal ${arg(options.getString('account'))}`.trim();
    case 'pipeline': {
      const rep = options.getUser('rep');
      return ['pipeline', rep ? `<@${rep.id}>` : '', arg(options.getString('stage'))]
        .filter(Boolean)
        .join(' ');
    }
    case 'settings': {
      const key = arg(options.getString('key'));
      // A channel picked in the value box arrives as <#id>; settings take the id.
      const value = arg(options.getString('value')).replace(/^<#(\d+)>$/, '$1');
      return ['settings', key, key ? value : ''].filter(Boolean).join(' ');
    }
    case 'role': {
      const member = options.getUser('member');
      const role = arg(options.getString('role'));
      return member && role ? `role <@${member.id}> ${role}` : 'role';
    }
    default:
      return 'help';
  }
}

/**
 * Account names for the `deal` autocomplete, within what the asker may see.
 * Reads only: a guild or person pipebot has not met yet gets no suggestions.
 */
export async function accountChoices(
  db: Db,
  workspaceExternalId: string,
  userId: string,
  typed: string,
): Promise<{ name: string; value: string }[]> {
  const workspace = await findWorkspace(db, 'discord', workspaceExternalId);
  if (!workspace) return [];
  const member = await findMember(db, workspace.id, userId);
  if (!member && workspace.visibility === 'own') return [];
  const ownerId = member ? visibleOwnerFilter(member, workspace) : null;
  const names = await suggestAccountNames(db, workspace.id, typed, {
    ownerId,
    limit: LIMITS.autocompleteChoices,
  });
  return names.map((n) => {
    const v = truncate(n, LIMITS.choiceText);
    return { name: v, value: v };
  });
}

/**
 * Text commands, the same whether typed in a DM, given to `/pipebot`, or
 * typed in the console: help, deal, pipeline, followups, undo, settings,
 * role, watch, unwatch — with Chinese aliases.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { dealEvents, members, watchedChannels } from '../db/schema.ts';
import { addDays } from '../lib/time.ts';
import {
  canChangeRoles,
  canChangeSettings,
  canEditDeal,
  canSeeDeal,
} from '../pipeline/permissions.ts';
import { describeSettings, updateWorkspaceSetting } from '../pipeline/settings.ts';
import { matchStage } from '../pipeline/stages.ts';
import { undoEvent } from '../pipeline/undo.ts';
import {
  dealsForAccountName,
  memberFollowups,
  openDealsInStage,
  openPipelineByStage,
} from '../pipeline/views.ts';
import { findMemberByName, setMemberRole } from '../pipeline/workspaces.ts';
import type { AssistantDeps, Session } from './context.ts';
import { formatMoney } from './format.ts';
import { dealCard, followupsReply, helpReply, pipelineReply } from './replies.ts';
import type { Reply } from './types.ts';
import { undoReply } from './undoReply.ts';

const undos = alias(dealEvents, 'undos');

export type CommandName =
  | 'help'
  | 'deal'
  | 'pipeline'
  | 'followups'
  | 'undo'
  | 'settings'
  | 'role'
  | 'watch'
  | 'unwatch';

export interface ParsedCommand {
  name: CommandName;
  args: string;
}

const ALIASES: [RegExp, CommandName][] = [
  [/^(help|\?|帮助|幫助|菜单|命令)$/iu, 'help'],
  [/^(deal|商机|客户|查看)(?:\s+|$)/iu, 'deal'],
  [/^(pipeline|管道|销售管道)(?:\s+|$)/iu, 'pipeline'],
  [/^(follow-?ups?|跟进|我的跟进|待办)$/iu, 'followups'],
  [/^(undo|撤销|撤回)$/iu, 'undo'],
  [/^(settings|设置)(?:\s+|$)/iu, 'settings'],
  [/^(role|角色)(?:\s+|$)/iu, 'role'],
  [/^(watch|关注本频道)$/iu, 'watch'],
  [/^(unwatch|取消关注本频道)$/iu, 'unwatch'],
];

/** Recognise a command at the start of a message; null when it is ordinary text. */
export function parseCommand(text: string): ParsedCommand | null {
  const t = text.trim().replace(/^\//, '');
  for (const [re, name] of ALIASES) {
    const m = re.exec(t);
    if (m) return { name, args: t.slice(m[0].length).trim() };
  }
  return null;
}

export async function runCommand(
  deps: AssistantDeps,
  session: Session,
  cmd: ParsedCommand,
): Promise<Reply[]> {
  const { t, locale } = session;
  const text = (s: string, ephemeral = false): Reply[] => [
    { kind: 'text', locale, text: s, ...(ephemeral ? { ephemeral } : {}) },
  ];
  const db = deps.db;
  switch (cmd.name) {
    case 'help':
      return [helpReply(session)];

    case 'deal': {
      if (!cmd.args) return text(t.dealUsage, true);
      const { views, candidates } = await dealsForAccountName(
        db,
        session.workspace,
        session.member,
        cmd.args,
      );
      if (candidates.length)
        return text(`${t.ambiguousAccount(cmd.args)} ${candidates.join(' / ')}`);
      const visible = views.filter((v) => canSeeDeal(session.member, session.workspace, v.deal));
      if (visible.length === 0) return text(t.dealNotFound(cmd.args));
      return visible.map((v) => ({
        kind: 'deal',
        locale,
        card: dealCard(session, v, canEditDeal(session.member, v.deal)),
      }));
    }

    case 'pipeline': {
      let ownerId: string | undefined;
      let who: string | null = null;
      let stage: string | undefined;
      for (const word of cmd.args.split(/\s+/).filter(Boolean)) {
        const s = matchStage(session.template, word);
        if (s) {
          stage = s.key;
          continue;
        }
        const m = await findMemberByName(db, session.workspace.id, word.replace(/^<@|>$/g, ''));
        if (m) {
          ownerId = m.id;
          who = m.displayName;
        }
      }
      if (stage) {
        const { items, total } = await openDealsInStage(db, session.workspace, session.member, {
          ownerId,
          stage,
        });
        return [
          {
            kind: 'list',
            locale,
            title: t.pipelineStageTitle(
              session.template.stages.find((s) => s.key === stage)?.name[locale] ?? stage,
            ),
            empty: t.pipelineEmpty,
            items: items.map((i) => ({
              text: i.accountName,
              detail: [
                i.deal.amount !== null && i.deal.currency
                  ? formatMoney(i.deal.amount, i.deal.currency, locale)
                  : '',
                i.ownerName,
              ]
                .filter(Boolean)
                .join(' · '),
            })),
            ...(total > items.length ? { more: total - items.length } : {}),
          },
        ];
      }
      const rows = await openPipelineByStage(db, session.workspace, session.member, { ownerId });
      return [pipelineReply(session, rows, who)];
    }

    case 'followups': {
      const { items, total } = await memberFollowups(
        db,
        session.workspace.id,
        session.member.id,
        addDays(session.today, 7),
      );
      return [followupsReply(session, items, total)];
    }

    case 'undo': {
      // The member's latest change that has not been undone yet.
      const [last] = await db
        .select({ id: dealEvents.id })
        .from(dealEvents)
        .leftJoin(
          undos,
          and(
            eq(undos.revertsEventId, dealEvents.id),
            eq(undos.workspaceId, dealEvents.workspaceId),
          ),
        )
        .where(
          and(
            eq(dealEvents.workspaceId, session.workspace.id),
            eq(dealEvents.actorId, session.member.id),
            sql`${dealEvents.kind} <> 'undo'`,
            sql`${dealEvents.kind} <> 'activity'`,
            isNull(undos.id),
          ),
        )
        .orderBy(desc(dealEvents.createdAt), desc(dealEvents.version))
        .limit(1);
      if (!last) return text(t.nothingToUndo);
      return [await undoReply(deps, session, await undoEvent(db, session, last.id))];
    }

    case 'settings': {
      if (!cmd.args) {
        const lines = describeSettings(session.workspace).map(([k, v]) => `${k}: ${v}`);
        return [
          {
            kind: 'help',
            locale,
            title: t.settingsTitle,
            sections: [
              { heading: '', lines },
              { heading: '', lines: [t.settingsUsage] },
            ],
          },
        ];
      }
      if (!canChangeSettings(session.member)) return text(t.settingsForbidden, true);
      const [key = '', ...rest] = cmd.args.split(/\s+/);
      const r = await updateWorkspaceSetting(
        db,
        session.workspace,
        key.toLowerCase(),
        rest.join(' '),
      );
      if (!r.ok) return text(t.settingsInvalid(r.key, r.hint), true);
      session.workspace = r.workspace;
      return text(t.settingsSaved(r.key, r.value));
    }

    case 'role': {
      if (!canChangeRoles(session.member)) return text(t.roleForbidden, true);
      const m = /^(\S+)\s+(manager|rep|admin|经理|销售|管理员)$/iu.exec(cmd.args);
      if (!m) return text(t.roleUsage, true);
      const who = m[1]!.replace(/^<@!?|>$/g, '');
      const role =
        ({ 经理: 'manager', 销售: 'rep', 管理员: 'admin' } as Record<string, string>)[m[2]!] ??
        m[2]!.toLowerCase();
      const target = await findMemberByName(db, session.workspace.id, who);
      if (!target) return text(t.roleUnknownMember(who), true);
      if (target.role === 'admin' && role !== 'admin') {
        const [{ n } = { n: 0 }] = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(members)
          .where(and(eq(members.workspaceId, session.workspace.id), eq(members.role, 'admin')));
        if (Number(n) <= 1) return text(t.roleLastAdmin, true);
      }
      await setMemberRole(db, session.workspace.id, target.id, role as 'rep' | 'manager' | 'admin');
      return text(t.roleSaved(target.displayName, role));
    }

    case 'watch':
    case 'unwatch': {
      if (!session.channel) return text(t.watchNeedsChannel, true);
      if (!session.member.canWrite) return text(t.readOnly, true);
      if (cmd.name === 'watch') {
        await db
          .insert(watchedChannels)
          .values({
            workspaceId: session.workspace.id,
            channel: session.channel,
            addedBy: session.member.id,
          })
          .onConflictDoNothing();
        return text(t.watchOn);
      }
      await db
        .delete(watchedChannels)
        .where(
          and(
            eq(watchedChannels.workspaceId, session.workspace.id),
            eq(watchedChannels.channel, session.channel),
          ),
        );
      return text(t.watchOff);
    }
  }
}

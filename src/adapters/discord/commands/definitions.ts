/**
 * The `/pipebot` slash command as typed data, registered by
 * `pipebot discord register`. Each subcommand means what the same word means
 * typed in a DM (the assistant's text commands), so Slack, Discord and the
 * console stay one product.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import { SETTING_KEYS } from '../../../pipeline/settings.ts';

export const COMMAND_NAME = 'pipebot';

export const PipebotCommand = {
  name: COMMAND_NAME,
  description: 'Your sales pipeline: deals, follow-ups, settings',
  description_localizations: { 'zh-CN': '销售助手:商机、管道、跟进与设置' },
  type: ApplicationCommandType.ChatInput,
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'help',
      description: 'What pipebot understands and the commands it knows',
      description_localizations: { 'zh-CN': '使用说明' },
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'deal',
      description: 'Show the deal card of an account',
      description_localizations: { 'zh-CN': '查看某个客户的商机' },
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'account',
          description: 'The customer company',
          description_localizations: { 'zh-CN': '客户名称' },
          required: true,
          autocomplete: true,
          max_length: 100,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'pipeline',
      description: 'Open deals by stage, for the team or one rep',
      description_localizations: { 'zh-CN': '按阶段查看销售管道' },
      options: [
        {
          type: ApplicationCommandOptionType.User,
          name: 'rep',
          description: 'Only this rep’s deals',
          description_localizations: { 'zh-CN': '只看这位销售' },
        },
        {
          type: ApplicationCommandOptionType.String,
          name: 'stage',
          description: 'Only this stage (e.g. proposal, negotiation)',
          description_localizations: { 'zh-CN': '只看这个阶段' },
          max_length: 40,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'followups',
      description: 'Your follow-ups due this week',
      description_localizations: { 'zh-CN': '本周到期的跟进' },
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'watch',
      description: 'Read deal updates posted in this channel',
      description_localizations: { 'zh-CN': '关注本频道的更新' },
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'unwatch',
      description: 'Stop reading this channel',
      description_localizations: { 'zh-CN': '取消关注本频道' },
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'settings',
      description: 'Show the workspace settings, or change one (managers)',
      description_localizations: { 'zh-CN': '查看或修改设置(经理)' },
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'key',
          description: 'The setting to change',
          description_localizations: { 'zh-CN': '要修改的设置' },
          choices: SETTING_KEYS.map((k) => ({ name: k, value: k })),
        },
        {
          type: ApplicationCommandOptionType.String,
          name: 'value',
          description: 'The new value',
          description_localizations: { 'zh-CN': '新的值' },
          max_length: 200,
        },
      ],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'role',
      description: 'Make someone a manager, a rep or an admin (admins)',
      description_localizations: { 'zh-CN': '设置成员角色(管理员)' },
      options: [
        {
          type: ApplicationCommandOptionType.User,
          name: 'member',
          description: 'Who',
          description_localizations: { 'zh-CN': '成员' },
          required: true,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: 'role',
          description: 'The new role',
          description_localizations: { 'zh-CN': '新角色' },
          required: true,
          choices: [
            { name: 'manager', value: 'manager', name_localizations: { 'zh-CN': '经理' } },
            { name: 'rep', value: 'rep', name_localizations: { 'zh-CN': '销售' } },
            { name: 'admin', value: 'admin', name_localizations: { 'zh-CN': '管理员' } },
          ],
        },
      ],
    },
  ],
} as const satisfies RESTPostAPIApplicationCommandsJSONBody;

/** Everything `pipebot discord register` puts. */
export const COMMANDS = [
  PipebotCommand,
] as const satisfies RESTPostAPIApplicationCommandsJSONBody[];

export type PipebotSubcommand = (typeof PipebotCommand.options)[number]['name'];

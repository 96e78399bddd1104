/**
 * Gateway events as Discord shapes them: MESSAGE_CREATE from people, and
 * INTERACTION_CREATE for slash commands, autocomplete, buttons, select
 * menus and modal submissions. Each returns what a test needs next.
 */
import { randomBytes } from 'node:crypto';
import {
  type FakeDiscord,
  type FakeGuild,
  type FakeUser,
  type InteractionRecord,
  type Json,
  snowflake,
} from './server.ts';

export interface Where {
  guild?: FakeGuild;
  /** A guild channel id; omitted for a DM. */
  channel?: string;
}

function memberJson(): Json {
  return {
    roles: [],
    joined_at: new Date().toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
    avatar: null,
    premium_since: null,
    pending: false,
    communication_disabled_until: null,
  };
}

function channelOf(fake: FakeDiscord, where: Where, user: FakeUser): string {
  return where.guild ? (where.channel ?? where.guild.channels[0]!.id) : fake.dmChannel(user.id);
}

export function messagePayload(
  fake: FakeDiscord,
  where: Where,
  author: FakeUser,
  content: string,
  extra: { mentionBot?: boolean; replyTo?: Json; webhook?: boolean; id?: string } = {},
): Json {
  const channelId = channelOf(fake, where, author);
  const mentions: Json[] = [];
  if (extra.mentionBot) mentions.push(fake.userJson(fake.bot));
  if (extra.replyTo) mentions.push(extra.replyTo.author);
  return {
    id: extra.id ?? snowflake(),
    channel_id: channelId,
    // The gateway says which kind of channel, so a DM channel never seen before can be made.
    channel_type: where.guild ? 0 : 1,
    ...(where.guild ? { guild_id: where.guild.id, member: memberJson() } : {}),
    author: fake.userJson(author),
    content: extra.mentionBot ? `<@${fake.bot.id}> ${content}` : content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions,
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: extra.replyTo ? 19 : 0,
    flags: 0,
    components: [],
    ...(extra.webhook ? { webhook_id: snowflake() } : {}),
    ...(extra.replyTo
      ? {
          message_reference: {
            type: 0,
            message_id: extra.replyTo.id,
            channel_id: channelId,
            ...(where.guild ? { guild_id: where.guild.id } : {}),
          },
          referenced_message: extra.replyTo,
        }
      : {}),
  };
}

/** A person writes a message; returns the payload dispatched. */
export function say(
  fake: FakeDiscord,
  where: Where,
  author: FakeUser,
  content: string,
  extra: Parameters<typeof messagePayload>[4] = {},
): Json {
  const payload = messagePayload(fake, where, author, content, extra);
  fake.dispatch('MESSAGE_CREATE', payload, where.guild?.id);
  return payload;
}

function interactionBase(
  fake: FakeDiscord,
  where: Where,
  user: FakeUser,
  type: number,
  data: Json,
  extra: { message?: Json; locale?: string; createdAt?: number } = {},
): { payload: Json; record: InteractionRecord } {
  const id = snowflake(extra.createdAt);
  const token = `tok_${randomBytes(12).toString('hex')}`;
  const channelId = extra.message?.channel_id ?? channelOf(fake, where, user);
  const guild = where.guild;
  const payload: Json = {
    id,
    application_id: fake.appId,
    type,
    data,
    token,
    version: 1,
    locale: extra.locale ?? 'en-US',
    app_permissions: '2248473465835073',
    entitlements: [],
    attachment_size_limit: 10_485_760,
    channel_id: channelId,
    ...(guild
      ? {
          guild_id: guild.id,
          guild: { id: guild.id, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          channel: fake.channelJson(channelId, guild.id, 'general'),
          member: {
            ...memberJson(),
            user: fake.userJson(user),
            permissions: '2248473465835073',
          },
          authorizing_integration_owners: { '0': guild.id },
          context: 0,
        }
      : {
          user: fake.userJson(user),
          channel: { id: channelId, type: 1, recipients: [fake.userJson(user)] },
          authorizing_integration_owners: { '0': '0' },
          context: 1,
        }),
    ...(extra.message ? { message: extra.message } : {}),
  };
  const record: InteractionRecord = {
    id,
    token,
    channelId,
    ...(extra.message ? { sourceMessageId: extra.message.id } : {}),
    responses: [],
    followUps: [],
  };
  fake.interactions.set(id, record);
  return { payload, record };
}

export type CommandOption =
  | { name: string; type: 3; value: string; focused?: boolean }
  | { name: string; type: 6; value: string; user: FakeUser };

/** `/pipebot <sub> [options]`. */
export function slash(
  fake: FakeDiscord,
  where: Where,
  user: FakeUser,
  sub: string,
  options: CommandOption[] = [],
  extra: { locale?: string; autocomplete?: boolean; createdAt?: number } = {},
): InteractionRecord {
  const users = options.filter((o): o is Extract<CommandOption, { type: 6 }> => o.type === 6);
  const data: Json = {
    id: snowflake(),
    name: 'pipebot',
    type: 1,
    options: [
      {
        type: 1,
        name: sub,
        options: options.map((o) => ({
          type: o.type,
          name: o.name,
          value: o.value,
          ...('focused' in o && o.focused ? { focused: true } : {}),
        })),
      },
    ],
    ...(users.length
      ? {
          resolved: {
            users: Object.fromEntries(users.map((o) => [o.value, fake.userJson(o.user)])),
          },
        }
      : {}),
  };
  const { payload, record } = interactionBase(
    fake,
    where,
    user,
    extra.autocomplete ? 4 : 2,
    data,
    extra,
  );
  fake.dispatch('INTERACTION_CREATE', payload, where.guild?.id);
  return record;
}

/** Press a button on a message the bot posted. */
export function click(
  fake: FakeDiscord,
  where: Where,
  user: FakeUser,
  message: Json,
  customId: string,
): InteractionRecord {
  const { payload, record } = interactionBase(
    fake,
    where,
    user,
    3,
    { custom_id: customId, component_type: 2 },
    { message },
  );
  fake.dispatch('INTERACTION_CREATE', payload, where.guild?.id);
  return record;
}

/** Choose in a select menu on a message the bot posted. */
export function choose(
  fake: FakeDiscord,
  where: Where,
  user: FakeUser,
  message: Json,
  customId: string,
  values: string[],
): InteractionRecord {
  const { payload, record } = interactionBase(
    fake,
    where,
    user,
    3,
    { custom_id: customId, component_type: 3, values },
    { message },
  );
  fake.dispatch('INTERACTION_CREATE', payload, where.guild?.id);
  return record;
}

/** Submit a modal the bot showed, with label-wrapped components as Discord sends them. */
export function submitModal(
  fake: FakeDiscord,
  where: Where,
  user: FakeUser,
  modal: Json,
  values: Record<string, string>,
  message?: Json,
): InteractionRecord {
  const components = (modal.components as Json[]).map((label) => {
    const c = label.component;
    const value = values[c.custom_id];
    return {
      type: 18,
      id: label.id ?? 0,
      component:
        c.type === 3
          ? {
              type: 3,
              custom_id: c.custom_id,
              values:
                value !== undefined
                  ? [value]
                  : c.options.filter((o: Json) => o.default).map((o: Json) => o.value),
            }
          : { type: 4, custom_id: c.custom_id, value: value ?? c.value ?? '' },
    };
  });
  const { payload, record } = interactionBase(
    fake,
    where,
    user,
    5,
    { custom_id: modal.custom_id, components },
    message ? { message } : {},
  );
  fake.dispatch('INTERACTION_CREATE', payload, where.guild?.id);
  return record;
}

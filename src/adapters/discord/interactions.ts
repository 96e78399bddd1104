/**
 * Interactions: `/pipebot` commands, account autocomplete, buttons (Undo,
 * Edit, Done…), the account picker's select menu and the Edit modal. Each is
 * answered within Discord's three seconds (deferred when the work is slow);
 * the assistant decides what is allowed, whatever a custom id claims.
 */
import {
  type ActionRow as ActionRowClass,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  ComponentType,
  type Interaction,
  type Message,
  type MessageActionRowComponent,
  MessageFlags,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
  type TopLevelComponent,
} from 'discord.js';
import { messages as catalogue } from '../../assistant/i18n/index.ts';
import { parsePayload } from '../../assistant/payloads.ts';
import type { Actor, Reply } from '../../assistant/types.ts';
import type { Locale } from '../../pipeline/stages.ts';
import { ensureMember, ensureWorkspace, findWorkspace } from '../../pipeline/workspaces.ts';
import { accountChoices, commandText, isPublicSubcommand } from './commands/handlers.ts';
import type { DiscordContext } from './context.ts';
import { actorOf, localeOf, workspaceRef } from './identity.ts';
import { safeError } from './logsafe.ts';
import { editModal, editValuesFrom, parseEditModalId } from './modal.ts';
import { personOfInteraction, placeOfInteraction } from './parse.ts';
import { replyOptions } from './payload.ts';
import {
  type ActionRow,
  buttonRows,
  disableButton,
  isChoiceMenu,
  renderReplies,
  renderReply,
} from './render.ts';
import {
  isGoneError,
  postInstead,
  sendResponses,
  tokenExpired,
  updateMessage,
  within,
} from './respond.ts';
import { linkOf } from './sender.ts';
import { strings } from './strings.ts';

type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;
type Answerable = ChatInputCommandInteraction | ComponentInteraction | ModalSubmitInteraction;

const AUTOCOMPLETE_BUDGET_MS = 2_500;

function localeOfInteraction(interaction: Interaction): Locale {
  return localeOf(interaction.locale) ?? 'en';
}

function actorFor(ctx: DiscordContext, interaction: Interaction): Promise<Actor> {
  return actorOf(
    ctx.db,
    personOfInteraction(interaction),
    placeOfInteraction(interaction),
    localeOf(interaction.locale),
  );
}

/** Remember the cards an interaction posted, so that replying to one applies to its deal. */
async function recordCards(
  ctx: DiscordContext,
  interaction: Answerable,
  actor: Actor,
  replies: Reply[],
  posted: (Message | null)[],
): Promise<void> {
  let offset = 0;
  const workspace = await findWorkspace(ctx.db, 'discord', actor.workspace.externalId);
  for (const [i, reply] of replies.entries()) {
    const message = posted[offset];
    offset += renderReply(reply).length;
    if (!workspace || !message || (reply.kind !== 'change' && reply.kind !== 'deal')) continue;
    if (message.flags.has(MessageFlags.Ephemeral)) continue;
    await ctx.outbound.record(
      workspace,
      `interaction:${interaction.id}:${i}`,
      message.channelId,
      message.id,
      linkOf(reply),
    );
  }
}

/** Slash commands become the assistant's text commands. */
async function onCommand(ctx: DiscordContext, interaction: ChatInputCommandInteraction) {
  const sub = interaction.options.getSubcommand(false);
  const ephemeral = !isPublicSubcommand(sub);
  const text = commandText(interaction.options);
  const place = placeOfInteraction(interaction);
  const work = (async () => {
    const actor = await actorFor(ctx, interaction);
    const target = sub === 'role' ? interaction.options.getUser('member') : null;
    if (target && !target.bot && place.guild) {
      // Someone who never wrote to pipebot can still be given a role: create them, after the asker
      // (a new workspace's first member becomes its admin).
      const ws = await ensureWorkspace(
        ctx.db,
        { platform: 'discord', ...actor.workspace },
        ctx.assistant.deps.defaults,
      );
      await ensureMember(ctx.db, ws, actor.sender);
      await ensureMember(ctx.db, ws, {
        externalId: target.id,
        displayName: target.globalName || target.username,
      });
    }
    const replies = await ctx.assistant.runCommand(actor, text);
    if ((sub === 'watch' || sub === 'unwatch') && place.guild && place.channelId)
      ctx.watched.forget(place.guild.id, place.channelId);
    return { actor, replies };
  })();
  const quick = await within(work, ctx.deferAfterMs);
  if (!quick.done) await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const { actor, replies } = quick.done ? quick.value : await work;
  await deliver(ctx, interaction, actor, replies, ephemeral, async () => {
    await sendResponses(interaction, renderReplies(replies), ephemeral);
  });
}

/** Send through the interaction, or as ordinary messages when its token has run out. */
async function deliver(
  ctx: DiscordContext,
  interaction: Answerable,
  actor: Actor,
  replies: Reply[],
  privateToAsker: boolean,
  send: () => Promise<void>,
): Promise<void> {
  if (tokenExpired(ctx, interaction)) {
    await postInstead(ctx, interaction, actor.workspace.externalId, replies, privateToAsker);
    return;
  }
  try {
    await send();
  } catch (err) {
    if (!isGoneError(err)) throw err;
    ctx.logger.info({ interactionId: interaction.id }, 'interaction expired; posting instead');
    await postInstead(ctx, interaction, actor.workspace.externalId, replies, privateToAsker);
  }
}

function messageRows(message: Message): ActionRow[] {
  return message.components
    .filter(
      (c: TopLevelComponent): c is ActionRowClass<MessageActionRowComponent> =>
        c.type === ComponentType.ActionRow,
    )
    .map((row) => row.toJSON() as ActionRow);
}

/** A button or a menu choice: its custom id (or chosen value) is the assistant's payload. */
async function onComponent(ctx: DiscordContext, interaction: ComponentInteraction, raw: string) {
  const payload = parsePayload(raw);
  if (payload?.type === 'edit') {
    // A modal must be the first response, so this one is never deferred.
    const actor = await actorFor(ctx, interaction);
    const result = await ctx.assistant.handleAction(actor, raw);
    if (result.form) await interaction.showModal(editModal(result.form));
    else await sendResponses(interaction, renderReplies(result.replies), true);
    return;
  }
  const work = (async () => {
    const actor = await actorFor(ctx, interaction);
    return { actor, result: await ctx.assistant.handleAction(actor, raw) };
  })();
  const quick = await within(work, ctx.deferAfterMs);
  if (!quick.done) await interaction.deferUpdate();
  const { actor, result } = quick.done ? quick.value : await work;
  const rendered = renderReplies(result.replies);
  await deliver(ctx, interaction, actor, result.replies, !result.changed, async () => {
    if (result.changed && (payload?.type === 'fu_done' || payload?.type === 'fu_snooze')) {
      // A list holds several follow-ups: turn off this one's button, keep the others.
      const components = disableButton(messageRows(interaction.message), interaction.customId);
      if (interaction.deferred) await interaction.editReply({ components });
      else await interaction.update({ components });
      for (const m of rendered) await interaction.followUp(replyOptions(m, true));
    } else if (result.changed) {
      const posted = await updateMessage(interaction, rendered);
      await recordCards(ctx, interaction, actor, result.replies, posted);
    } else {
      await sendResponses(interaction, rendered, true, interaction.deferred);
    }
  });
}

function readField(interaction: ModalSubmitInteraction, customId: string): string | undefined {
  const field = interaction.fields.fields.get(customId);
  if (!field) return undefined;
  if ('values' in field && Array.isArray(field.values)) return String(field.values[0] ?? '');
  if ('value' in field && typeof field.value === 'string') return field.value;
  return undefined;
}

/** The Edit modal: the deal is changed through the same path as any update, or the errors shown. */
async function onModal(ctx: DiscordContext, interaction: ModalSubmitInteraction) {
  const locale = localeOfInteraction(interaction);
  const ids = parseEditModalId(interaction.customId);
  if (!ids) {
    const text = catalogue(locale).badAction;
    await sendResponses(interaction, renderReplies([{ kind: 'text', locale, text }]), true);
    return;
  }
  const values = editValuesFrom((id) => readField(interaction, id));
  const work = (async () => {
    const actor = await actorFor(ctx, interaction);
    return {
      actor,
      result: await ctx.assistant.submitEdit(actor, ids.dealId, ids.version, values),
    };
  })();
  const fromMessage = interaction.isFromMessage();
  const quick = await within(work, ctx.deferAfterMs);
  if (!quick.done) {
    if (fromMessage) await interaction.deferUpdate();
    else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  }
  const { actor, result } = quick.done ? quick.value : await work;
  await deliver(ctx, interaction, actor, result.replies, !result.ok, async () => {
    if (result.ok) {
      const rendered = renderReplies(result.replies);
      const posted = fromMessage
        ? await updateMessage(interaction, rendered)
        : await sendResponses(interaction, rendered, false);
      await recordCards(ctx, interaction, actor, result.replies, posted);
      return;
    }
    const errors = Object.entries(result.errors);
    const afterDeferUpdate = fromMessage && interaction.deferred;
    if (errors.length === 0) {
      await sendResponses(interaction, renderReplies(result.replies), true, afterDeferUpdate);
      return;
    }
    const t = catalogue(locale);
    const s = strings(locale);
    const label = (key: string) =>
      key === 'amount' || key === 'currency'
        ? s.amountLabel
        : ((t.fields as Record<string, string>)[key] ?? key);
    const text = [s.fixFields, ...errors.map(([k, v]) => `• ${label(k)}: ${v}`)].join('\n');
    const [message] = renderReplies([{ kind: 'text', locale, text, tone: 'warning' }]);
    if (!message) return;
    message.components = buttonRows([
      { label: s.editAgain, action: { label: s.editAgain, payload: `edit:${ids.dealId}` } },
    ]);
    await sendResponses(interaction, [message], true, afterDeferUpdate);
  });
}

async function onAutocomplete(ctx: DiscordContext, interaction: AutocompleteInteraction) {
  const focused = interaction.options.getFocused(true);
  let choices: { name: string; value: string }[] = [];
  if (focused.name === 'account') {
    const work = (async () => {
      const ws = await workspaceRef(
        ctx.db,
        personOfInteraction(interaction),
        placeOfInteraction(interaction),
      );
      return accountChoices(ctx.db, ws.externalId, interaction.user.id, String(focused.value));
    })();
    const quick = await within(work, AUTOCOMPLETE_BUDGET_MS);
    if (quick.done) choices = quick.value;
  }
  await interaction.respond(choices);
}

export function createInteractionHandler(ctx: DiscordContext) {
  return async function onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      await onAutocomplete(ctx, interaction);
      return;
    }
    if (!interaction.isRepliable()) return;
    const locale = localeOfInteraction(interaction);
    if (ctx.stopping()) {
      await interaction.reply({ content: strings(locale).stopping, flags: MessageFlags.Ephemeral });
      return;
    }
    try {
      if (interaction.isChatInputCommand()) await onCommand(ctx, interaction);
      else if (interaction.isButton()) await onComponent(ctx, interaction, interaction.customId);
      else if (interaction.isStringSelectMenu() && isChoiceMenu(interaction.customId))
        await onComponent(ctx, interaction, interaction.values[0] ?? '');
      else if (interaction.isModalSubmit()) await onModal(ctx, interaction);
    } catch (err) {
      ctx.logger.error(
        { err: safeError(err), interactionId: interaction.id, guildId: interaction.guildId },
        'handling a Discord interaction failed',
      );
      const content = strings(locale).failed;
      const flags = MessageFlags.Ephemeral;
      const tell =
        interaction.replied || interaction.deferred
          ? interaction.followUp({ content, flags })
          : interaction.reply({ content, flags });
      await tell.catch(() => {});
    }
  };
}

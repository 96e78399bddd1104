/** Rendered messages as the option objects discord.js takes for sends, edits and interaction replies. */
import {
  type AttachmentPayload,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
  type MessageCreateOptions,
  type MessageEditOptions,
  MessageFlags,
} from 'discord.js';
import type { DiscordMessage } from './render.ts';

function files(m: DiscordMessage): AttachmentPayload[] {
  return m.files.map((f) => ({
    attachment: Buffer.from(f.data),
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
  }));
}

export function createOptions(m: DiscordMessage): MessageCreateOptions {
  return {
    ...(m.content ? { content: m.content } : {}),
    embeds: m.embeds,
    components: m.components,
    files: files(m),
  };
}

/** A replacement: whatever the old message showed (text, buttons, images) goes. */
export function editOptions(m: DiscordMessage): MessageEditOptions & InteractionEditReplyOptions {
  return {
    content: m.content ?? '',
    embeds: m.embeds,
    components: m.components,
    files: files(m),
    attachments: [],
  };
}

export function updateOptions(m: DiscordMessage): InteractionUpdateOptions {
  return editOptions(m) as InteractionUpdateOptions;
}

export function replyOptions(m: DiscordMessage, ephemeral: boolean): InteractionReplyOptions {
  return {
    ...(m.content ? { content: m.content } : {}),
    embeds: m.embeds,
    components: m.components,
    files: files(m),
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

/**
 * Buttons and menus (`block_actions`): the payload goes to the core as is.
 * Edit opens a modal built from the core's form; Undo, Done and choices
 * update the message that held the button; anything else is answered in the
 * message's thread (or privately, for refusals).
 */
import { messages } from '../../../assistant/i18n/index.ts';
import { parsePayload } from '../../../assistant/payloads.ts';
import type { Reply } from '../../../assistant/types.ts';
import { linkOf } from '../answer.ts';
import type { SlackDeps } from '../context.ts';
import { channelTypeOf, replyThread } from '../parse/events.ts';
import type { ParsedAction } from '../parse/interactions.ts';
import { markActed } from '../render/acted.ts';
import { editModal } from '../render/modal.ts';
import { escapeMrkdwn } from '../render/text.ts';

function plainText(replies: Reply[]): string {
  return replies
    .map((r) => (r.kind === 'text' ? r.text : r.kind === 'change' ? r.title : ''))
    .filter(Boolean)
    .join(' ');
}

export async function runAction(deps: SlackDeps, action: ParsedAction): Promise<void> {
  const actor = await deps.identity.actor(action.actor);
  const { workspace } = await deps.assistant.identify(actor);
  const result = await deps.assistant.handleAction(actor, action.payload);
  const surface = action.surface;

  if (result.form) {
    await deps.sender.openModal(
      action.triggerId,
      editModal(result.form, {
        d: result.form.dealId,
        v: result.form.version,
        ...(surface.kind === 'message'
          ? { c: surface.channel, t: surface.threadTs ?? surface.messageTs }
          : {}),
      }),
    );
    return;
  }

  if (surface.kind === 'view') {
    // App Home: there is no thread to answer in; changes show in the refreshed tab.
    const visible = result.replies.filter((r) => !(result.changed && r.kind === 'text'));
    if (visible.length)
      await deps.sender.send(
        workspace,
        { kind: 'dm', user: action.actor.user },
        visible,
        `action:${action.clickId}`,
      );
    return;
  }

  const payload = parsePayload(action.payload);
  if (result.changed && action.blockId) {
    const locale = result.replies[0]?.locale ?? 'en';
    const line =
      payload?.type === 'pick'
        ? messages(locale).surface.chosen(action.label)
        : plainText(result.replies);
    const patched = {
      text: escapeMrkdwn(line),
      blocks: markActed(surface.blocks, action.blockId, line),
    };
    if (!surface.ephemeral) {
      await deps.sender.update(surface.channel, surface.messageTs, patched);
    } else if (action.responseUrl && surface.blocks.length) {
      await deps.sender.replaceOriginal(action.responseUrl, patched);
    } else if (action.responseUrl) {
      // Slack did not send the ephemeral message back: say what happened beside it.
      await deps.sender.respond(action.responseUrl, result.replies);
    }
    // A choice continues the message: its cards follow. Undo and Done are said by the update.
    if (payload?.type !== 'pick') return;
  }

  const threadOf = replyThread({
    channelType: channelTypeOf(surface.channel, undefined),
    messageTs: surface.messageTs,
    threadTs: surface.threadTs,
  });
  for (const [n, reply] of result.replies.entries()) {
    // Refusals and warnings concern only the person who clicked.
    const personal =
      reply.kind === 'text' &&
      (reply.ephemeral || reply.tone === 'warning' || reply.tone === 'error');
    if (personal && action.responseUrl) {
      await deps.sender.respond(action.responseUrl, [reply]);
      continue;
    }
    await deps.sender.send(
      workspace,
      { kind: 'channel', channel: surface.channel, ...(threadOf ? { threadOf } : {}) },
      [reply],
      `action:${action.clickId}:${n}`,
      linkOf(reply),
    );
  }
}

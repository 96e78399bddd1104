/**
 * Posting what the assistant said about a stored message: in the thread (in
 * channels) or in place (in a DM), one Slack message per reply, each under
 * the key `inbox:<id>:<n>` so nothing is posted twice for one inbox row — by
 * a retried delivery, a second replica, or recovery after a restart.
 */
import type { Reply } from '../../assistant/types.ts';
import type { Workspace } from '../../db/schema.ts';
import type { SlackDeps } from './context.ts';
import { type AnswerTarget, replyThread } from './parse/events.ts';

/**
 * In a watched channel the bot speaks only when it did something or has to
 * refuse: no greetings, no "I didn't find an update" under every message.
 */
export function quietReplies(replies: Reply[]): Reply[] {
  if (replies.some((r) => r.kind === 'change' || r.kind === 'choice')) return replies;
  return replies.filter((r) => r.kind === 'text' && (r.tone === 'warning' || r.tone === 'error'));
}

/** The deal and event a reply shows, recorded with the post so thread replies find the deal. */
export function linkOf(reply: Reply, inboxId?: string) {
  const base = inboxId ? { inboxId } : {};
  if (reply.kind === 'change') return { ...base, dealId: reply.dealId, eventId: reply.eventId };
  if (reply.kind === 'deal') return { ...base, dealId: reply.card.dealId };
  return base;
}

export async function postReplies(
  deps: SlackDeps,
  workspace: Pick<Workspace, 'id'>,
  target: AnswerTarget,
  replies: Reply[],
  keyPrefix: string,
  inboxId?: string,
): Promise<void> {
  const shown = target.ambient ? quietReplies(replies) : replies;
  const thread = replyThread(target);
  for (const [n, reply] of shown.entries()) {
    if (reply.kind === 'text' && reply.ephemeral && target.channelType !== 'im') {
      await deps.sender.ephemeral(target.channel, target.user, [reply], thread);
      continue;
    }
    await deps.sender.send(
      workspace,
      { kind: 'channel', channel: target.channel, ...(thread ? { threadOf: thread } : {}) },
      [reply],
      `${keyPrefix}:${n}`,
      linkOf(reply, inboxId),
    );
  }
}

/** Process a stored message (after the ack) and post the answer. */
export async function answerInbox(
  deps: SlackDeps,
  target: AnswerTarget,
  inboxId: string,
): Promise<void> {
  const actor = await deps.identity.actor({
    teamId: target.teamId,
    user: target.user,
    channel: target.channel,
    external: target.external,
  });
  const { workspace } = await deps.assistant.identify(actor);
  const result = await deps.assistant.process(inboxId);
  if (!result.claimed) return;
  await postReplies(deps, workspace, target, result.replies, `inbox:${inboxId}`, inboxId);
}

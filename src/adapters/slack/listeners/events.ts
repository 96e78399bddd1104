/**
 * Events API listeners: messages (DMs, watched channels, threads), mentions,
 * edits and the App Home. Each stores what must be stored and returns; the
 * transport then acknowledges and the work continues in the background.
 */

import { answerInbox, postReplies } from '../answer.ts';
import type { SlackDeps } from '../context.ts';
import { parseMessageEvent } from '../parse/events.ts';

/** How long users.info may take before a message is stored and acknowledged anyway. */
const IDENTITY_BEFORE_ACK_MS = 1_200;

/** Messages recently seen as edits (per process): a retried delivery is not re-read. */
const EDITS_SEEN_MAX = 2_000;

export function createEventHandlers(deps: SlackDeps) {
  const editsSeen = new Set<string>();

  async function onMessage(body: unknown, retryNum?: number): Promise<void> {
    const parsed = parseMessageEvent(body, {
      botUserId: deps.botUserId(),
      ...(retryNum !== undefined ? { retryNum } : {}),
    });
    if (parsed.kind === 'ignore') {
      deps.logger.debug({ reason: parsed.reason }, 'ignored a Slack message event');
      return;
    }
    if (parsed.kind === 'edit') {
      const seen = `${parsed.target.channel}:${parsed.target.messageTs}:${parsed.editTs}`;
      if (editsSeen.has(seen)) return;
      editsSeen.add(seen);
      if (editsSeen.size > EDITS_SEEN_MAX) editsSeen.delete(editsSeen.values().next().value ?? '');
      const { target, incoming } = parsed;
      deps.work.run(
        'edit',
        async () => {
          const actor = await deps.identity.actor({ ...target, external: target.external });
          const { workspace } = await deps.assistant.identify(actor);
          const replies = await deps.assistant.handleEdited({ ...incoming, sender: actor.sender });
          await postReplies(deps, workspace, target, replies, `edit:${seen}`);
        },
        { channel: target.channel },
      );
      return;
    }
    const { target, incoming } = parsed;
    if (target.ambient) {
      const where = { platform: 'slack' as const, workspace: incoming.workspace };
      // Unwatched channels: only replies in a thread the bot is part of (it still answers only when useful).
      const read =
        (await deps.assistant.isWatched(where, target.channel)) ||
        (target.threadTs !== null &&
          (await deps.assistant.followsThread(where, target.channel, target.threadTs)));
      if (!read) return;
    }
    // Who they are (cached, or quickly asked) decides from the first message whether they may write.
    incoming.sender = await deps.identity.memberWithin(
      {
        teamId: target.teamId,
        user: target.user,
        channel: target.channel,
        external: target.external,
      },
      IDENTITY_BEFORE_ACK_MS,
    );
    // Stored before the ack: from here on the message cannot be lost.
    const received = await deps.assistant.receive(incoming);
    if (received.duplicate) {
      deps.logger.info(
        { inboxId: received.inboxId, eventId: parsed.eventId, retryNum },
        'repeated Slack delivery; already stored',
      );
      return;
    }
    deps.work.run('message', () => answerInbox(deps, target, received.inboxId), {
      inboxId: received.inboxId,
    });
  }

  async function onHomeOpened(body: unknown): Promise<void> {
    const b = body as { team_id?: string; event?: { user?: string; tab?: string } };
    const user = b.event?.user;
    if (b.event?.tab !== 'home' || !user || !b.team_id) return;
    const teamId = b.team_id;
    deps.work.run('home', () => deps.home.publish(teamId, user), { user });
  }

  return { onMessage, onHomeOpened };
}

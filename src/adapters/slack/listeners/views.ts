/**
 * The Edit modal's submission: validated and written by the core before the
 * ack (field errors go back with `response_action: errors`, a conflict or a
 * refusal replaces the form with a notice); on success the modal closes and
 * the change card is posted where the edited card was.
 */

import { linkOf } from '../answer.ts';
import type { SlackDeps } from '../context.ts';
import type { ParsedSubmission } from '../parse/interactions.ts';
import { modalErrors, noticeModal, readEditValues } from '../render/modal.ts';

export type ViewAck =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'update'; view: unknown }
  | undefined;

/** Runs before the ack (a database write, well within Slack's three seconds). */
export async function submitEditView(
  deps: SlackDeps,
  submission: ParsedSubmission,
): Promise<ViewAck> {
  // Only cached identity here: there is no time for users.info before the answer.
  const actor = deps.identity.quickActor(submission.actor);
  const result = await deps.assistant.submitEdit(
    actor,
    submission.meta.d,
    submission.meta.v,
    readEditValues(submission.state),
  );
  if (!result.ok) {
    const errors = modalErrors(result.errors);
    if (Object.keys(errors).length) return { response_action: 'errors', errors };
    return {
      response_action: 'update',
      view: noticeModal(result.replies, result.replies[0]?.locale ?? 'en'),
    };
  }
  const { c: channel, t: thread } = submission.meta;
  deps.work.run('edit card', async () => {
    const { workspace } = await deps.assistant.identify(actor);
    const to = channel
      ? { kind: 'channel' as const, channel, ...(thread ? { threadOf: thread } : {}) }
      : { kind: 'dm' as const, user: submission.actor.user };
    for (const [n, reply] of result.replies.entries()) {
      await deps.sender.send(
        workspace,
        to,
        [reply],
        `view:${submission.viewId}:${n}`,
        linkOf(reply),
      );
    }
  });
  return undefined;
}

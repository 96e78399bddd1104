/** Registers the listeners with Bolt, one kind per file (events, commands, actions, views). */
import type { App as BoltApp } from '@slack/bolt';
import type { SlackDeps } from '../context.ts';
import { parseBlockAction, parseSlashCommand, parseViewSubmission } from '../parse/interactions.ts';
import { ACTION_PREFIX } from '../render/blocks.ts';
import { EDIT_CALLBACK_ID } from '../render/modal.ts';
import { runAction } from './actions.ts';
import { runSlashCommand } from './commands.ts';
import { createEventHandlers } from './events.ts';
import { submitEditView } from './views.ts';

export const SLASH_COMMAND = '/pipebot';

export function registerListeners(app: BoltApp, deps: SlackDeps): void {
  const events = createEventHandlers(deps);

  app.event('message', async ({ body, context }) => {
    await events.onMessage(body, context.retryNum);
  });
  app.event('app_mention', async ({ body, context }) => {
    await events.onMessage(body, context.retryNum);
  });
  app.event('app_home_opened', async ({ body }) => {
    await events.onHomeOpened(body);
  });

  app.command(SLASH_COMMAND, async ({ body, ack }) => {
    await ack();
    const command = parseSlashCommand(body);
    if (!command) {
      deps.logger.warn('ignored a malformed slash command');
      return;
    }
    deps.work.run('command', () => runSlashCommand(deps, command), { name: command.name });
  });

  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ body, ack }) => {
    await ack();
    const action = parseBlockAction(body);
    if (!action) {
      deps.logger.warn('ignored a malformed block action');
      return;
    }
    deps.work.run('action', () => runAction(deps, action), { clickId: action.clickId });
  });

  app.view(EDIT_CALLBACK_ID, async ({ body, ack }) => {
    const submission = parseViewSubmission(body);
    if (!submission) {
      await ack();
      return;
    }
    // Bolt types the response as void-intersected; the shapes are Slack’s documented ones.
    await ack((await submitEditView(deps, submission)) as never);
  });
}

/**
 * `/pipebot <sub>`: acknowledged at once, run by the core after the ack, and
 * answered through the command's response_url — privately, except `watch`
 * and `unwatch`, which the channel should see. Anything the core does not
 * know is answered with help, privately.
 */
import type { Reply } from '../../../assistant/types.ts';
import type { SlackDeps } from '../context.ts';
import type { ParsedCommand } from '../parse/interactions.ts';

const ANNOUNCED = new Set(['watch', 'unwatch']);

export async function runSlashCommand(deps: SlackDeps, command: ParsedCommand): Promise<void> {
  const actor = await deps.identity.actor(command.actor);
  if (command.teamName) actor.workspace.name = command.teamName;
  let replies: Reply[] = await deps.assistant.runCommand(actor, command.text);
  if (command.name === null) {
    replies = replies.map((r) => (r.kind === 'text' ? { ...r, ephemeral: true } : r));
  }
  const refused = replies.some((r) => r.kind === 'text' && r.ephemeral);
  const inChannel = command.name !== null && ANNOUNCED.has(command.name) && !refused;
  await deps.sender.respond(command.responseUrl, replies, { inChannel });
}

/** The console's outbound: prints what would be posted, once per key like the chat platforms. */
import type { Destination, Outbound, SendResult } from '../../assistant/outbound.ts';
import type { Reply } from '../../assistant/types.ts';
import type { Db } from '../../db/connect.ts';
import type { Workspace } from '../../db/schema.ts';
import { claimOutbound, findOutbound, markOutboundSent } from '../../pipeline/outbound.ts';
import { renderReply } from './render.ts';

export function createConsoleOutbound(
  db: Db,
  output: NodeJS.WritableStream,
  now: () => Date = () => new Date(),
): Outbound {
  let counter = 0;
  return {
    platform: 'console',
    async send(
      workspace: Workspace,
      to: Destination,
      replies: Reply[],
      key: string,
      link,
    ): Promise<SendResult> {
      const channel = to.kind === 'dm' ? `dm:${to.user}` : to.channel;
      const claim = await claimOutbound(
        db,
        {
          workspaceId: workspace.id,
          key,
          platform: 'console',
          channel,
          inboxId: link?.inboxId,
          dealId: link?.dealId,
          eventId: link?.eventId,
        },
        now(),
      );
      if (!claim) {
        const prior = await findOutbound(db, key);
        return {
          status: 'duplicate',
          channel: prior?.channel ?? null,
          messageId: prior?.messageId ?? null,
        };
      }
      const heading = to.kind === 'dm' ? `→ ${to.user}` : `→ #${to.channel}`;
      output.write(`${heading}\n${replies.map((r) => renderReply(r)).join('\n')}\n`);
      const messageId = `console-${Date.now().toString(36)}-${++counter}`;
      await markOutboundSent(db, claim.id, messageId, channel, now());
      return { status: 'sent', channel, messageId };
    },
    async edit(_workspace, channel, messageId, replies) {
      output.write(`↻ ${channel}/${messageId}\n${replies.map((r) => renderReply(r)).join('\n')}\n`);
    },
  };
}

/** An Outbound for tests: idempotent by key through the real `outbound` table, recording what it posts. */
import type { Destination, Outbound, SendResult } from '../../src/assistant/outbound.ts';
import type { Reply } from '../../src/assistant/types.ts';
import type { Db } from '../../src/db/connect.ts';
import type { Platform, Workspace } from '../../src/db/schema.ts';
import { claimOutbound, findOutbound, markOutboundSent } from '../../src/pipeline/outbound.ts';

export interface Post {
  key: string;
  workspaceId: string;
  to: Destination;
  channel: string;
  messageId: string;
  replies: Reply[];
  at: Date;
}

export interface RecordingOutbound extends Outbound {
  posts: Post[];
  edits: { channel: string; messageId: string; replies: Reply[] }[];
}

let counter = 0;

/**
 * `posts` may be shared by several outbounds (one per racing scheduler, each
 * with its own connection). `afterPost` runs after the post is recorded and
 * before the send returns: a test can throw there to play a crash.
 */
export function recordingOutbound(
  db: Db,
  options: {
    platform?: Platform;
    posts?: Post[];
    now?: () => Date;
    afterPost?: (post: Post) => void;
  } = {},
): RecordingOutbound {
  const posts = options.posts ?? [];
  const now = options.now ?? (() => new Date());
  const edits: RecordingOutbound['edits'] = [];
  return {
    platform: options.platform ?? 'console',
    posts,
    edits,
    async send(
      workspace: Workspace,
      to: Destination,
      replies: Reply[],
      key: string,
    ): Promise<SendResult> {
      const channel = to.kind === 'dm' ? `D-${to.user}` : to.channel;
      const claim = await claimOutbound(
        db,
        { workspaceId: workspace.id, key, platform: this.platform, channel },
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
      const post: Post = {
        key,
        workspaceId: workspace.id,
        to,
        channel,
        messageId: `m${++counter}`,
        replies,
        at: now(),
      };
      posts.push(post);
      await markOutboundSent(db, claim.id, post.messageId, channel, now());
      options.afterPost?.(post);
      return { status: 'sent', channel, messageId: post.messageId };
    },
    async edit(_workspace, channel, messageId, replies) {
      edits.push({ channel, messageId, replies });
    },
  };
}

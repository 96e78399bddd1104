/**
 * The one way pipebot posts to Slack. Implements the neutral `Outbound`:
 * every post is claimed under a key in the `outbound` table first and marked
 * with Slack's `ts` after, so a retried delivery, a recovered message or a
 * second replica never posts the same reply twice. Posts are paced per
 * channel (about one a second), a 429 is waited out for its Retry-After,
 * transient failures are retried a bounded number of times — and after a
 * failure that may have posted anyway (a timeout), the channel is searched
 * for the post (its key rides along as message metadata) before trying again.
 */
import type { Destination, Outbound, SendResult } from '../../assistant/outbound.ts';
import type { Reply } from '../../assistant/types.ts';
import type { Db } from '../../db/connect.ts';
import type { Workspace } from '../../db/schema.ts';
import type { Logger } from '../../log.ts';
import {
  claimOutbound,
  findOutbound,
  markOutboundFailed,
  markOutboundSent,
} from '../../pipeline/outbound.ts';
import type { SlackClients } from './client.ts';
import { classifyFailure } from './failures.ts';
import type { ChannelPacer } from './pacer.ts';
import { type Block, type Rendered, renderReplies } from './render/blocks.ts';

/** Message metadata event type carrying a post's key. */
export const POST_EVENT_TYPE = 'pipebot_post';

export interface SenderOptions {
  db: Db;
  clients: SlackClients;
  pacer: ChannelPacer;
  logger: Logger;
  now?: () => Date;
  /** Attempts per post, counting the first (default 5). */
  maxAttempts?: number;
  /** First backoff after a transient failure, doubled each time (default 1 s). */
  backoffMs?: number;
  responseTimeoutMs?: number;
}

export class SlackSender implements Outbound {
  readonly platform = 'slack' as const;
  private readonly dms = new Map<string, string>();
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;

  constructor(private readonly o: SenderOptions) {
    this.now = o.now ?? (() => new Date());
    this.maxAttempts = o.maxAttempts ?? 5;
    this.backoffMs = o.backoffMs ?? 1_000;
  }

  async send(
    workspace: Pick<Workspace, 'id'>,
    to: Destination,
    replies: Reply[],
    key: string,
    link?: { dealId?: string; inboxId?: string; eventId?: string },
  ): Promise<SendResult> {
    const channel = to.kind === 'dm' ? await this.dmChannel(to.user) : to.channel;
    const threadTs = to.kind === 'channel' ? to.threadOf : undefined;
    const claim = await claimOutbound(
      this.o.db,
      {
        workspaceId: workspace.id,
        key,
        platform: 'slack',
        channel,
        inboxId: link?.inboxId ?? null,
        dealId: link?.dealId ?? null,
        eventId: link?.eventId ?? null,
      },
      this.now(),
    );
    if (!claim) {
      const prior = await findOutbound(this.o.db, key);
      return {
        status: 'duplicate',
        channel: prior?.channel ?? null,
        messageId: prior?.messageId ?? null,
      };
    }
    try {
      // A claim left by a sender that died: it may have posted before dying.
      if (claim.retaken) {
        const posted = await this.findPosted(
          channel,
          threadTs,
          key,
          new Date(claim.createdAt.getTime() - 10 * 60_000),
        );
        if (posted) {
          await markOutboundSent(this.o.db, claim.id, posted, channel, this.now());
          return { status: 'sent', channel, messageId: posted };
        }
      }
      const messageId = await this.postAll(channel, threadTs, replies, key);
      await markOutboundSent(this.o.db, claim.id, messageId, channel, this.now());
      return { status: 'sent', channel, messageId };
    } catch (err) {
      await markOutboundFailed(this.o.db, claim.id).catch((e) =>
        this.o.logger.error({ err: e, key }, 'could not mark a post failed'),
      );
      throw err;
    }
  }

  async edit(
    _workspace: Pick<Workspace, 'id'>,
    channel: string,
    messageId: string,
    replies: Reply[],
  ): Promise<void> {
    await this.update(channel, messageId, renderReplies(replies));
  }

  /** Replace a message's content (chat.update is idempotent, so the retrying client is used). */
  async update(
    channel: string,
    ts: string,
    message: Rendered | { text: string; blocks: unknown[] },
  ) {
    await this.o.pacer.run(channel, async (turn) => {
      await turn();
      await this.o.clients.web.chat.update({
        channel,
        ts,
        text: message.text,
        blocks: message.blocks as Block[],
        // chat.update parses as a client would unless told otherwise.
        parse: 'none',
      });
    });
  }

  /** A reply only the user sees (warnings, refusals); never doubled, so not retried when ambiguous. */
  async ephemeral(channel: string, user: string, replies: Reply[], threadTs?: string) {
    const msg = renderReplies(replies);
    await this.o.pacer.run(channel, (turn) =>
      this.attempt(channel, turn, async () => {
        await this.o.clients.post.chat.postEphemeral({
          channel,
          user,
          text: msg.text,
          blocks: msg.blocks,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        return '';
      }),
    );
  }

  /** Answer a slash command or a button through its response_url. */
  async respond(responseUrl: string, replies: Reply[], options: { inChannel?: boolean } = {}) {
    const msg = renderReplies(replies);
    await this.postResponse(responseUrl, {
      response_type: options.inChannel ? 'in_channel' : 'ephemeral',
      replace_original: false,
      text: msg.text,
      blocks: msg.blocks,
    });
  }

  /** Replace the message a response_url belongs to (an ephemeral message cannot be chat.update'd). */
  async replaceOriginal(responseUrl: string, message: { text: string; blocks: unknown[] }) {
    await this.postResponse(responseUrl, { replace_original: true, ...message });
  }

  private async postResponse(responseUrl: string, payload: Record<string, unknown>) {
    const body = JSON.stringify(payload);
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.o.responseTimeoutMs ?? 10_000),
      });
      if (res.ok) return;
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= 3) throw new Error(`response_url answered ${res.status}`);
      const after = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : this.backoffMs * attempt);
    }
  }

  async openModal(triggerId: string, view: unknown): Promise<void> {
    // A trigger is good for three seconds: one attempt, no waiting in line.
    await this.o.clients.post.views.open({ trigger_id: triggerId, view: view as never });
  }

  async publishHome(user: string, view: unknown): Promise<void> {
    await this.o.clients.web.views.publish({ user_id: user, view: view as never });
  }

  private async dmChannel(user: string): Promise<string> {
    const known = this.dms.get(user);
    if (known) return known;
    const res = await this.o.clients.web.conversations.open({ users: user });
    const id = res.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    this.dms.set(user, id);
    return id;
  }

  /** Post the replies as one message, and attach each image as a file. Returns the first post's id. */
  private async postAll(
    channel: string,
    threadTs: string | undefined,
    replies: Reply[],
    key: string,
  ): Promise<string> {
    const images = replies.filter(
      (r): r is Extract<Reply, { kind: 'image' }> => r.kind === 'image',
    );
    const rest = replies.filter((r) => r.kind !== 'image');
    let first: string | null = null;
    if (rest.length) first = await this.postMessage(channel, threadTs, renderReplies(rest), key);
    for (const image of images) {
      const id = await this.upload(channel, threadTs, image);
      first ??= id;
    }
    return first ?? '';
  }

  private async postMessage(
    channel: string,
    threadTs: string | undefined,
    msg: Rendered,
    key: string,
  ): Promise<string> {
    const started = this.now();
    let blocks: Block[] | undefined = msg.blocks;
    return this.o.pacer.run(channel, (turn) =>
      this.attempt(
        channel,
        turn,
        async () => {
          try {
            const res = await this.o.clients.post.chat.postMessage({
              channel,
              text: msg.text,
              ...(blocks ? { blocks } : {}),
              ...(threadTs ? { thread_ts: threadTs } : {}),
              unfurl_links: false,
              unfurl_media: false,
              metadata: { event_type: POST_EVENT_TYPE, event_payload: { key } },
            });
            if (!res.ts) throw new Error('chat.postMessage returned no ts');
            return res.ts;
          } catch (err) {
            const f = classifyFailure(err);
            // Blocks Slack refuses should not cost the answer: the escaped text alone still says it.
            if (f.kind === 'fatal' && /^invalid_blocks/.test(f.error) && blocks) {
              this.o.logger.error({ err, key }, 'Slack refused the blocks; posting text only');
              blocks = undefined;
              return this.o.clients.post.chat
                .postMessage({
                  channel,
                  text: msg.text,
                  ...(threadTs ? { thread_ts: threadTs } : {}),
                  unfurl_links: false,
                  unfurl_media: false,
                  metadata: { event_type: POST_EVENT_TYPE, event_payload: { key } },
                })
                .then((r) => r.ts ?? '');
            }
            throw err;
          }
        },
        () => this.findPosted(channel, threadTs, key, started),
      ),
    );
  }

  private async upload(
    channel: string,
    threadTs: string | undefined,
    image: Extract<Reply, { kind: 'image' }>,
  ): Promise<string> {
    return this.o.pacer.run(channel, (turn) =>
      this.attempt(channel, turn, async () => {
        const file = {
          file: Buffer.from(image.png),
          filename: 'chart.png',
          title: image.title.slice(0, 250),
          alt_text: image.alt.slice(0, 1000),
        };
        const res = (await (threadTs
          ? this.o.clients.post.filesUploadV2({ ...file, channel_id: channel, thread_ts: threadTs })
          : this.o.clients.post.filesUploadV2({ ...file, channel_id: channel }))) as {
          files?: { files?: { id?: string }[] }[];
        };
        const id = res.files?.[0]?.files?.[0]?.id;
        return id ? `file:${id}` : 'file';
      }),
    );
  }

  /**
   * Run one Slack call with the retry policy: wait for the channel's turn,
   * honour Retry-After, back off after transient failures, and — when a
   * failure may have posted anyway — ask `alreadyPosted` before trying again.
   */
  private async attempt(
    channel: string,
    turn: () => Promise<void>,
    call: () => Promise<string>,
    alreadyPosted?: () => Promise<string | null>,
  ): Promise<string> {
    let ambiguous = false;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await turn();
      if (ambiguous) {
        if (!alreadyPosted) break;
        try {
          const found = await alreadyPosted();
          if (found) return found;
          ambiguous = false;
        } catch (err) {
          // Unknown whether it was posted: do not risk a second copy; look again next turn.
          lastError = err;
          this.o.pacer.pause(channel, this.backoffMs * 2 ** (attempt - 1));
          continue;
        }
      }
      try {
        return await call();
      } catch (err) {
        lastError = err;
        const f = classifyFailure(err);
        if (f.kind === 'fatal') throw err;
        if (f.kind === 'rate_limited') {
          this.o.logger.warn(
            { channel, retryAfterMs: f.retryAfterMs },
            'Slack rate limit: waiting',
          );
          this.o.pacer.pause(channel, f.retryAfterMs);
        } else {
          ambiguous = f.ambiguous;
          this.o.pacer.pause(channel, this.backoffMs * 2 ** (attempt - 1));
        }
      }
    }
    throw lastError ?? new Error('posting gave up');
  }

  /** A post carrying `key` in its metadata, posted since `since`; its ts, or null. */
  private async findPosted(
    channel: string,
    threadTs: string | undefined,
    key: string,
    since: Date,
  ): Promise<string | null> {
    const oldest = String(Math.floor(since.getTime() / 1000) - 60);
    const res = threadTs
      ? await this.o.clients.web.conversations.replies({
          channel,
          ts: threadTs,
          oldest,
          include_all_metadata: true,
          limit: 100,
        })
      : await this.o.clients.web.conversations.history({
          channel,
          oldest,
          include_all_metadata: true,
          limit: 100,
        });
    const hit = (res.messages ?? []).find(
      (m) =>
        (m.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined)
          ?.event_type === POST_EVENT_TYPE &&
        (m.metadata as { event_payload?: { key?: unknown } }).event_payload?.key === key,
    );
    return hit?.ts ?? null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

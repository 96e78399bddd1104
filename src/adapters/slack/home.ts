/**
 * The App Home tab: the member's open deals by stage, their follow-ups due
 * and, for managers, the team's totals. Published when the tab is opened and
 * again shortly after the member's data changes (debounced, so a burst of
 * updates costs one views.publish).
 */
import type { types as slack } from '@slack/bolt';
import type { Assistant } from '../../assistant/assistant.ts';
import type { Logger } from '../../log.ts';
import type { IdentityCache } from './identity.ts';
import { renderReplies } from './render/blocks.ts';
import { LIMITS } from './render/text.ts';
import type { SlackSender } from './sender.ts';
import type { WorkTracker } from './work.ts';

export interface HomeOptions {
  assistant: Assistant;
  identity: IdentityCache;
  sender: SlackSender;
  work: WorkTracker;
  logger: Logger;
  debounceMs?: number;
}

export class HomePublisher {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: HomeOptions) {}

  async publish(teamId: string, user: string): Promise<void> {
    const actor = await this.o.identity.actor({ teamId, user, external: false });
    const replies = await this.o.assistant.home(actor);
    const view: slack.HomeView = {
      type: 'home',
      blocks: renderReplies(replies, LIMITS.surfaceBlocks).blocks,
    };
    await this.o.sender.publishHome(user, view);
  }

  /** Publish again soon (after an update, an undo, a done follow-up). */
  refreshSoon(teamId: string, user: string): void {
    const key = `${teamId}:${user}`;
    if (this.pending.has(key)) return;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.o.work.run('home refresh', () => this.publish(teamId, user), { teamId, user });
    }, this.o.debounceMs ?? 1_500);
    timer.unref();
    this.pending.set(key, timer);
  }

  /** Refreshes waiting for their debounce. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Publish the refreshes that are waiting now (at shutdown) instead of dropping them. */
  flush(): void {
    for (const [key, timer] of this.pending) {
      clearTimeout(timer);
      const [teamId = '', user = ''] = key.split(':');
      this.o.work.run('home refresh', () => this.publish(teamId, user), { teamId, user });
    }
    this.pending.clear();
  }
}

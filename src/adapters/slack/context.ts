/** What the Slack listeners work with, built once by the service. */
import type { Assistant } from '../../assistant/assistant.ts';
import type { Logger } from '../../log.ts';
import type { HomePublisher } from './home.ts';
import type { IdentityCache } from './identity.ts';
import type { SlackSender } from './sender.ts';
import type { WorkTracker } from './work.ts';

export interface SlackDeps {
  assistant: Assistant;
  sender: SlackSender;
  identity: IdentityCache;
  work: WorkTracker;
  home: HomePublisher;
  logger: Logger;
  /** The bot's own user id (from auth.test): its mentions are stripped, its messages ignored. */
  botUserId(): string | undefined;
}

/** Everything a reply needs to know about who is talking, resolved once per message or action. */
import type { Db } from '../db/connect.ts';
import type { Member, Workspace } from '../db/schema.ts';
import { toLocalDate } from '../lib/time.ts';
import type { Logger } from '../log.ts';
import type { Locale, StageTemplate } from '../pipeline/stages.ts';
import {
  ensureMember,
  ensureWorkspace,
  memberTimezone,
  templateOf,
  type WorkspaceDefaults,
} from '../pipeline/workspaces.ts';
import type { Extractor } from '../understand/extraction.ts';
import type { HintCache } from './hintCache.ts';
import { type Messages, messages, pickLocale } from './i18n/index.ts';
import type { Actor, Reply, Tone } from './types.ts';

/** Answers pipeline questions; the questions issue plugs its router and LLM in here. */
export interface QuestionAnswerer {
  answer(question: string, session: Session): Promise<Reply[]>;
  /** Whether the text reads as a question it can answer, for messages without a question mark. */
  recognizes?(text: string, session: Session): Promise<boolean>;
}

export interface AssistantDeps {
  db: Db;
  extractor: Extractor;
  answerer?: QuestionAnswerer;
  defaults: WorkspaceDefaults;
  logger: Logger;
  /** The clock; tests and `--now` pass their own. */
  now?: () => Date;
  /** Called after a member's data changed (e.g. to refresh a Slack App Home). */
  onChange?: (session: Session) => void;
  /** Minutes during which an edited message is re-read (default 10). */
  editWindowMinutes?: number;
  /** Extraction hints (known account names, members' open deals) kept between messages; tests pass one with their own clock. */
  hintCache?: HintCache;
}

export interface Session {
  workspace: Workspace;
  member: Member;
  locale: Locale;
  t: Messages;
  template: StageTemplate;
  timezone: string;
  now: Date;
  /** Today in the member's timezone. */
  today: string;
  channel?: string;
  /** The message a button was on (see Actor.messageId). */
  messageId?: string;
  platform: Workspace['platform'];
}

export function sessionFor(
  workspace: Workspace,
  member: Member,
  now: Date,
  text: string | null,
): Session {
  const locale = pickLocale(member.locale, text, workspace.locale);
  const timezone = memberTimezone(member, workspace);
  return {
    workspace,
    member,
    locale,
    t: messages(locale),
    template: templateOf(workspace),
    timezone,
    now,
    today: toLocalDate(now, timezone),
    platform: workspace.platform,
  };
}

export async function resolveActor(
  deps: AssistantDeps,
  actor: Actor,
  text: string | null,
): Promise<Session> {
  const now = deps.now?.() ?? new Date();
  const workspace = await ensureWorkspace(
    deps.db,
    { platform: actor.platform, ...actor.workspace },
    deps.defaults,
  );
  const member = await ensureMember(deps.db, workspace, actor.sender);
  const session = sessionFor(workspace, member, now, text);
  if (actor.channel) session.channel = actor.channel;
  if (actor.messageId) session.messageId = actor.messageId;
  return session;
}

export function textReply(session: Session, text: string, tone?: Tone, ephemeral?: boolean): Reply {
  const r: Reply = { kind: 'text', locale: session.locale, text };
  if (tone) r.tone = tone;
  if (ephemeral) r.ephemeral = true;
  return r;
}

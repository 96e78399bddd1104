/**
 * Slash commands, button presses and modal submissions → who is acting,
 * what they asked for, and where the answer goes. Validated with zod.
 */
import { z } from 'zod';
import { type CommandName, parseCommand } from '../../../assistant/commands.ts';
import { type ModalMeta, ModalMetaSchema } from '../render/modal.ts';
import { slackToPlain } from './text.ts';

const ID = z.string().regex(/^[A-Z0-9]{2,40}$/);
const TS = z.string().regex(/^\d{1,12}\.\d{1,9}$/);
const HttpUrl = z
  .string()
  .max(2000)
  .refine((s) => /^https?:\/\//.test(s), 'must be an http(s) URL');

/** Someone acting in a workspace (the neutral `Actor` is built from this and users.info). */
export interface SlackActor {
  teamId: string;
  user: string;
  channel?: string;
  /** Proven by the payload to be from another organisation. */
  external: boolean;
}

// ── slash commands ───────────────────────────────────────────────────────────

const CommandSchema = z.looseObject({
  command: z.string().max(100),
  text: z.string().max(4000).default(''),
  team_id: ID,
  team_domain: z.string().optional(),
  user_id: ID,
  channel_id: ID,
  response_url: HttpUrl,
  trigger_id: z.string().optional(),
});

export interface ParsedCommand {
  actor: SlackActor;
  /** The core's command name, or null for anything it does not know (answered with help). */
  name: CommandName | null;
  /** The text for `assistant.runCommand`, with Slack markup turned into ids. */
  text: string;
  responseUrl: string;
  teamName?: string;
}

export function parseSlashCommand(body: unknown): ParsedCommand | null {
  const parsed = CommandSchema.safeParse(body);
  if (!parsed.success) return null;
  const c = parsed.data;
  const text = slackToPlain(c.text, { mode: 'command' });
  const command = parseCommand(text);
  return {
    actor: { teamId: c.team_id, user: c.user_id, channel: c.channel_id, external: false },
    name: command?.name ?? null,
    text: command ? text : 'help',
    responseUrl: c.response_url,
    ...(c.team_domain ? { teamName: c.team_domain } : {}),
  };
}

// ── block_actions ─────────────────────────────────────────────────────────────

const ActionSchema = z.looseObject({
  action_id: z.string().max(255),
  block_id: z.string().max(255).optional(),
  type: z.string(),
  value: z.string().max(2000).optional(),
  text: z.looseObject({ text: z.string() }).optional(),
  selected_option: z
    .looseObject({ value: z.string().max(150), text: z.looseObject({ text: z.string() }) })
    .nullish(),
  action_ts: z.string().max(40).optional(),
});

const BlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  team: z.looseObject({ id: ID }).nullish(),
  user: z.looseObject({ id: ID, team_id: z.string().optional() }),
  trigger_id: z.string().max(200),
  response_url: HttpUrl.optional(),
  container: z.looseObject({
    type: z.string(),
    message_ts: TS.optional(),
    thread_ts: TS.optional(),
    channel_id: ID.optional(),
    is_ephemeral: z.boolean().optional(),
    view_id: z.string().optional(),
  }),
  channel: z.looseObject({ id: ID }).nullish(),
  message: z
    .looseObject({
      ts: TS,
      thread_ts: TS.optional(),
      blocks: z.array(z.unknown()).max(100).optional(),
    })
    .optional(),
  view: z.looseObject({ id: z.string(), type: z.string() }).optional(),
  actions: z.array(ActionSchema).min(1),
});

export type ActionSurface =
  | {
      kind: 'message';
      channel: string;
      messageTs: string;
      /** The thread the message is in (or the message itself, for replies to it). */
      threadTs: string | null;
      blocks: unknown[];
      ephemeral: boolean;
    }
  | { kind: 'view'; viewType: string };

export interface ParsedAction {
  actor: SlackActor;
  /** The neutral payload (`undo:…`, `pick:…`): handed to `assistant.handleAction` unchanged. */
  payload: string;
  /** What the user clicked, as shown (a choice's label). */
  label: string;
  blockId: string | null;
  triggerId: string;
  responseUrl: string | null;
  surface: ActionSurface;
  /** Unique per click: keys the posts this click causes. */
  clickId: string;
}

export function parseBlockAction(body: unknown): ParsedAction | null {
  const parsed = BlockActionsSchema.safeParse(body);
  if (!parsed.success) return null;
  const b = parsed.data;
  const a = b.actions[0]!;
  const payload = a.selected_option?.value ?? a.value;
  const teamId = b.team?.id ?? b.user.team_id;
  if (!payload || !teamId) return null;
  const channel = b.container.channel_id ?? b.channel?.id;
  const messageTs = b.container.message_ts ?? b.message?.ts;
  let surface: ActionSurface;
  if (b.container.type === 'view' || b.view) {
    surface = { kind: 'view', viewType: b.view?.type ?? 'home' };
  } else if (channel && messageTs) {
    surface = {
      kind: 'message',
      channel,
      messageTs,
      threadTs: b.message?.thread_ts ?? b.container.thread_ts ?? null,
      blocks: b.message?.blocks ?? [],
      ephemeral: b.container.is_ephemeral ?? false,
    };
  } else {
    return null;
  }
  return {
    actor: {
      teamId,
      user: b.user.id,
      ...(channel ? { channel } : {}),
      external: Boolean(b.user.team_id && b.user.team_id !== teamId),
    },
    payload,
    label: a.selected_option?.text.text ?? a.text?.text ?? '',
    blockId: a.block_id ?? null,
    triggerId: b.trigger_id,
    responseUrl: b.response_url ?? null,
    surface,
    clickId: `${surface.kind === 'message' ? surface.messageTs : 'view'}:${a.action_ts ?? b.trigger_id}`,
  };
}

// ── view_submission ───────────────────────────────────────────────────────────

const ViewSubmissionSchema = z.looseObject({
  type: z.literal('view_submission'),
  team: z.looseObject({ id: ID }).nullish(),
  user: z.looseObject({ id: ID, team_id: z.string().optional() }),
  view: z.looseObject({
    id: z.string().max(100),
    callback_id: z.string(),
    private_metadata: z.string().max(3000).default(''),
    state: z.looseObject({ values: z.unknown() }),
  }),
});

export interface ParsedSubmission {
  actor: SlackActor;
  viewId: string;
  meta: ModalMeta;
  state: unknown;
}

export function parseViewSubmission(body: unknown): ParsedSubmission | null {
  const parsed = ViewSubmissionSchema.safeParse(body);
  if (!parsed.success) return null;
  const b = parsed.data;
  const teamId = b.team?.id ?? b.user.team_id;
  if (!teamId) return null;
  let meta: ModalMeta;
  try {
    const m = ModalMetaSchema.safeParse(JSON.parse(b.view.private_metadata));
    if (!m.success) return null;
    meta = m.data;
  } catch {
    return null;
  }
  return {
    actor: {
      teamId,
      user: b.user.id,
      ...(meta.c ? { channel: meta.c } : {}),
      external: Boolean(b.user.team_id && b.user.team_id !== teamId),
    },
    viewId: b.view.id,
    meta,
    state: b.view.state.values,
  };
}

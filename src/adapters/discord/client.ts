/**
 * The discord.js client and its connection. Mentions never ping (set once,
 * client-wide), sends carry nonces, the REST base can point elsewhere
 * (`DISCORD_API_URL`; the gateway address then comes from that API's
 * `/gateway/bot`, as discord.js does it).
 *
 * Message Content is a privileged intent. When the application does not have
 * it, asking for it makes Discord close the gateway with 4014; the bot then
 * says so in the log and connects without it, so slash commands, mentions and
 * DMs keep working (Discord still sends their text), instead of failing or
 * retrying in a loop.
 */
import {
  ApplicationFlags,
  Client,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  Options,
  Partials,
  REST,
  Routes,
} from 'discord.js';
import { PipebotError } from '../../errors.ts';
import type { Logger } from '../../log.ts';

export interface ConnectionOptions {
  token: string;
  /** REST base, e.g. https://discord.com/api (the default). */
  apiUrl?: string | undefined;
  logger: Logger;
}

const BASE_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
];

export const MESSAGE_CONTENT_HELP =
  'enable "Message Content Intent" under Bot → Privileged Gateway Intents in the Discord developer portal; until then pipebot reads only DMs, mentions and slash commands';

/** REST options shared by the client and one-shot commands (register). */
export function restOptions(apiUrl: string | undefined) {
  return { ...(apiUrl ? { api: apiUrl.replace(/\/+$/, '') } : {}), timeout: 15_000, retries: 3 };
}

export function createClient(apiUrl: string | undefined, messageContent: boolean): Client {
  return new Client({
    intents: messageContent ? [...BASE_INTENTS, GatewayIntentBits.MessageContent] : BASE_INTENTS,
    // DM channels are not cached until used; without this their messages would not arrive.
    partials: [Partials.Channel, Partials.Message],
    allowedMentions: { parse: [], repliedUser: false },
    enforceNonce: true,
    failIfNotExists: false,
    rest: restOptions(apiUrl),
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 25 }),
  });
}

/**
 * Whether the application may use Message Content, from its flags; null when
 * that cannot be told (the connection attempt will).
 */
export async function messageContentGranted(
  token: string,
  apiUrl: string | undefined,
): Promise<boolean | null> {
  try {
    const rest = new REST(restOptions(apiUrl)).setToken(token);
    const app = (await rest.get(Routes.currentApplication())) as { flags?: number };
    if (typeof app.flags !== 'number') return null;
    const mask =
      ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;
    return (app.flags & mask) !== 0;
  } catch {
    return null;
  }
}

/** Log in and wait until ready; the rejection says whether Discord refused the intents (4014). */
async function login(
  client: Client,
  token: string,
): Promise<{ ok: true } | { ok: false; disallowedIntents: boolean; error: unknown }> {
  let disallowed = false;
  const onDisconnect = (event: { code: number }) => {
    if (event.code === GatewayCloseCodes.DisallowedIntents) disallowed = true;
  };
  client.on(Events.ShardDisconnect, onDisconnect);
  try {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(token);
    await ready;
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    return {
      ok: false,
      disallowedIntents: disallowed || /disallowed intents/i.test(message),
      error,
    };
  } finally {
    client.off(Events.ShardDisconnect, onDisconnect);
  }
}

function loginError(error: unknown): PipebotError {
  const message = error instanceof Error ? error.message : String(error);
  if (/token/i.test(message))
    return new PipebotError(
      'config',
      'Discord rejected DISCORD_TOKEN — copy the bot token again from the developer portal (Bot → Reset Token)',
      { cause: error },
    );
  return new PipebotError('unavailable', `could not connect to Discord: ${message}`, {
    cause: error,
  });
}

/**
 * Connect, asking for Message Content only when the application has it.
 * `prepare` attaches the event handlers to each client before it logs in.
 */
export async function connect(
  options: ConnectionOptions,
  prepare: (client: Client) => void,
): Promise<{ client: Client; messageContent: boolean }> {
  const { token, apiUrl, logger } = options;
  const granted = await messageContentGranted(token, apiUrl);
  if (granted === false)
    logger.warn(
      { intent: 'MessageContent' },
      `the Discord application does not have the Message Content intent: ${MESSAGE_CONTENT_HELP}`,
    );
  let client = createClient(apiUrl, granted !== false);
  prepare(client);
  const first = await login(client, token);
  if (first.ok) return { client, messageContent: granted !== false };
  if (!first.disallowedIntents || granted === false) throw loginError(first.error);

  logger.warn(
    { closeCode: GatewayCloseCodes.DisallowedIntents, intent: 'MessageContent' },
    `Discord refused the Message Content intent (close code 4014): ${MESSAGE_CONTENT_HELP}`,
  );
  client = createClient(apiUrl, false);
  prepare(client);
  const second = await login(client, token);
  if (second.ok) return { client, messageContent: false };
  throw loginError(second.error);
}

/**
 * The console adapter: the whole bot in a terminal. Interactive when stdin is
 * a terminal; otherwise it reads one message per line and exits at the end.
 */
import { createInterface } from 'node:readline';
import type { Assistant } from '../../assistant/assistant.ts';
import type { Actor, Reply } from '../../assistant/types.ts';
import { renderReply } from './render.ts';

export interface ConsoleOptions {
  assistant: Assistant;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /** The console workspace id (`--workspace`). */
  workspace: string;
  /** Who is typing (`--as`). */
  user: string;
  /** Run id, so that message ids are unique across runs. */
  runId?: string;
}

export const CONSOLE_CHANNEL = 'console';

/** Run the chat until end of input. Returns the number of messages that failed. */
export async function runConsoleChat(options: ConsoleOptions): Promise<number> {
  const { assistant, output } = options;
  const interactive = Boolean(options.input.isTTY);
  const runId = options.runId ?? Date.now().toString(36);
  const actor: Actor = {
    platform: 'console',
    workspace: { externalId: options.workspace, name: options.workspace },
    sender: { externalId: options.user, displayName: options.user },
    channel: CONSOLE_CHANNEL,
  };
  let lastChoice: Extract<Reply, { kind: 'choice' }> | null = null;
  let failures = 0;
  let n = 0;

  const write = (replies: Reply[]) => {
    for (const r of replies) {
      output.write(`${renderReply(r, { numberChoices: true })}\n`);
      if (r.kind === 'choice') lastChoice = r;
    }
  };

  const rl = createInterface({
    input: options.input,
    terminal: interactive,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  if (interactive) {
    rl.setPrompt('you> ');
    rl.prompt();
  }
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') {
      if (interactive) rl.prompt();
      continue;
    }
    if (interactive && ['exit', 'quit', '退出'].includes(line)) break;
    try {
      const choice = lastChoice as Extract<Reply, { kind: 'choice' }> | null;
      const picked =
        /^\d{1,2}$/.test(line) && choice ? choice.options[Number(line) - 1] : undefined;
      if (picked) {
        lastChoice = null;
        const result = await assistant.handleAction(actor, picked.payload);
        write(result.replies);
      } else {
        n++;
        lastChoice = null;
        const result = await assistant.handleMessage({
          platform: 'console',
          workspace: actor.workspace,
          sender: actor.sender,
          channel: CONSOLE_CHANNEL,
          messageId: `${runId}-${n}`,
          text: line,
          sentAt: assistant.deps.now?.() ?? new Date(),
        });
        if (result.status === 'failed') failures++;
        write(result.replies);
      }
    } catch (err) {
      failures++;
      output.write(`✖ ${(err as Error).message}\n`);
    }
    if (interactive) rl.prompt();
  }
  rl.close();
  return failures;
}

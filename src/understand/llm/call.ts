/**
 * One structured-output call: the prompt, `zodResponseFormat` +
 * `chat.completions.parse`, and a deadline over the whole call (the SDK's
 * timeout is per attempt; a message should not wait for three of them).
 */

import type { LlmClient } from './client.ts';
import { DeadlineError, OutputError } from './faults.ts';
import { extractMessages, type PromptContext } from './prompt.ts';
import { extractionFormat, type LlmExtraction } from './schema.ts';
import { CALL_ID_HEADER } from './transport.ts';

/** Room for a long multi-account answer; bounds what a runaway answer can cost. */
export const MAX_COMPLETION_TOKENS = 2000;

export async function callExtraction(
  client: LlmClient,
  text: string,
  ctx: PromptContext,
  callId: string,
): Promise<LlmExtraction> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError(client.timeoutMs));
    }, client.timeoutMs);
  });
  const call = client.openai.chat.completions.parse(
    {
      model: client.model,
      messages: extractMessages(text, ctx),
      response_format: extractionFormat(),
      max_completion_tokens: MAX_COMPLETION_TOKENS,
    },
    { signal: controller.signal, headers: { [CALL_ID_HEADER]: callId } },
  );
  // Once the deadline has won the race, the abandoned call must not surface as an unhandled rejection.
  call.catch(() => {});
  try {
    const completion = await Promise.race([call, deadline]);
    const message = completion.choices[0]?.message;
    if (!message) throw new OutputError('invalid', 'no choices in the answer');
    if (message.refusal) throw new OutputError('refused', 'the model refused');
    if (!message.parsed) throw new OutputError('invalid', 'empty answer');
    return message.parsed;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Choosing a query with an LLM: ONE chat-completions request offering the
 * query library as `zodFunction` tools. The model picks; it never supplies a
 * number. Its tool call is validated strictly (src/understand/questions/
 * catalog.ts): unknown tools and bad, extra or hostile arguments are refused,
 * not repaired. Every request is recorded in `llm_calls` (purpose `ask`).
 * A failure of the service itself throws, so the caller can fall back.
 */
import OpenAI from 'openai';
import { zodFunction } from 'openai/helpers/zod';
import type { Db } from '../../db/connect.ts';
import { PipebotError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { type LlmOutcome, recordLlmCall } from '../../pipeline/llm-calls.ts';
import type { StageTemplate } from '../../pipeline/stages.ts';
import type { LlmClient } from '../llm-client.ts';
import { argsSchema, QUERY_DESCRIPTIONS, QUERY_NAMES, validateCall } from './catalog.ts';
import { renderAskPrompt } from './prompt.ts';
import type { AskContext, Choice, QueryChooser } from './types.ts';

/** The model sees at most this much of a question. */
const MAX_QUESTION = 1000;

export function queryTools(template: StageTemplate) {
  return QUERY_NAMES.map((name) =>
    zodFunction({
      name,
      parameters: argsSchema(name, template),
      description: QUERY_DESCRIPTIONS[name],
    }),
  );
}

function classify(err: unknown): LlmOutcome {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (err instanceof OpenAI.APIConnectionError) return 'connection';
  if (err instanceof OpenAI.RateLimitError)
    return (err as { code?: string }).code === 'insufficient_quota' ? 'quota' : 'rate_limited';
  if (err instanceof OpenAI.APIError && (err.status ?? 0) >= 500) return 'server_error';
  return 'invalid';
}

export interface LlmChooserDeps extends LlmClient {
  db: Db;
  logger: Logger;
}

export function createLlmChooser(deps: LlmChooserDeps): QueryChooser {
  const log = deps.logger;

  async function record(
    ctx: AskContext,
    started: number,
    outcome: LlmOutcome,
    usage: OpenAI.CompletionUsage | undefined,
    error?: string,
  ) {
    try {
      await recordLlmCall(deps.db, {
        workspaceId: ctx.workspaceId,
        purpose: 'ask',
        model: deps.model,
        promptTokens: usage?.prompt_tokens ?? null,
        completionTokens: usage?.completion_tokens ?? null,
        cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? null,
        latencyMs: performance.now() - started,
        outcome,
        error: error ?? null,
      });
    } catch (err) {
      log.error({ err: (err as Error)?.message }, 'could not record an LLM call');
    }
  }

  return {
    name: 'llm',
    async choose(question: string, ctx: AskContext): Promise<Choice> {
      const started = performance.now();
      let completion: OpenAI.ChatCompletion;
      try {
        completion = await deps.client.chat.completions.create({
          model: deps.model,
          temperature: 0,
          tool_choice: 'auto',
          parallel_tool_calls: false,
          tools: queryTools(ctx.template),
          messages: [
            { role: 'system', content: renderAskPrompt(ctx) },
            { role: 'user', content: question.slice(0, MAX_QUESTION) },
          ],
        });
      } catch (err) {
        const outcome = classify(err);
        await record(
          ctx,
          started,
          outcome,
          undefined,
          (err as Error)?.constructor?.name ?? 'error',
        );
        throw new PipebotError('unavailable', `the LLM request failed (${outcome})`, {
          cause: err,
        });
      }

      const choice = completion.choices?.[0];
      const usage = completion.usage;
      if (!choice?.message) {
        await record(ctx, started, 'invalid', usage, 'no choices');
        throw new PipebotError('unavailable', 'the LLM returned no answer');
      }
      if (choice.finish_reason === 'length') {
        await record(ctx, started, 'truncated', usage, 'finish_reason length');
        throw new PipebotError('unavailable', 'the LLM answer was cut off');
      }
      const calls = choice.message.tool_calls ?? [];
      const commentary = typeof choice.message.content === 'string' ? choice.message.content : '';
      if (calls.length === 0) {
        await record(ctx, started, 'ok', usage);
        return { kind: 'unknown' };
      }

      const validated = calls.map((c) => {
        if (c.type !== 'function') return { ok: false as const, reason: `tool type ${c.type}` };
        let args: unknown;
        try {
          args = JSON.parse(c.function.arguments || '{}');
        } catch {
          return { ok: false as const, reason: `arguments of ${c.function.name} are not JSON` };
        }
        return validateCall(c.function.name, args, ctx.template);
      });
      const refused = validated.find((v) => !v.ok);
      const first = validated[0];
      if (refused || !first?.ok) {
        const reason = refused && !refused.ok ? refused.reason : 'no valid call';
        await record(ctx, started, 'refused', usage, reason);
        return { kind: 'refused', reason };
      }
      await record(ctx, started, 'ok', usage);
      log.debug({ workspaceId: ctx.workspaceId, query: first.call.name }, 'the LLM chose a query');
      return { kind: 'query', call: first.call, ...(commentary ? { commentary } : {}) };
    },
  };
}

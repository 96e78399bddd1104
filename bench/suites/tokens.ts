/**
 * LLM cost: input tokens of one extraction request (system prompt, the
 * message, and the response schema the provider also reads) with 20 open
 * deals in context, over every message of the labelled corpora, counted with
 * the o200k tokenizer of the default model family.
 */
import { readFileSync } from 'node:fs';
import { encode, encodeChat } from 'gpt-tokenizer/model/gpt-4o-mini';
import { DEFAULT_TEMPLATE, TEMPLATES } from '../../src/pipeline/stages.ts';
import { extractMessages, type PromptContext } from '../../src/understand/llm/prompt.ts';
import { extractionFormat } from '../../src/understand/llm/schema.ts';
import { OPEN_DEAL_ACCOUNTS } from '../../test/helpers/open-deals.ts';
import type { BenchOptions, Figure } from '../lib/harness.ts';
import { median } from '../lib/stats.ts';

const CORPORA = [
  'test/understand/corpus.jsonl',
  'test/understand/corpus-holdout.jsonl',
  'test/understand/corpus-fresh.jsonl',
];

export async function benchTokens(options: BenchOptions): Promise<Figure[]> {
  const schemaTokens = encode(JSON.stringify(extractionFormat().json_schema)).length;
  const messages = CORPORA.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { text: string; now: string; tz: string; currency: string }),
  );
  const counts: number[] = [];
  let worstTemplate = 0;
  for (const [i, m] of messages.entries()) {
    const base: PromptContext = {
      now: new Date(m.now),
      timezone: m.tz,
      currency: m.currency,
      template: DEFAULT_TEMPLATE,
      openDeals: OPEN_DEAL_ACCOUNTS.map((account, k) => ({
        account,
        stage: DEFAULT_TEMPLATE.stages[k % 5]!.key,
      })),
    };
    counts.push(encodeChat(extractMessages(m.text, base), 'gpt-4o-mini').length + schemaTokens);
    // Every stage template on a sample of messages (the longest template sets the worst case).
    if (i % 10 === 0 || options.quick)
      for (const template of Object.values(TEMPLATES))
        worstTemplate = Math.max(
          worstTemplate,
          encodeChat(extractMessages(m.text, { ...base, template }), 'gpt-4o-mini').length +
            schemaTokens,
        );
  }
  const max = Math.max(...counts);
  return [
    {
      figure: 'LLM prompt tokens for one extraction, 20 open deals in context',
      driver: '-',
      value: `median ${median(counts).toLocaleString('en')}, max ${max.toLocaleString('en')} over ${counts.length} corpus messages (worst with any stage template: ${worstTemplate.toLocaleString('en')})`,
      goal: '≤ 1,500',
      met: max <= 1_500 && worstTemplate <= 1_500,
      note: `input tokens by the o200k tokenizer (gpt-4o-mini), counting the chat messages and the ${schemaTokens}-token response schema`,
    },
  ];
}

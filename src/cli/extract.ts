/**
 * `pipebot extract`: what the extractor reads from a message, as text or as
 * the extraction JSON of the contract — one message from the arguments, or
 * `--jsonl` batches on stdin. It never opens the database: nothing is
 * written, no workspace is involved, so the default stage template applies.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { parseNow } from '../cli.ts';
import type { Config } from '../config.ts';
import { isValidTimeZone } from '../lib/time.ts';
import { DEFAULT_TEMPLATE } from '../pipeline/stages.ts';
import type { ExtractContext, Extractor, ExtractResult } from '../understand/extraction.ts';
import { createExtractor } from '../understand/index.ts';
import { type CliContext, type Command, UsageError } from './command.ts';

const LineSchema = z.object({
  text: z.string(),
  now: z.string().nullish(),
  tz: z.string().nullish(),
  currency: z.string().nullish(),
});

function timezoneOf(tz: string): string {
  if (!isValidTimeZone(tz))
    throw new UsageError(`--tz must be an IANA timezone such as Asia/Shanghai (got "${tz}")`);
  return tz;
}

function currencyOf(code: string): string {
  const c = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(c))
    throw new UsageError(`--currency must be an ISO 4217 code such as USD or CNY (got "${code}")`);
  return c;
}

function chooseExtractor(ctx: CliContext, config: Config, llm: string | undefined): Extractor {
  if (llm !== undefined && llm !== 'on' && llm !== 'off')
    throw new UsageError('--llm must be on or off');
  if (llm === 'on' && !config.llm) {
    throw new UsageError(
      '--llm on needs OPENAI_API_KEY or OPENAI_BASE_URL (and PIPEBOT_LLM not off)',
    );
  }
  const chosen = llm === 'off' ? { ...config, llm: undefined } : config;
  // Quiet by default: a fallback is reported below in one plain line, not as a JSON log.
  return createExtractor(chosen, { logger: ctx.logger(config.logLevel ?? 'error') });
}

const NOTES: Record<string, string> = {
  capped: 'the LLM cap was reached',
  circuit_open: 'the LLM failed repeatedly and is paused',
  quota: 'the LLM provider’s quota is used up',
};

function degradedLine(r: ExtractResult, where = ''): string | null {
  if (!r.degraded) return null;
  const why = NOTES[r.degraded.reason] ?? `the LLM could not be used (${r.degraded.reason})`;
  return `pipebot: ${where}${why}; the offline rules answered\n`;
}

/** The human-readable form. */
function describe(r: ExtractResult): string[] {
  const { intent, updates } = r.extraction;
  const lines = [`intent: ${intent} (${r.source === 'llm' ? 'LLM' : 'offline rules'})`];
  for (const u of updates) {
    lines.push(`${u.account ?? '(no account named)'}`);
    const row = (label: string, value: string | null) => {
      if (value) lines.push(`  ${label.padEnd(12)}${value}`);
    };
    row('stage', u.stage);
    row('amount', u.amount === null ? null : `${u.amount} ${u.currency ?? ''}`.trim());
    row('close date', u.closeDate);
    row(
      'next step',
      u.nextStep || u.nextStepDue
        ? [u.nextStep, u.nextStepDue ? `due ${u.nextStepDue}` : null].filter(Boolean).join(', ')
        : null,
    );
    row('needs', u.needs.join('; ') || null);
    row(
      'contacts',
      u.contacts.map((c) => (c.title ? `${c.name} (${c.title})` : c.name)).join('; ') || null,
    );
    row('competitors', u.competitors.join('; ') || null);
    row('lost reason', u.lostReason);
  }
  return lines;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const chunk of stream) s += chunk.toString();
  return s;
}

export const extractCommand: Command = {
  name: 'extract',
  summary: 'print what would be extracted from a message, writing nothing',
  usage: [
    'extract [--json] [--now ISO] [--tz ZONE] [--currency CODE] [--llm off|on] [TEXT]',
    'extract --jsonl [--now ISO] [--tz ZONE] [--currency CODE] [--llm off|on] < messages.jsonl',
  ],
  options: {
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
    tz: { type: 'string' },
    currency: { type: 'string' },
    llm: { type: 'string' },
  },
  details: [
    '--json           print the extraction JSON: {"intent", "updates": [...]}',
    '--jsonl          read one JSON object a line from stdin, {"text", "now", "tz", "currency"}',
    '                 (all but text optional), and print one result a line in the same order',
    '--now ISO        the moment the message was sent (relative dates count from it)',
    '--tz ZONE        the member’s IANA timezone (default: PIPEBOT_TIMEZONE or the system’s)',
    '--currency CODE  the currency of amounts with no currency mark (default: PIPEBOT_CURRENCY)',
    '--llm off|on     off: the offline rules only; on: require the configured LLM',
    '                 (default: the LLM when one is configured, with the offline fallback)',
    'Without TEXT the message is read from stdin. The default stage template applies.',
  ],
  async run(ctx, values, positionals) {
    const config = ctx.config();
    const base = {
      now: ctx.now(),
      timezone: timezoneOf((values.tz as string | undefined) ?? config.defaults.timezone),
      currency: currencyOf((values.currency as string | undefined) ?? config.defaults.currency),
    };
    const extractor = chooseExtractor(ctx, config, values.llm as string | undefined);
    const context = (over: Partial<typeof base>): ExtractContext => ({
      ...base,
      ...over,
      locale: config.defaults.locale,
      template: DEFAULT_TEMPLATE,
      knownAccounts: [],
      openDeals: [],
    });

    if (values.jsonl) {
      if (positionals.length)
        throw new UsageError('--jsonl reads messages from stdin; give no TEXT');
      return runJsonl(ctx, extractor, context);
    }

    const text = positionals.length
      ? positionals.join(' ')
      : ctx.io.stdin.isTTY
        ? ''
        : await readAll(ctx.io.stdin);
    if (!text.trim())
      throw new UsageError('give the message as TEXT (or on stdin, or use --jsonl)');
    const result = await extractor.extract(text.trim(), context({}));
    const note = degradedLine(result);
    if (note) ctx.io.stderr.write(note);
    if (values.json) ctx.print(JSON.stringify(result.extraction, null, 2));
    else for (const line of describe(result)) ctx.print(line);
    return 0;
  },
};

async function runJsonl(
  ctx: CliContext,
  extractor: Extractor,
  context: (over: { now?: Date; timezone?: string; currency?: string }) => ExtractContext,
): Promise<number> {
  const rl = createInterface({ input: ctx.io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let bad = 0;
  for await (const raw of rl) {
    n++;
    if (!raw.trim()) continue;
    let ectx: ExtractContext;
    let text: string;
    try {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new UsageError('not valid JSON');
      }
      const parsed = LineSchema.safeParse(json);
      if (!parsed.success)
        throw new UsageError('expected {"text": "…", "now"?, "tz"?, "currency"?}');
      const line = parsed.data;
      const now = line.now ? parseNow(line.now) : undefined;
      ectx = context({
        ...(now ? { now } : {}),
        ...(line.tz ? { timezone: timezoneOf(line.tz) } : {}),
        ...(line.currency ? { currency: currencyOf(line.currency) } : {}),
      });
      text = line.text.trim();
    } catch (e) {
      bad++;
      const reason = (e as Error).message.replace(/^--(\w+)/, '$1');
      ctx.print(JSON.stringify({ error: `line ${n}: ${reason}` }));
      continue;
    }
    const result = await extractor.extract(text, ectx);
    const note = degradedLine(result, `line ${n}: `);
    if (note) ctx.io.stderr.write(note);
    ctx.print(JSON.stringify(result.extraction));
  }
  if (bad) ctx.io.stderr.write(`pipebot: extract: ${bad} bad line${bad === 1 ? '' : 's'}\n`);
  return bad ? 1 : 0;
}

/** Offline extractor throughput on one core, over the labelled corpus (or generated messages). */
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_TEMPLATE } from '../../src/pipeline/stages.ts';
import type { ExtractContext } from '../../src/understand/extraction.ts';
import { extractOffline } from '../../src/understand/offline/index.ts';
import type { BenchOptions, Figure } from '../lib/harness.ts';
import { median } from '../lib/stats.ts';

const CORPUS = 'test/understand/corpus.jsonl';

function messages(): { text: string; ctx: ExtractContext }[] {
  const base: Omit<ExtractContext, 'now' | 'timezone' | 'currency'> = {
    locale: 'en',
    template: DEFAULT_TEMPLATE,
    knownAccounts: ['Acme', 'Globex', 'Initech', '华为', '腾讯'],
    openDeals: [],
  };
  if (existsSync(CORPUS)) {
    return readFileSync(CORPUS, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { text: string; now?: string; tz?: string; currency?: string })
      .map((c) => ({
        text: c.text,
        ctx: {
          ...base,
          now: new Date(c.now ?? '2026-11-25T09:30:00Z'),
          timezone: c.tz ?? 'UTC',
          currency: c.currency ?? 'USD',
        },
      }));
  }
  const texts = [
    'met Acme, they need SSO, ~$50k, follow up Friday',
    '今天拜访了华为,需要私有化部署,预算50万,下周五前发方案',
    'Globex signed! 120k, kickoff next Monday',
    'what is in negotiation?',
  ];
  return texts.map((text) => ({
    text,
    ctx: { ...base, now: new Date('2026-11-25T09:30:00Z'), timezone: 'UTC', currency: 'USD' },
  }));
}

export async function benchExtractor(options: BenchOptions): Promise<Figure[]> {
  const corpus = messages();
  const rounds = options.quick ? 3 : 7;
  const perRound = options.quick ? 2_000 : 20_000;
  for (let i = 0; i < 2_000; i++)
    extractOffline(corpus[i % corpus.length]!.text, corpus[i % corpus.length]!.ctx);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) {
      const m = corpus[i % corpus.length]!;
      extractOffline(m.text, m.ctx);
    }
    rates.push(perRound / ((performance.now() - t0) / 1000));
  }
  const rate = median(rates);
  return [
    {
      figure: 'offline extractor throughput (one core)',
      driver: '-',
      value: `${Math.round(rate).toLocaleString('en')} messages/s`,
      goal: '≥ 5,000 messages/s',
      met: rate >= 5_000,
      note: `${corpus.length} distinct messages${existsSync(CORPUS) ? ' from the labelled corpus' : ''}; median of ${rounds} rounds`,
    },
  ];
}

// Times chart rendering: `npx tsx bench/charts.ts [runs]` prints cold and warm render times per chart.
import { renderFunnelChart, renderPipelineChart, renderTrendChart } from '../src/charts/index.ts';

const runs = Number(process.argv[2] ?? 20);
const stages = [
  ['潜在客户识别', 'Prospecting'],
  ['需求分析', 'Needs analysis'],
  ['方案制定', 'Proposal'],
  ['报价', 'Quote'],
  ['谈判', 'Negotiation'],
  ['成交', 'Closed won'],
  ['丢单', 'Closed lost'],
  ['搁置', 'On hold'],
] as const;

const funnel = {
  title: '销售漏斗',
  locale: 'zh-CN' as const,
  stages: stages.map(([zh], i) => ({
    label: zh,
    count: 200 - i * 24,
    conversion: i < stages.length - 1 ? 0.6 : null,
  })),
};
const pipeline = {
  title: 'Pipeline by stage',
  locale: 'en' as const,
  currency: 'USD',
  stages: stages.map(([, en], i) => ({
    label: en,
    count: 40 - i * 4,
    total: 5_000_000 - i * 500_000,
    weighted: (5_000_000 - i * 500_000) * (0.1 + i * 0.1),
  })),
};
const trend = {
  title: '近 12 周趋势',
  locale: 'zh-CN' as const,
  currency: 'CNY',
  weeks: Array.from({ length: 12 }, (_, i) => ({
    weekStart: new Date(Date.UTC(2026, 8, 7 + 7 * i)).toISOString().slice(0, 10),
    created: 10 + ((i * 7) % 13),
    won: 1 + ((i * 5) % 6),
    wonAmount: 100_000 + ((i * 370_000) % 900_000),
  })),
};

const charts = {
  'funnel (8 stages, zh-CN)': () => renderFunnelChart(funnel),
  'pipeline (8 stages, en)': () => renderPipelineChart(pipeline),
  'trend (12 weeks, zh-CN)': () => renderTrendChart(trend),
};

for (const [name, render] of Object.entries(charts)) {
  let t = performance.now();
  await render();
  const cold = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    await render();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const max = times[times.length - 1]!;
  console.log(
    `${name}: first ${cold.toFixed(0)} ms, median ${median.toFixed(0)} ms, max ${max.toFixed(0)} ms over ${runs}`,
  );
}

const t = performance.now();
await Promise.all(Array.from({ length: 8 }, () => renderFunnelChart(funnel)));
console.log(`8 concurrent funnels: ${(performance.now() - t).toFixed(0)} ms total`);
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

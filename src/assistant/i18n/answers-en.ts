/** English wording of pipeline answers. `answers-zh-CN.ts` has the same keys (enforced by its type). */

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const answersEn = {
  deals: (n: number) => plural(n, 'deal', 'deals'),
  days: (n: number) => plural(n, 'day', 'days'),
  periods: {
    today: 'today',
    yesterday: 'yesterday',
    this_week: 'this week',
    last_week: 'last week',
    next_week: 'next week',
    this_month: 'this month',
    last_month: 'last month',
    next_month: 'next month',
    this_quarter: 'this quarter',
    last_quarter: 'last quarter',
    next_quarter: 'next quarter',
    this_year: 'this year',
    last_year: 'last year',
    next_year: 'next year',
    last_7_days: 'the last 7 days',
    last_30_days: 'the last 30 days',
    last_90_days: 'the last 90 days',
    next_7_days: 'the next 7 days',
    next_30_days: 'the next 30 days',
    next_90_days: 'the next 90 days',
    q1: 'Q1',
    q2: 'Q2',
    q3: 'Q3',
    q4: 'Q4',
  } as Record<string, string>,
  allTime: 'all time',
  periodLabel: (name: string | null, range: string) => (name ? `${name} (${range})` : range),
  shortDate: (month: number, day: number, year: number | null) => {
    const m = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
      month - 1
    ];
    return year ? `${m} ${day}, ${year}` : `${m} ${day}`;
  },
  converted: (amount: string) => `≈ ${amount} at the workspace’s exchange rates`,
  convertedTotal: (amount: string, rates: string) =>
    `Total ≈ ${amount}, converted at the workspace’s rates (${rates}).`,
  ratesNote: (rates: string) => `Converted at the workspace’s rates: ${rates}.`,
  rate: (code: string, rate: string, base: string) => `1 ${code} = ${rate} ${base}`,
  unpriced: (n: number) => `${plural(n, 'deal has', 'deals have')} no amount.`,
  weighted: (amount: string) => `weighted ${amount}`,
  noAmount: 'no amount',

  pipelineByOwnerTitle: 'Open pipeline by rep',
  pipelineStageTitle: (stage: string) => `Open pipeline — ${stage}`,
  listTitle: (what: string, summary: string) => `${what}: ${summary}`,
  openDeals: 'Open deals',
  openDealsOf: (who: string) => `${who}’s open deals`,
  openDealsIn: (stage: string) => `Open deals in ${stage}`,
  biggestDeals: 'Biggest open deals',
  noOpenDeals: 'No open deals match.',
  closingTitle: (period: string) => `Expected to close ${period}`,
  closingNone: 'No open deal is expected to close then.',
  closeOn: (date: string) => `closes ${date}`,
  noCloseDate: 'no close date',

  totals: {
    open: (period: string | null) =>
      period ? `Open deals expected to close ${period}` : 'Open pipeline',
    won: (period: string) => `Won ${period}`,
    lost: (period: string) => `Lost ${period}`,
    new: (period: string) => `New deals ${period}`,
  },
  totalsLine: (what: string, deals: string, money: string) =>
    money ? `${what}: ${deals}, ${money}.` : `${what}: ${deals}.`,

  overdueTitle: (n: number) => `Overdue follow-ups: ${n}`,
  overdueNone: 'No follow-up is overdue.',
  overdueDays: (n: number) => `${plural(n, 'day', 'days')} overdue`,

  stalledTitle: (n: number) => `Stalled deals: ${n}`,
  stalledNone: 'No deal has gone quiet for longer than its stage allows.',
  stalledDetail: (idle: number, limit: number) =>
    `${plural(idle, 'day', 'days')} without activity (stage limit ${limit})`,

  dealAmbiguous: (candidates: string) => `Which account do you mean? ${candidates}`,
  dealNotFound: (name: string) => `I found no deal you can see at “${name}”.`,
  daysInStage: (n: number) => `${plural(n, 'day', 'days')} in this stage`,
  daysInStageLabel: 'Time in stage',

  funnelTitle: (period: string | null) =>
    period ? `Stage funnel — deals created ${period}` : 'Stage funnel — all deals',
  funnelLine: (stage: string, n: number, rate: string | null, prev: string | null) =>
    rate && prev ? `${stage}: ${n} (${rate} of ${prev})` : `${stage}: ${n}`,
  funnelOverall: (rate: string, won: string) => `Overall, ${rate} of deals reached ${won}.`,
  funnelEmpty: 'No deal history yet.',
  funnelNote: 'A deal counts for every stage up to the furthest one it reached.',

  durationsTitle: (period: string | null) =>
    period ? `Time in stage — stays that ended ${period}` : 'Time in stage',
  durationLine: (stage: string, median: string, p90: string, n: number) =>
    `${stage}: median ${median} days, 90th percentile ${p90} days (${plural(n, 'deal', 'deals')})`,
  durationNone: (stage: string) => `${stage}: no completed stays yet`,
  bottleneck: (stage: string, median: string) =>
    `Bottleneck: ${stage}, where deals spend the longest (median ${median} days).`,
  durationsEmpty: 'No deal has left a stage yet, so there is nothing to measure.',

  winRateTitle: (period: string) => `Win rate — ${period}`,
  winRateLine: (won: number, lost: number, rate: string) =>
    `Won ${won}, lost ${lost}: win rate ${rate}.`,
  winRateNone: 'No deal was won or lost in this period.',
  averageWon: (amount: string) => `Average won deal: ${amount}.`,
  wonTotal: (amount: string) => `Won in total: ${amount}.`,
  cycle: (median: string, average: string) =>
    `Sales cycle of won deals: median ${median} days, average ${average} days.`,

  lossTitle: (period: string, n: number) =>
    `Loss reasons — ${period} (${plural(n, 'lost deal', 'lost deals')})`,
  lossNone: 'No deal was lost in this period.',
  noReason: '(no reason given)',

  activityTitle: (period: string) => `Activity — ${period}`,
  activityLine: (
    who: string,
    a: {
      updates: number;
      dealsTouched: number;
      dealsCreated: number;
      stageMoves: number;
      won: number;
      followupsDone: number;
    },
  ) =>
    `${who}: ${plural(a.updates, 'update', 'updates')} on ${plural(a.dealsTouched, 'deal', 'deals')}, ${a.dealsCreated} new, ${plural(a.stageMoves, 'stage move', 'stage moves')}, ${a.won} won, ${plural(a.followupsDone, 'follow-up', 'follow-ups')} done`,
  activityNone: 'Nobody logged anything in this period.',

  trendTitle: (n: number) => `Weekly trend — last ${plural(n, 'week', 'weeks')}`,
  trendLine: (week: string, created: number, won: number, lost: number, amount: string) =>
    `Week of ${week}: ${created} new, ${won} won${amount ? ` (${amount})` : ''}, ${lost} lost`,

  forbidden: (who: string) =>
    `This workspace shows reps only their own deals, so I can’t show ${who}’s.`,
  unknownOwner: (name: string) => `I don’t know anyone called “${name}” in this workspace.`,
  badPeriod: 'I couldn’t read that period. Try “this month”, “last quarter” or “Q4”.',
  badStage: 'That isn’t a stage of this workspace’s pipeline.',
  refused: 'I couldn’t look that up.',
  chartsUnavailable: 'Charts are not available in this build.',
  noChart: 'There is no chart for this kind of answer.',

  capabilitiesTitle: 'I can’t answer that from the pipeline data. Here is what you can ask:',
  capabilities: [
    '“what’s in the pipeline?” / “how much is Bob carrying?” / “pipeline by rep”',
    '“what’s in negotiation?” / “our 5 biggest deals”',
    '“what’s closing this month?” / “deals closing in the next 30 days”',
    '“how much did we win last quarter?” / “how many new deals this week?”',
    '“which follow-ups are overdue?” / “which deals are stuck?”',
    '“status of Acme”',
    '“show me the funnel” / “which stage is the bottleneck?”',
    '“win rate this quarter” / “why are we losing deals?”',
    '“team activity last week” / “weekly trend”',
  ],
};

export type AnswerMessages = typeof answersEn;

/** 管道问答的中文措辞。类型与英文目录一致。 */
import type { AnswerMessages } from './answers-en.ts';

export const answersZhCN: AnswerMessages = {
  deals: (n) => `${n} 个商机`,
  days: (n) => `${n} 天`,
  periods: {
    today: '今天',
    yesterday: '昨天',
    this_week: '本周',
    last_week: '上周',
    next_week: '下周',
    this_month: '本月',
    last_month: '上个月',
    next_month: '下个月',
    this_quarter: '本季度',
    last_quarter: '上季度',
    next_quarter: '下季度',
    this_year: '今年',
    last_year: '去年',
    next_year: '明年',
    last_7_days: '最近 7 天',
    last_30_days: '最近 30 天',
    last_90_days: '最近 90 天',
    next_7_days: '未来 7 天',
    next_30_days: '未来 30 天',
    next_90_days: '未来 90 天',
    q1: '第一季度',
    q2: '第二季度',
    q3: '第三季度',
    q4: '第四季度',
  },
  allTime: '全部时间',
  periodLabel: (name, range) => (name ? `${name}(${range})` : range),
  shortDate: (month, day, year) => (year ? `${year}年${month}月${day}日` : `${month}月${day}日`),
  converted: (amount) => `按工作区汇率约合 ${amount}`,
  convertedTotal: (amount, rates) => `合计约 ${amount}(按工作区汇率换算:${rates})。`,
  ratesNote: (rates) => `已按工作区设置的汇率换算:${rates}。`,
  rate: (code, rate, base) => `1 ${code} = ${rate} ${base}`,
  unpriced: (n) => `${n} 个商机没有金额。`,
  weighted: (amount) => `加权 ${amount}`,
  noAmount: '无金额',

  pipelineByOwnerTitle: '各销售的进行中管道',
  pipelineStageTitle: (stage) => `进行中的管道 — ${stage}`,
  listTitle: (what, summary) => `${what}:${summary}`,
  openDeals: '进行中的商机',
  openDealsOf: (who) => `${who} 的进行中商机`,
  openDealsIn: (stage) => `${stage}阶段的商机`,
  biggestDeals: '金额最大的进行中商机',
  noOpenDeals: '没有符合条件的进行中商机。',
  closingTitle: (period) => `${period}预计成交`,
  closingNone: '这段时间没有预计成交的商机。',
  closeOn: (date) => `${date} 成交`,
  noCloseDate: '无预计成交日期',

  totals: {
    open: (period) => (period ? `${period}预计成交的商机` : '进行中的管道'),
    won: (period) => `${period}赢单`,
    lost: (period) => `${period}丢单`,
    new: (period) => `${period}新增商机`,
  },
  totalsLine: (what, deals, money) =>
    money ? `${what}:${deals},${money}。` : `${what}:${deals}。`,

  overdueTitle: (n) => `逾期的跟进:${n} 项`,
  overdueNone: '没有逾期的跟进。',
  overdueDays: (n) => `逾期 ${n} 天`,

  stalledTitle: (n) => `停滞的商机:${n} 个`,
  stalledNone: '没有超过阶段时限未跟进的商机。',
  stalledDetail: (idle, limit) => `${idle} 天没有动态(阶段时限 ${limit} 天)`,

  dealAmbiguous: (candidates) => `你指的是哪个客户?${candidates}`,
  dealNotFound: (name) => `没有找到你可以查看的“${name}”商机。`,
  daysInStage: (n) => `在当前阶段 ${n} 天`,
  daysInStageLabel: '阶段停留',

  funnelTitle: (period) => (period ? `销售漏斗 — ${period}新建的商机` : '销售漏斗 — 全部商机'),
  funnelLine: (stage, n, rate, prev) =>
    rate && prev ? `${stage}:${n}(${prev}的 ${rate})` : `${stage}:${n}`,
  funnelOverall: (rate, won) => `总体来看,${rate} 的商机到达了${won}。`,
  funnelEmpty: '还没有商机历史。',
  funnelNote: '商机计入它到达过的最远阶段及之前的每个阶段。',

  durationsTitle: (period) => (period ? `各阶段停留时间 — ${period}结束的停留` : '各阶段停留时间'),
  durationLine: (stage, median, p90, n) =>
    `${stage}:中位数 ${median} 天,90 分位 ${p90} 天(${n} 个商机)`,
  durationNone: (stage) => `${stage}:还没有完成的停留`,
  bottleneck: (stage, median) => `瓶颈:${stage},商机在这里停留最久(中位数 ${median} 天)。`,
  durationsEmpty: '还没有商机离开过任何阶段,暂无可统计的数据。',

  winRateTitle: (period) => `赢单率 — ${period}`,
  winRateLine: (won, lost, rate) => `赢单 ${won} 个,丢单 ${lost} 个:赢单率 ${rate}。`,
  winRateNone: '这段时间没有赢单或丢单。',
  averageWon: (amount) => `平均赢单金额:${amount}。`,
  wonTotal: (amount) => `赢单总额:${amount}。`,
  cycle: (median, average) => `赢单的销售周期:中位数 ${median} 天,平均 ${average} 天。`,

  lossTitle: (period, n) => `丢单原因 — ${period}(共 ${n} 个丢单)`,
  lossNone: '这段时间没有丢单。',
  noReason: '(未填写原因)',

  activityTitle: (period) => `团队动态 — ${period}`,
  activityLine: (who, a) =>
    `${who}:${a.updates} 次更新,涉及 ${a.dealsTouched} 个商机,新建 ${a.dealsCreated} 个,推进阶段 ${a.stageMoves} 次,赢单 ${a.won} 个,完成跟进 ${a.followupsDone} 项`,
  activityNone: '这段时间没有人记录任何进展。',

  trendTitle: (n) => `每周趋势 — 最近 ${n} 周`,
  trendLine: (week, created, won, lost, amount) =>
    `${week}那周:新增 ${created},赢单 ${won}${amount ? `(${amount})` : ''},丢单 ${lost}`,

  forbidden: (who) => `本工作区只允许销售查看自己的商机,所以不能显示 ${who} 的数据。`,
  unknownOwner: (name) => `本工作区里没有叫“${name}”的成员。`,
  badPeriod: '没能识别这个时间范围。可以说“本月”“上季度”或“第四季度”。',
  badStage: '这不是本工作区管道中的阶段。',
  refused: '这个问题我没法查询。',
  chartsUnavailable: '当前版本不支持生成图表。',
  noChart: '这类回答没有对应的图表。',

  capabilitiesTitle: '这个问题我无法从管道数据中回答。你可以这样问:',
  capabilities: [
    '“销售管道怎么样?”“李娜手上有多少?”“每个销售的管道”',
    '“谈判阶段有哪些单子?”“金额最大的5个单子”',
    '“本月有哪些单子要签?”“未来30天要成交的单子”',
    '“上季度赢了多少?”“本周新增了多少商机?”',
    '“哪些跟进逾期了?”“哪些单子停滞了?”',
    '“华为的进展怎么样?”',
    '“销售漏斗”“哪个阶段卡得最久?”',
    '“本季度赢单率是多少?”“丢单原因有哪些?”',
    '“上周团队动态”“每周趋势”',
  ],
};

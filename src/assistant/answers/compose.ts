/**
 * Query results → neutral replies, worded by our own templates (never by a
 * model). Every figure shown comes from the result and is formatted with
 * src/assistant/format.ts for the reader's locale.
 */
import type { DealItem } from '../../pipeline/queries/deal-items.ts';
import type { MoneyTotal } from '../../pipeline/queries/money.ts';
import type { DealList } from '../../pipeline/queries/open-deals.ts';
import type { Execution } from '../../understand/questions/execute.ts';
import type { Session } from '../context.ts';
import { formatMoney } from '../format.ts';
import type { PipelineRow, Reply } from '../types.ts';
import { dealStatusReplies } from './deal-answer.ts';
import {
  amountText,
  days,
  moneyCells,
  moneyText,
  percent,
  periodText,
  ratesList,
  ratesNote,
  shortDate,
  stageName,
} from './wording.ts';

type Ok = Extract<Execution, { ok: true }>;

export function composeAnswer(session: Session, exec: Execution): Reply[] {
  const { locale } = session;
  const a = session.t.answers;
  const text = (s: string, tone?: 'warning'): Reply[] => [
    { kind: 'text', locale, text: s, ...(tone ? { tone } : {}) },
  ];
  if (!exec.ok) {
    switch (exec.problem) {
      case 'forbidden':
        return text(a.forbidden(exec.call.args.owner ?? ''), 'warning');
      case 'unknown_owner':
        return text(a.unknownOwner(exec.call.args.owner ?? ''), 'warning');
      case 'bad_period':
        return text(a.badPeriod, 'warning');
      case 'bad_stage':
        return text(a.badStage, 'warning');
    }
  }
  return composeResult(session, exec);
}

function summary(
  session: Session,
  count: number,
  total: MoneyTotal,
  weighted?: MoneyTotal,
): string {
  const a = session.t.answers;
  const money = moneyText(session, total);
  const w = weighted?.byCurrency.length ? moneyText(session, weighted) : '';
  const sep = session.locale === 'zh-CN' ? ',' : ', ';
  return [a.deals(count), money, w ? a.weighted(w) : ''].filter(Boolean).join(sep);
}

function dealItem(session: Session, d: DealItem, extra: string[] = []) {
  const a = session.t.answers;
  const title = d.title && d.title !== d.account ? `${d.account} — ${d.title}` : d.account;
  return {
    text: `${title}: ${amountText(session, d.amount, d.currency)}`,
    detail: [
      ...extra,
      stageName(session, d.stage),
      d.owner,
      d.closeDate ? a.closeOn(shortDate(session, d.closeDate)) : '',
    ]
      .filter(Boolean)
      .join(' · '),
  };
}

function dealListReply(session: Session, title: string, list: DealList, empty: string): Reply[] {
  const notes = [
    ratesNote(session, [list.total, list.weighted]),
    list.unpriced ? session.t.answers.unpriced(list.unpriced) : null,
  ].filter((n): n is string => Boolean(n));
  const reply: Reply = {
    kind: 'list',
    locale: session.locale,
    title: list.count
      ? session.t.answers.listTitle(title, summary(session, list.count, list.total, list.weighted))
      : title,
    items: list.items.map((d) => dealItem(session, d)),
    empty,
    ...(list.count > list.items.length ? { more: list.count - list.items.length } : {}),
  };
  return notes.length
    ? [reply, { kind: 'text', locale: session.locale, text: notes.join(' '), tone: 'info' }]
    : [reply];
}

function pipelineRows(
  session: Session,
  lines: { label: string; count: number; total: MoneyTotal; weighted: MoneyTotal }[],
): PipelineRow[] {
  return lines
    .filter((l) => l.count > 0)
    .map((l) => ({
      stage: l.label,
      count: l.count,
      totals: moneyCells(session, l.total),
      weighted: moneyCells(session, l.weighted),
    }));
}

function composeResult(session: Session, exec: Ok): Reply[] {
  const { locale, t } = session;
  const a = t.answers;
  const period = exec.period ? periodText(session, exec.period) : null;
  const r = exec.result;
  const report = (title: string, lines: string[], footer?: string | null): Reply[] => [
    {
      kind: 'report',
      locale,
      title,
      sections: [{ lines }],
      ...(footer ? { footer } : {}),
    },
  ];

  switch (r.name) {
    case 'summarizePipelineByStage':
    case 'summarizePipelineByOwner': {
      const d = r.data;
      const lines =
        r.name === 'summarizePipelineByStage'
          ? r.data.stages.map((s) => ({ ...s, label: stageName(session, s.stage) }))
          : r.data.owners.map((o) => ({ ...o, label: o.owner }));
      if (d.count === 0) return [{ kind: 'text', locale, text: a.noOpenDeals }];
      const stage = exec.call.args.stage ? stageName(session, exec.call.args.stage) : null;
      const title =
        r.name === 'summarizePipelineByOwner'
          ? a.pipelineByOwnerTitle
          : stage
            ? a.pipelineStageTitle(stage)
            : t.pipelineTitle(exec.owner?.name ?? null);
      const footnote = [
        t.pipelineWeighted,
        d.total.converted
          ? a.convertedTotal(
              formatMoney(d.total.converted.amount, d.total.converted.currency, locale),
              ratesList(session, [d.total, d.weighted]),
            )
          : null,
        lines.some((l) => l.unpriced)
          ? a.unpriced(lines.reduce((n, l) => n + l.unpriced, 0))
          : null,
      ]
        .filter(Boolean)
        .join(' ');
      return [
        {
          kind: 'pipeline',
          locale,
          title,
          rows: pipelineRows(session, lines),
          totals: moneyCells(session, d.total),
          footnote,
        },
      ];
    }

    case 'listOpenDeals': {
      const { stage, sort } = exec.call.args;
      const title = stage
        ? a.openDealsIn(stageName(session, stage))
        : exec.owner
          ? a.openDealsOf(exec.owner.name)
          : sort === 'amount'
            ? a.biggestDeals
            : a.openDeals;
      return dealListReply(session, title, r.data, a.noOpenDeals);
    }

    case 'listDealsClosing':
      return dealListReply(session, a.closingTitle(period ?? ''), r.data, a.closingNone);

    case 'sumDeals': {
      const status = exec.call.args.status ?? 'open';
      const p = period ?? a.allTime;
      const what =
        status === 'open'
          ? a.totals.open(period)
          : status === 'won'
            ? a.totals.won(p)
            : status === 'lost'
              ? a.totals.lost(p)
              : a.totals.new(p);
      const owner = exec.owner ? ` (${exec.owner.name})` : '';
      const line = a.totalsLine(
        `${what}${owner}`,
        a.deals(r.data.count),
        moneyText(session, r.data.total),
      );
      const notes = [
        status === 'open' && r.data.weighted.byCurrency.length
          ? a.weighted(moneyText(session, r.data.weighted))
          : null,
        ratesNote(session, [r.data.total, r.data.weighted]),
        r.data.unpriced ? a.unpriced(r.data.unpriced) : null,
      ].filter(Boolean);
      return [{ kind: 'text', locale, text: [line, ...notes].join(' ') }];
    }

    case 'listOverdueFollowups': {
      const d = r.data;
      return [
        {
          kind: 'list',
          locale,
          title: a.overdueTitle(d.count),
          empty: a.overdueNone,
          items: d.items.map((f) => ({
            text: `${f.account}: ${f.text}`,
            detail: [a.overdueDays(f.daysOverdue), f.owner].join(' · '),
          })),
          ...(d.count > d.items.length ? { more: d.count - d.items.length } : {}),
        },
      ];
    }

    case 'listStalledDeals': {
      const d = r.data;
      return [
        {
          kind: 'list',
          locale,
          title: a.stalledTitle(d.count),
          empty: a.stalledNone,
          items: d.items.map((s) =>
            dealItem(session, s, [a.stalledDetail(s.idleDays, s.staleDays)]),
          ),
          ...(d.count > d.items.length ? { more: d.count - d.items.length } : {}),
        },
      ];
    }

    case 'getDealStatus':
      return dealStatusReplies(session, r.data, exec.call.args.account ?? '');

    case 'computeStageFunnel': {
      const d = r.data;
      if (d.deals === 0) return [{ kind: 'text', locale, text: a.funnelEmpty }];
      const lines = d.stages.map((s, i) => {
        const prev = i > 0 ? d.stages[i - 1] : undefined;
        return a.funnelLine(
          stageName(session, s.stage),
          s.reached,
          s.conversion === null ? null : percent(locale, s.conversion),
          prev ? stageName(session, prev.stage) : null,
        );
      });
      const last = d.stages[d.stages.length - 1];
      const overall =
        d.overall !== null && last
          ? a.funnelOverall(percent(locale, d.overall), stageName(session, last.stage))
          : null;
      return report(a.funnelTitle(period), [...lines, ...(overall ? [overall] : [])], a.funnelNote);
    }

    case 'measureStageDurations': {
      const d = r.data;
      if (!d.bottleneck) return [{ kind: 'text', locale, text: a.durationsEmpty }];
      const lines = d.stages.map((s) =>
        s.medianDays === null
          ? a.durationNone(stageName(session, s.stage))
          : a.durationLine(
              stageName(session, s.stage),
              days(s.medianDays),
              days(s.p90Days),
              s.deals,
            ),
      );
      const b = d.stages.find((s) => s.stage === d.bottleneck);
      return report(
        a.durationsTitle(period),
        lines,
        b ? a.bottleneck(stageName(session, b.stage), days(b.medianDays)) : null,
      );
    }

    case 'measureWinRate': {
      const d = r.data;
      const title =
        a.winRateTitle(period ?? a.allTime) + (exec.owner ? ` (${exec.owner.name})` : '');
      if (d.winRate === null) return report(title, [a.winRateNone]);
      const lines = [a.winRateLine(d.won, d.lost, percent(locale, d.winRate))];
      if (d.averageWon.byCurrency.length) {
        lines.push(a.averageWon(moneyText(session, d.averageWon)));
        lines.push(a.wonTotal(moneyText(session, d.wonTotal)));
      }
      if (d.cycleDays.median !== null)
        lines.push(a.cycle(days(d.cycleDays.median), days(d.cycleDays.average)));
      return report(title, lines, ratesNote(session, [d.wonTotal, d.averageWon]));
    }

    case 'rankLossReasons': {
      const d = r.data;
      return [
        {
          kind: 'list',
          locale,
          title: a.lossTitle(period ?? a.allTime, d.lost),
          empty: a.lossNone,
          items: d.reasons.map((x) => ({
            text: x.reason ?? a.noReason,
            detail: [a.deals(x.count), percent(locale, x.share), moneyText(session, x.amount)]
              .filter(Boolean)
              .join(' · '),
          })),
        },
      ];
    }

    case 'summarizeRepActivity': {
      const reps = r.data.reps;
      const active = reps.filter((x) => x.updates + x.won + x.followupsDone > 0);
      return report(
        a.activityTitle(period ?? a.allTime),
        active.length ? reps.map((x) => a.activityLine(x.member, x)) : [a.activityNone],
      );
    }

    case 'summarizeWeeklyTrend': {
      const weeks = r.data.weeks;
      return report(
        a.trendTitle(weeks.length),
        weeks.map((w) =>
          a.trendLine(
            shortDate(session, w.weekStart),
            w.created,
            w.won,
            w.lost,
            moneyText(session, w.wonAmount),
          ),
        ),
      );
    }
  }
}

/** The capabilities answer for a question nothing maps to. */
export function capabilitiesReply(session: Session): Reply {
  const a = session.t.answers;
  return {
    kind: 'help',
    locale: session.locale,
    title: a.capabilitiesTitle,
    sections: [{ heading: '', lines: a.capabilities }],
  };
}

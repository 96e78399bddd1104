/**
 * The daily digest as a neutral `report` reply in the workspace's language.
 * Empty sections are left out; a day with nothing to report is one line.
 */
import { formatDate, formatMoney, stageLabel } from '../assistant/format.ts';
import { messages } from '../assistant/i18n/index.ts';
import type { Reply, ReportSection } from '../assistant/types.ts';
import type { Workspace } from '../db/schema.ts';
import { toLocalDate } from '../lib/time.ts';
import type { DealRef, DigestFigures, Money, RiskItem } from '../pipeline/reports/digestFigures.ts';
import type { Locale } from '../pipeline/stages.ts';
import { templateOf } from '../pipeline/workspaces.ts';

/** Longer lists are cut to this many items, with "…and N more". */
export const SECTION_LIMIT = 10;
const CHANGES_LIMIT = 15;

export function workspaceLocale(ws: Pick<Workspace, 'locale'>): Locale {
  return ws.locale === 'zh-CN' ? 'zh-CN' : 'en';
}

export function digestReply(
  ws: Workspace,
  f: DigestFigures,
  range: { from: Date; today: string },
): Reply {
  const locale = workspaceLocale(ws);
  const t = messages(locale).digest;
  const template = templateOf(ws);
  const today = range.today;
  const date = (d: string) => formatDate(d, locale, today);
  const stage = (key: string) => stageLabel(template, key, locale);
  const amount = (n: number | null, c: string | null) =>
    n !== null && c ? formatMoney(n, c, locale) : null;
  const money = (m: Money) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([c, v]) => formatMoney(v, c, locale))
      .join(' + ');
  const head = (d: DealRef, withStage = false) =>
    [
      d.account,
      [amount(d.amount, d.currency), withStage ? stage(d.stage) : null].filter(Boolean).join(' · '),
    ]
      .filter(Boolean)
      .join(' — ');
  const since = date(toLocalDate(range.from, ws.timezone));
  const sections: ReportSection[] = [];
  const limited = (
    heading: string,
    items: { text: string; detail?: string }[],
    limit = SECTION_LIMIT,
  ): ReportSection => ({
    heading,
    items: items.slice(0, limit),
    ...(items.length > limit ? { more: items.length - limit } : {}),
  });

  const c = f.changes;
  // A deal that also moved, won or lost shows its amount change on that line.
  const amountOf = new Map(c.amounts.map((a) => [a.dealId, a]));
  const was = (d: DealRef) => {
    const a = amountOf.get(d.dealId);
    return a ? ` (${t.was(amount(a.before, a.beforeCurrency) ?? '—')})` : '';
  };
  const mentioned = new Set([...c.won, ...c.lost, ...c.moved].map((d) => d.dealId));
  const changeItems = [
    ...c.won.map((d) => ({ text: `${t.change.won}: ${head(d)}${was(d)}`, detail: d.owner })),
    ...c.lost.map((d) => ({
      text: `${t.change.lost}: ${head(d)}${was(d)}`,
      detail: [d.reason, d.owner].filter(Boolean).join(' · '),
    })),
    ...c.created.map((d) => ({ text: `${t.change.created}: ${head(d, true)}`, detail: d.owner })),
    ...c.moved.map((d) => ({
      text: `${t.change.moved}: ${d.account} — ${stage(d.from)} → ${stage(d.to)}${amountOf.has(d.dealId) ? ` · ${amount(d.amount, d.currency) ?? '—'}${was(d)}` : ''}`,
      detail: d.owner,
    })),
    ...c.amounts
      .filter((d) => !mentioned.has(d.dealId))
      .map((d) => ({
        text: `${t.change.amount}: ${d.account} — ${amount(d.before, d.beforeCurrency) ?? '—'} → ${amount(d.amount, d.currency) ?? '—'}`,
        detail: d.owner,
      })),
  ];
  if (changeItems.length) sections.push(limited(t.since(since), changeItems, CHANGES_LIMIT));

  const p = f.pipeline;
  if (p.count > 0) {
    const line = (label: string, n: number, totals: Money, weighted: Money) => {
      const sum = money(totals);
      return sum
        ? `${label}: ${t.deals(n)} · ${sum} (${t.weighted(money(weighted))})`
        : `${label}: ${t.deals(n)}`;
    };
    const lines = p.stages.map((s) => line(stage(s.stage), s.count, s.totals, s.weighted));
    lines.push(line(t.total, p.count, p.totals, p.weighted));
    if (p.converted) {
      const base = p.converted.currency;
      const rates = Object.entries(p.converted.rates)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, r]) => t.rate(code, String(r), base))
        .join(', ');
      lines.push(
        t.converted(
          formatMoney(p.converted.total, base, locale),
          formatMoney(p.converted.weighted, base, locale),
          rates,
        ),
      );
    } else if (p.missingRates.length) lines.push(t.noRate(p.missingRates.join(', ')));
    sections.push({ heading: t.pipeline, lines });
  }

  if (f.closing.length) {
    sections.push(
      limited(
        t.closing,
        f.closing.map((d) => ({
          text: head(d, true),
          detail: `${date(d.closeDate)} · ${d.owner}`,
        })),
      ),
    );
  }

  if (f.atRisk.length) {
    const reasons = (r: RiskItem) =>
      [
        r.closePassed ? t.risk.closePassed(date(r.closePassed)) : null,
        r.overdueSince ? t.risk.overdue(date(r.overdueSince)) : null,
        r.staleDays !== null ? t.risk.stale(r.staleDays) : null,
        r.owner,
      ]
        .filter(Boolean)
        .join(' · ');
    sections.push(
      limited(
        t.atRisk,
        f.atRisk.map((r) => ({ text: head(r, true), detail: reasons(r) })),
      ),
    );
  }

  if (f.activity.length) {
    sections.push({
      heading: t.activity,
      lines: f.activity.map((a) =>
        [
          `${a.name}: ${t.updatesOn(a.updates, a.deals)}`,
          a.created ? t.createdCount(a.created) : null,
          a.won ? t.wonCount(a.won) : null,
          a.lost ? t.lostCount(a.lost) : null,
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    });
  }

  if (f.week?.conversion.length) {
    sections.push({
      heading: t.conversion,
      lines: f.week.conversion.map((s) =>
        t.conversionLine(
          stage(s.stage),
          s.advanced,
          s.total,
          Math.round((s.advanced / s.total) * 100),
          s.lost,
        ),
      ),
    });
  }
  if (f.week?.wins.length) {
    sections.push({
      ...limited(
        t.weekWins,
        f.week.wins.map((d) => ({ text: head(d), detail: d.owner })),
      ),
      lines: [t.weekWinsTotal(f.week.wins.length, money(f.week.winTotals) || '—')],
    });
  }

  const news =
    changeItems.length ||
    f.closing.length ||
    f.atRisk.length ||
    f.activity.length ||
    f.week?.conversion.length ||
    f.week?.wins.length;
  if (!news) return { kind: 'text', locale, text: t.quiet(since) };
  return {
    kind: 'report',
    locale,
    title: t.title(date(today)),
    sections,
    ...(p.count > 0 ? { footer: t.footer } : {}),
  };
}

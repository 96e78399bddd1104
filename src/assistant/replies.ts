/** Building neutral replies from domain results. Wording comes from the message catalogues. */
import type { DealDiff } from '../db/schema.ts';
import { daysBetween } from '../lib/time.ts';
import type { ApplyNote } from '../pipeline/deals.ts';
import { findStage, openStages } from '../pipeline/stages.ts';
import type { DealView, FollowupItem, StageTotal } from '../pipeline/views.ts';
import type { Session } from './context.ts';
import { formatDate, formatMoney, formatValue, stageLabel, VISIBLE_FIELDS } from './format.ts';
import { encodePayload } from './payloads.ts';
import type { ChangeRow, DealCard, PipelineRow, Reply } from './types.ts';

export function changeRows(
  session: Session,
  diff: DealDiff,
  currency: { before: string | null; after: string | null },
): ChangeRow[] {
  const rows: ChangeRow[] = [];
  const fields = session.t.fields as Record<string, string>;
  for (const field of VISIBLE_FIELDS) {
    const change = diff[field];
    if (!change) continue;
    if (field === 'title' && change.before === null) continue;
    if (field === 'status' && diff.stage) continue;
    const fmt = (v: unknown, c: string | null) =>
      formatValue(field, v, {
        template: session.template,
        locale: session.locale,
        currency: c,
        t: session.t,
        today: session.today,
      });
    rows.push({
      field,
      label: fields[field] ?? field,
      before: fmt(change.before, currency.before),
      after: fmt(change.after, currency.after),
    });
  }
  return rows;
}

export function noteText(session: Session, note: ApplyNote): string {
  const { t } = session;
  switch (note.kind) {
    case 'ask_next_step':
      return t.askNextStep;
    case 'ask_lost_reason':
      return t.askLostReason;
    case 'after_sales':
      return t.afterSales(formatDate(note.dueDate, session.locale, session.today));
    case 'dropped':
      return t.dropped((t.fields as Record<string, string>)[note.field] ?? note.field, note.reason);
    case 'alias':
      return t.alias(note.name, note.account);
  }
}

export function changeReply(
  session: Session,
  input: {
    dealId: string;
    eventId: string;
    account: string;
    stage: string;
    owner: string;
    created: boolean;
    diff: DealDiff;
    currency: string | null;
    notes: ApplyNote[];
  },
): Reply {
  const beforeCurrency =
    (input.diff.currency?.before as string | null | undefined) ?? input.currency;
  const rows = changeRows(session, input.diff, { before: beforeCurrency, after: input.currency });
  const { t } = session;
  return {
    kind: 'change',
    locale: session.locale,
    title:
      rows.length === 0 && !input.created
        ? t.activityOnly(input.account)
        : input.created
          ? t.changeCreated(input.account)
          : t.changeUpdated(input.account),
    dealId: input.dealId,
    eventId: input.eventId,
    account: input.account,
    stage: stageLabel(session.template, input.stage, session.locale),
    owner: input.owner,
    created: input.created,
    rows,
    notes: input.notes.map((n) => noteText(session, n)),
    actions: [
      {
        label: t.buttons.undo,
        payload: encodePayload({ type: 'undo', eventId: input.eventId }),
        style: 'danger',
      },
      { label: t.buttons.edit, payload: encodePayload({ type: 'edit', dealId: input.dealId }) },
    ],
  };
}

function moneyList(session: Session, totals: Map<string, number>): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([cur, amount]) => formatMoney(amount, cur, session.locale));
}

export function pipelineReply(session: Session, rows: StageTotal[], who: string | null): Reply {
  const { t, template } = session;
  const byStage = new Map<
    string,
    { count: number; totals: Map<string, number>; weighted: Map<string, number> }
  >();
  const grand = new Map<string, number>();
  for (const r of rows) {
    const entry = byStage.get(r.stage) ?? { count: 0, totals: new Map(), weighted: new Map() };
    entry.count += r.count;
    if (r.currency && r.total) {
      const p = findStage(template, r.stage)?.probability ?? 0;
      entry.totals.set(r.currency, (entry.totals.get(r.currency) ?? 0) + r.total);
      entry.weighted.set(r.currency, (entry.weighted.get(r.currency) ?? 0) + r.total * p);
      grand.set(r.currency, (grand.get(r.currency) ?? 0) + r.total);
    }
    byStage.set(r.stage, entry);
  }
  const ordered: PipelineRow[] = [];
  const known = new Set<string>();
  for (const s of openStages(template)) {
    known.add(s.key);
    const e = byStage.get(s.key);
    if (!e) continue;
    ordered.push({
      stage: s.name[session.locale],
      count: e.count,
      totals: moneyList(session, e.totals),
      weighted: moneyList(session, e.weighted),
    });
  }
  // Deals in stages the template no longer has still count, under their key.
  for (const [key, e] of byStage) {
    if (known.has(key)) continue;
    ordered.push({
      stage: key,
      count: e.count,
      totals: moneyList(session, e.totals),
      weighted: moneyList(session, e.weighted),
    });
  }
  if (ordered.length === 0) return { kind: 'text', locale: session.locale, text: t.pipelineEmpty };
  return {
    kind: 'pipeline',
    locale: session.locale,
    title: t.pipelineTitle(who),
    rows: ordered,
    totals: moneyList(session, grand),
    footnote: t.pipelineWeighted,
  };
}

export function dealCard(session: Session, view: DealView, canEdit: boolean): DealCard {
  const { t, locale, template, today } = session;
  const d = view.deal;
  const fields: DealCard['fields'] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) fields.push({ label, value });
  };
  add(
    t.fields.amount,
    d.amount !== null && d.currency ? formatMoney(d.amount, d.currency, locale) : null,
  );
  add(t.fields.closeDate, d.closeDate ? formatDate(d.closeDate, locale, today) : null);
  add(
    t.fields.nextStep,
    d.nextStep
      ? d.nextStepDue
        ? `${d.nextStep} (${formatDate(d.nextStepDue, locale, today)})`
        : d.nextStep
      : null,
  );
  add(t.fields.needs, d.needs.join(', '));
  add(t.fields.competitors, d.competitors.join(', '));
  add(
    t.fields.contacts,
    view.contacts.map((c) => (c.title ? `${c.name} (${c.title})` : c.name)).join(', '),
  );
  add(t.fields.lostReason, d.lostReason);
  add(
    t.fields.lastActivity,
    formatDate(d.lastActivityAt.toISOString().slice(0, 10), locale, today),
  );
  const history = view.events.map((e) => {
    const date = formatDate(e.createdAt.toISOString().slice(0, 10), locale, today);
    const rows = changeRows(session, e.diff, { before: d.currency, after: d.currency });
    const what = rows
      .map((r) => `${r.label}: ${r.before ?? t.none} → ${r.after ?? t.none}`)
      .join('; ');
    const who = e.actorName ?? '';
    return `${date} · ${who}${e.kind === 'undo' ? ` · ${t.buttons.undo}` : ''}${what ? ` · ${what}` : ''}`;
  });
  return {
    dealId: d.id,
    account: view.accountName,
    title: d.title,
    stage: stageLabel(template, d.stage, locale),
    status: d.status === 'void' ? 'lost' : d.status,
    owner: view.ownerName,
    fields,
    history,
    actions: canEdit
      ? [{ label: t.buttons.edit, payload: encodePayload({ type: 'edit', dealId: d.id }) }]
      : [],
  };
}

export function followupsReply(session: Session, items: FollowupItem[], total: number): Reply {
  const { t, locale, today } = session;
  return {
    kind: 'list',
    locale,
    title: t.followupsTitle,
    empty: t.followupsEmpty,
    items: items.map(({ followup: f, accountName }) => {
      const due = f.status === 'snoozed' ? f.snoozedUntil : f.dueDate;
      let when = '';
      if (due) {
        const late = daysBetween(due, today);
        when =
          late > 0
            ? t.followupOverdue(late)
            : late === 0
              ? t.followupToday
              : t.followupDue(formatDate(due, locale, today));
      }
      return {
        text: `${accountName}: ${f.text}`,
        detail: when,
        actions: [
          {
            label: locale === 'zh-CN' ? '完成' : 'Done',
            payload: encodePayload({ type: 'fu_done', followupId: f.id }),
          },
        ],
      };
    }),
    ...(total > items.length ? { more: total - items.length } : {}),
  };
}

export function helpReply(session: Session): Reply {
  const h = session.t.help;
  return {
    kind: 'help',
    locale: session.locale,
    title: h.title,
    sections: [
      { heading: h.updates, lines: h.updatesLines },
      { heading: h.commands, lines: h.commandLines },
      { heading: h.questions, lines: h.questionLines },
    ],
  };
}

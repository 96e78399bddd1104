/** A deal's status and history as deal cards (history newest first). */
import type { DealStatus, DealStatusResult } from '../../pipeline/queries/deal-status.ts';
import type { Session } from '../context.ts';
import { formatDate, formatMoney, stageLabel } from '../format.ts';
import { changeRows } from '../replies.ts';
import type { DealCard, Reply } from '../types.ts';

function card(session: Session, d: DealStatus): DealCard {
  const { t, locale, today, template } = session;
  const fields: DealCard['fields'] = [];
  const add = (label: string, value: string | null) => {
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
  add(t.fields.lostReason, d.lostReason);
  if (d.status === 'open') add(t.answers.daysInStageLabel, t.answers.daysInStage(d.daysInStage));
  add(t.fields.lastActivity, formatDate(d.lastActivityAt.slice(0, 10), locale, today));
  const history = d.events.map((e) => {
    const date = formatDate(e.at.slice(0, 10), locale, today);
    const rows = changeRows(session, e.changes, { before: d.currency, after: d.currency });
    const what = rows
      .map((r) => `${r.label}: ${r.before ?? t.none} → ${r.after ?? t.none}`)
      .join('; ');
    return `${date} · ${e.actor ?? ''}${e.kind === 'undo' ? ` · ${t.buttons.undo}` : ''}${what ? ` · ${what}` : ''}`;
  });
  return {
    dealId: d.dealId,
    account: d.account,
    title: d.title,
    stage: stageLabel(template, d.stage, locale),
    status: d.status,
    owner: d.owner,
    fields,
    history,
    actions: [],
  };
}

export function dealStatusReplies(session: Session, r: DealStatusResult, asked: string): Reply[] {
  const a = session.t.answers;
  if (r.found === 'ambiguous')
    return [
      { kind: 'text', locale: session.locale, text: a.dealAmbiguous(r.candidates.join(' / ')) },
    ];
  if (r.found === 'none')
    return [{ kind: 'text', locale: session.locale, text: a.dealNotFound(asked) }];
  return r.deals.map((d) => ({ kind: 'deal', locale: session.locale, card: card(session, d) }));
}

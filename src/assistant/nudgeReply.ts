/**
 * A member's daily nudge as a neutral `report` reply: one section per kind
 * of item, most urgent first, each item with its buttons. The same function
 * draws the nudge when it is sent and redraws it after a button was pressed,
 * from the plan kept with the job slot and the items' current state.
 */
import { daysBetween } from '../lib/time.ts';
import {
  type ItemState,
  itemKey,
  nudgeItemStates,
  nudgePlanForMessage,
} from '../pipeline/nudgeState.ts';
import { NUDGE_ORDER, type NudgeItem, type NudgePlan } from '../pipeline/nudges.ts';
import type { Locale, StageTemplate } from '../pipeline/stages.ts';
import type { AssistantDeps, Session } from './context.ts';
import { formatDate, formatMoney, stageLabel } from './format.ts';
import { messages } from './i18n/index.ts';
import { encodePayload } from './payloads.ts';
import type { ActionButton, Reply, ReportSection } from './types.ts';

export interface NudgeView {
  locale: Locale;
  template: StageTemplate;
  /** The member's name for the title. */
  name: string;
}

export function nudgeReply(
  view: NudgeView,
  plan: NudgePlan,
  states: ReadonlyMap<string, ItemState> = new Map(),
): Reply {
  const t = messages(view.locale).nudge;
  const sections: ReportSection[] = [];
  for (const reason of NUDGE_ORDER) {
    const items = plan.items.filter((i) => i.reason === reason);
    if (items.length === 0) continue;
    sections.push({
      heading: t.sections[reason],
      items: items.map((i) => nudgeItem(view, plan.date, i, states.get(itemKey(i)))),
    });
  }
  return {
    kind: 'report',
    locale: view.locale,
    title: t.title(view.name, plan.items.length),
    sections,
    footer: plan.more ? `${t.more(plan.more)} ${t.footer}` : t.footer,
  };
}

function nudgeItem(
  view: NudgeView,
  today: string,
  i: NudgeItem,
  state: ItemState | undefined,
): { text: string; detail?: string; actions?: ActionButton[] } {
  const { locale, template } = view;
  const t = messages(locale).nudge;
  const money = i.amount !== null && i.currency ? formatMoney(i.amount, i.currency, locale) : null;
  const stage = stageLabel(template, i.stage, locale);
  const date = (d: string) => formatDate(d, locale, today);
  let text: string;
  let detail: string[];
  switch (i.reason) {
    case 'overdue':
    case 'due_today': {
      const late = i.date ? daysBetween(i.date, today) : 0;
      text = `${i.account} — ${i.text ?? ''}`;
      detail = [late > 0 ? t.overdue(late) : t.dueToday, money ?? '', stage];
      break;
    }
    case 'after_sales': {
      const late = i.date ? daysBetween(i.date, today) : 0;
      text = `${i.account} — ${t.afterSales}`;
      detail = [late > 0 ? t.overdue(late) : t.dueToday, money ?? ''];
      break;
    }
    case 'close_passed':
      text = [i.account, [money, stage].filter(Boolean).join(' · ')].join(' — ');
      detail = [
        i.date ? t.closePassed(date(i.date)) : '',
        i.idleDays > 0 ? t.idle(i.idleDays) : '',
      ];
      break;
    case 'stale':
      text = [i.account, [money, stage].filter(Boolean).join(' · ')].join(' — ');
      detail = [t.idle(i.idleDays)];
      break;
  }
  if (state && state.kind !== 'open') {
    const s = t.state;
    const resolved =
      state.kind === 'done'
        ? s.done
        : state.kind === 'snoozed'
          ? s.snoozed(date(state.until))
          : state.kind === 'rescheduled'
            ? s.rescheduled(date(state.closeDate))
            : state.kind === 'closed'
              ? s[state.status]
              : s.gone;
    const mark = state.kind === 'done' || state.kind === 'rescheduled' ? '✓ ' : '';
    return { text: `${mark}${text}`, detail: resolved, actions: [] };
  }
  return {
    text,
    detail: detail.filter(Boolean).join(' · '),
    actions: nudgeButtons(locale, i),
  };
}

function nudgeButtons(locale: Locale, i: NudgeItem): ActionButton[] {
  const b = messages(locale).nudge.buttons;
  const log: ActionButton = {
    label: b.log,
    payload: encodePayload({ type: 'log', dealId: i.dealId }),
  };
  if (i.followupId) {
    const followupId = i.followupId;
    return [
      { label: b.done, payload: encodePayload({ type: 'fu_done', followupId }), style: 'primary' },
      { label: b.snooze1, payload: encodePayload({ type: 'fu_snooze', followupId, days: 1 }) },
      { label: b.snooze3, payload: encodePayload({ type: 'fu_snooze', followupId, days: 3 }) },
      { label: b.snooze7, payload: encodePayload({ type: 'fu_snooze', followupId, days: 7 }) },
      log,
    ];
  }
  const dealId = i.dealId;
  const snoozes: ActionButton[] = [
    { label: b.snooze1, payload: encodePayload({ type: 'dn_snooze', dealId, days: 1 }) },
    { label: b.snooze3, payload: encodePayload({ type: 'dn_snooze', dealId, days: 3 }) },
    { label: b.snooze7, payload: encodePayload({ type: 'dn_snooze', dealId, days: 7 }) },
  ];
  return i.reason === 'close_passed'
    ? [
        {
          label: b.push,
          payload: encodePayload({ type: 'dn_push', dealId, days: 14 }),
          style: 'primary',
        },
        ...snoozes,
        log,
      ]
    : [log, ...snoozes];
}

/**
 * When a button was pressed on a nudge this member received, the nudge as it
 * stands now (for the adapter to put in place of the old message); else null.
 */
export async function redrawNudge(deps: AssistantDeps, session: Session): Promise<Reply | null> {
  if (!session.channel || !session.messageId) return null;
  const plan = await nudgePlanForMessage(
    deps.db,
    session.workspace.id,
    session.platform,
    session.channel,
    session.messageId,
  );
  if (!plan || plan.memberId !== session.member.id) return null;
  const states = await nudgeItemStates(deps.db, session.workspace.id, plan.items, session.today);
  return nudgeReply(
    { locale: plan.locale, template: session.template, name: session.member.displayName },
    plan,
    states,
  );
}

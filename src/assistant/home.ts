/**
 * A member's overview for a home surface (the Slack App Home): their open
 * deals by stage, their follow-ups due this week and, for managers, the
 * team's pipeline totals. Neutral replies, like everything the core returns.
 */
import { addDays } from '../lib/time.ts';
import { canEditDeal, isManager } from '../pipeline/permissions.ts';
import { openStages } from '../pipeline/stages.ts';
import {
  type DealListItem,
  memberFollowups,
  openDealsInStage,
  openPipelineByStage,
} from '../pipeline/views.ts';
import type { AssistantDeps, Session } from './context.ts';
import { formatDate, formatMoney } from './format.ts';
import { encodePayload } from './payloads.ts';
import { followupsReply, pipelineReply } from './replies.ts';
import type { Reply, ReportSection } from './types.ts';

/** Deals listed per stage before "…and N more". */
const PER_STAGE = 8;
const MAX_DEALS = 60;

export async function homeReplies(deps: AssistantDeps, session: Session): Promise<Reply[]> {
  const { t, locale, workspace, member } = session;
  const { items, total } = await openDealsInStage(
    deps.db,
    workspace,
    member,
    { ownerId: member.id },
    MAX_DEALS,
  );
  const replies: Reply[] = [];
  if (items.length === 0) {
    replies.push({ kind: 'text', locale, text: t.home.dealsEmpty });
  } else {
    replies.push({
      kind: 'report',
      locale,
      title: t.home.dealsTitle,
      sections: dealSections(session, items, total),
    });
  }

  const due = await memberFollowups(deps.db, workspace.id, member.id, addDays(session.today, 7));
  replies.push(followupsReply(session, due.items, due.total));

  if (isManager(member)) {
    const rows = await openPipelineByStage(deps.db, workspace, member, {});
    const team = pipelineReply(session, rows, null);
    replies.push(team.kind === 'pipeline' ? { ...team, title: t.home.teamTitle } : team);
  }
  return replies;
}

function dealSections(session: Session, items: DealListItem[], total: number): ReportSection[] {
  const { locale, template, today, t } = session;
  const byStage = new Map<string, DealListItem[]>();
  for (const item of items) {
    const list = byStage.get(item.deal.stage) ?? [];
    list.push(item);
    byStage.set(item.deal.stage, list);
  }
  const order = [
    ...openStages(template).map((s) => s.key),
    ...[...byStage.keys()].filter((k) => !openStages(template).some((s) => s.key === k)),
  ];
  const sections: ReportSection[] = [];
  for (const key of order) {
    const list = byStage.get(key);
    if (!list?.length) continue;
    const name = template.stages.find((s) => s.key === key)?.name[locale] ?? key;
    sections.push({
      heading: `${name} (${list.length})`,
      items: list.slice(0, PER_STAGE).map(({ deal, accountName }) => {
        const parts: string[] = [];
        if (deal.amount !== null && deal.currency)
          parts.push(formatMoney(deal.amount, deal.currency, locale));
        if (deal.nextStep)
          parts.push(
            deal.nextStepDue
              ? `${deal.nextStep} (${formatDate(deal.nextStepDue, locale, today)})`
              : deal.nextStep,
          );
        return {
          text: accountName === deal.title ? accountName : `${accountName} — ${deal.title}`,
          detail: parts.join(' · '),
          actions: canEditDeal(session.member, deal)
            ? [{ label: t.buttons.edit, payload: encodePayload({ type: 'edit', dealId: deal.id }) }]
            : [],
        };
      }),
      ...(list.length > PER_STAGE ? { more: list.length - PER_STAGE } : {}),
    });
  }
  const shown = items.length;
  if (total > shown) sections.push({ lines: [t.andMore(total - shown)] });
  return sections;
}

/**
 * The Edit form: the deal's fields for a modal, and its submission validated
 * field by field and written through applyUpdate like any other change.
 */

import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '../db/schema.ts';
import { storableText } from '../lib/text.ts';
import { isValidLocalDate } from '../lib/time.ts';
import { applyUpdate, type ClearableField, findDeal } from '../pipeline/deals.ts';
import { canEditDeal } from '../pipeline/permissions.ts';
import { findStage } from '../pipeline/stages.ts';
import { emptyUpdate } from '../understand/extraction.ts';
import type { AssistantDeps, Session } from './context.ts';
import { changeReply } from './replies.ts';
import type { Reply } from './types.ts';

export const EDIT_FIELDS = [
  'stage',
  'amount',
  'currency',
  'closeDate',
  'nextStep',
  'nextStepDue',
] as const;
export type EditField = (typeof EDIT_FIELDS)[number];
export type EditValues = Partial<Record<EditField, string>>;

export interface EditForm {
  locale: Session['locale'];
  dealId: string;
  version: number;
  title: string;
  submitLabel: string;
  fields: {
    key: EditField;
    label: string;
    value: string;
    type: 'select' | 'text' | 'date' | 'number';
    options?: { value: string; label: string }[];
    maxLength: number;
  }[];
}

export async function editForm(
  deps: AssistantDeps,
  session: Session,
  dealId: string,
): Promise<EditForm | Reply> {
  const { t, locale } = session;
  const deal = await findDeal(deps.db, session.workspace.id, dealId);
  if (!deal || deal.status === 'void')
    return { kind: 'text', locale, text: t.notFound, tone: 'warning', ephemeral: true };
  if (!canEditDeal(session.member, deal))
    return { kind: 'text', locale, text: t.forbidden, tone: 'warning', ephemeral: true };
  const [acc] = await deps.db
    .select({ name: accounts.name })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, session.workspace.id), eq(accounts.id, deal.accountId)));
  return {
    locale,
    dealId: deal.id,
    version: deal.version,
    title: `${t.buttons.edit}: ${acc?.name ?? deal.title}`.slice(0, 45),
    submitLabel: locale === 'zh-CN' ? '保存' : 'Save',
    fields: [
      {
        key: 'stage',
        label: t.fields.stage,
        value: deal.stage,
        type: 'select',
        options: session.template.stages.map((s) => ({ value: s.key, label: s.name[locale] })),
        maxLength: 40,
      },
      {
        key: 'amount',
        label: t.fields.amount,
        value: deal.amount === null ? '' : String(deal.amount),
        type: 'number',
        maxLength: 20,
      },
      {
        key: 'currency',
        label: t.fields.currency,
        value: deal.currency ?? session.workspace.currency,
        type: 'text',
        maxLength: 3,
      },
      {
        key: 'closeDate',
        label: `${t.fields.closeDate} (YYYY-MM-DD)`,
        value: deal.closeDate ?? '',
        type: 'date',
        maxLength: 10,
      },
      {
        key: 'nextStep',
        label: t.fields.nextStep,
        value: deal.nextStep ?? '',
        type: 'text',
        maxLength: 500,
      },
      {
        key: 'nextStepDue',
        label: `${t.fields.nextStepDue} (YYYY-MM-DD)`,
        value: deal.nextStepDue ?? '',
        type: 'date',
        maxLength: 10,
      },
    ],
  };
}

const AMOUNT = /^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*([kKmM万])?\s*$/u;

function parseAmount(s: string): number | null {
  const m = AMOUNT.exec(s);
  if (!m) return null;
  const base = Number(`${m[1]!.replace(/,/g, '')}.${m[2] ?? '0'}`);
  const mult = { k: 1e3, K: 1e3, m: 1e6, M: 1e6, 万: 1e4 }[m[3] ?? ''] ?? 1;
  const v = base * mult;
  return Number.isFinite(v) && v <= 1e13 ? v : null;
}

const ValuesSchema = z.record(z.string(), z.string().max(600));

export type SubmitResult =
  | { ok: true; replies: Reply[] }
  | { ok: false; errors: Partial<Record<EditField, string>>; replies: Reply[] };

export async function submitEdit(
  deps: AssistantDeps,
  session: Session,
  dealId: string,
  version: number,
  raw: EditValues,
): Promise<SubmitResult> {
  const { t, locale } = session;
  const parsed = ValuesSchema.safeParse(raw);
  const values = Object.fromEntries(
    Object.entries(parsed.success ? parsed.data : {}).map(([k, v]) => [k, storableText(v)]),
  ) as Record<string, string>;
  const zh = locale === 'zh-CN';
  const errors: Partial<Record<EditField, string>> = {};
  const update = emptyUpdate(null);
  const clear: ClearableField[] = [];

  const stage = values.stage?.trim();
  if (stage) {
    if (findStage(session.template, stage)) update.stage = stage;
    else errors.stage = zh ? '未知阶段' : 'Unknown stage';
  }
  const amount = values.amount?.trim();
  if (amount === '') clear.push('amount');
  else if (amount !== undefined) {
    const a = parseAmount(amount);
    if (a === null)
      errors.amount = zh
        ? '请输入非负数字,例如 50000 或 50k'
        : 'Enter a number such as 50000 or 50k';
    else update.amount = a;
  }
  const currency = values.currency?.trim().toUpperCase();
  if (currency) {
    if (/^[A-Z]{3}$/.test(currency)) update.currency = currency;
    else errors.currency = zh ? '三位币种代码,例如 CNY' : 'A three-letter code such as USD';
  }
  if (update.amount !== null && !update.currency) update.currency = session.workspace.currency;
  for (const key of ['closeDate', 'nextStepDue'] as const) {
    const v = values[key]?.trim();
    if (v === '') clear.push(key);
    else if (v !== undefined) {
      if (isValidLocalDate(v)) update[key] = v;
      else errors[key] = zh ? '日期格式为 YYYY-MM-DD' : 'Use a real date as YYYY-MM-DD';
    }
  }
  const nextStep = values.nextStep?.trim();
  if (nextStep === '') clear.push('nextStep');
  else if (nextStep) update.nextStep = nextStep;

  if (Object.keys(errors).length) return { ok: false, errors, replies: [] };

  const outcome = await applyUpdate(
    deps.db,
    { workspace: session.workspace, member: session.member, now: session.now, kind: 'edit' },
    update,
    { dealId, expectedVersion: version, clear },
  );
  const text = (s: string): Reply => ({
    kind: 'text',
    locale,
    text: s,
    tone: 'warning',
    ephemeral: true,
  });
  switch (outcome.status) {
    case 'applied':
      deps.onChange?.(session);
      return {
        ok: true,
        replies: [
          changeReply(session, {
            dealId: outcome.deal.id,
            eventId: outcome.event.id,
            account: outcome.account.name,
            stage: outcome.deal.stage,
            owner: session.member.displayName,
            created: false,
            diff: outcome.diff,
            currency: outcome.deal.currency,
            notes: outcome.notes.filter((n) => n.kind !== 'ask_next_step'),
          }),
        ],
      };
    case 'conflict':
      return { ok: false, errors: {}, replies: [text(t.conflict)] };
    case 'not_allowed':
      return {
        ok: false,
        errors: {},
        replies: [text(outcome.reason === 'read_only' ? t.readOnly : t.forbidden)],
      };
    default:
      return { ok: false, errors: {}, replies: [text(t.notFound)] };
  }
}

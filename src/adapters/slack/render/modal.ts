/**
 * The Edit form as a Slack modal, and back: the submitted state values as
 * the neutral `EditValues`, and field errors keyed by input block.
 */
import type { types as slack } from '@slack/bolt';
import { z } from 'zod';
import {
  EDIT_FIELDS,
  type EditField,
  type EditForm,
  type EditValues,
} from '../../../assistant/edit.ts';
import { messages } from '../../../assistant/i18n/index.ts';
import type { Reply } from '../../../assistant/types.ts';
import { renderReplies } from './blocks.ts';
import { LIMITS, plain, truncate } from './text.ts';

export const EDIT_CALLBACK_ID = 'pipebot_edit';
export const NOTICE_CALLBACK_ID = 'pipebot_notice';
const VALUE_ACTION = 'value';

/** What the modal carries back on submit: the deal, its version, and where the card was. */
export const ModalMetaSchema = z.object({
  d: z.string().uuid(),
  v: z.number().int().nonnegative(),
  c: z.string().max(40).optional(),
  t: z.string().max(40).optional(),
});
export type ModalMeta = z.infer<typeof ModalMetaSchema>;

function input(field: EditForm['fields'][number]): slack.InputBlock {
  const label = plain(field.label, LIMITS.inputLabel);
  if (field.type === 'select' && field.options?.length) {
    const options = field.options.slice(0, LIMITS.selectOptions).map((o) => ({
      text: plain(o.label, LIMITS.optionText),
      value: truncate(o.value, LIMITS.optionValue),
    }));
    const initial = options.find((o) => o.value === field.value);
    const element: slack.StaticSelect = { type: 'static_select', action_id: VALUE_ACTION, options };
    if (initial) element.initial_option = initial;
    return { type: 'input', block_id: field.key, optional: true, label, element };
  }
  const element: slack.PlainTextInput = {
    type: 'plain_text_input',
    action_id: VALUE_ACTION,
    max_length: Math.min(field.maxLength, LIMITS.inputValue),
    multiline: field.maxLength > 200,
  };
  if (field.value)
    element.initial_value = truncate(field.value, element.max_length ?? LIMITS.inputValue);
  return { type: 'input', block_id: field.key, optional: true, label, element };
}

export function editModal(form: EditForm, meta: ModalMeta): slack.ModalView {
  const t = messages(form.locale);
  return {
    type: 'modal',
    callback_id: EDIT_CALLBACK_ID,
    private_metadata: JSON.stringify(meta).slice(0, LIMITS.privateMetadata),
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submitLabel, LIMITS.modalButton),
    close: plain(t.surface.close, LIMITS.modalButton),
    blocks: form.fields.map(input),
  };
}

/** A modal that only shows replies (a conflict, a refusal) in place of the form. */
export function noticeModal(replies: Reply[], locale: Reply['locale']): slack.ModalView {
  const t = messages(locale);
  return {
    type: 'modal',
    callback_id: NOTICE_CALLBACK_ID,
    title: plain('pipebot', LIMITS.modalTitle),
    close: plain(t.surface.close, LIMITS.modalButton),
    blocks: renderReplies(replies, LIMITS.surfaceBlocks).blocks,
  };
}

const StateSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.looseObject({
      value: z.string().nullish(),
      selected_option: z.looseObject({ value: z.string() }).nullish(),
    }),
  ),
);

/** Submitted values by field; an emptied input is '' (clear the field). */
export function readEditValues(state: unknown): EditValues {
  const parsed = StateSchema.safeParse(state);
  if (!parsed.success) return {};
  const values: EditValues = {};
  for (const key of EDIT_FIELDS) {
    const v = parsed.data[key]?.[VALUE_ACTION];
    if (!v) continue;
    values[key] = v.selected_option?.value ?? v.value ?? '';
  }
  return values;
}

/** `response_action: errors` wants messages keyed by input block id, which are the field keys. */
export function modalErrors(errors: Partial<Record<EditField, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (v) out[k] = truncate(v, 150);
  return out;
}

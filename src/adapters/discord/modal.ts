/**
 * The Edit form as a Discord modal, and its submission back as form values.
 * A modal holds at most five components, and the form has six fields, so
 * amount and currency share one input ("50000 USD"); the stage is a select.
 */
import {
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  TextInputStyle,
} from 'discord.js';
import type { EditField, EditForm, EditValues } from '../../assistant/edit.ts';
import { LIMITS, truncate } from './limits.ts';
import { strings } from './strings.ts';

const PREFIX = 'editform:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function editModalId(dealId: string, version: number): string {
  return `${PREFIX}${dealId}:${version}`;
}

export function parseEditModalId(customId: string): { dealId: string; version: number } | null {
  if (!customId.startsWith(PREFIX) || customId.length > LIMITS.customId) return null;
  const [dealId = '', version = ''] = customId.slice(PREFIX.length).split(':');
  if (!UUID.test(dealId) || !/^\d{1,9}$/.test(version)) return null;
  return { dealId, version: Number(version) };
}

function label(text: string, component: APILabelComponent['component'], description?: string) {
  const out: APILabelComponent = {
    type: ComponentType.Label,
    label: truncate(text, LIMITS.modalLabel),
    component,
  };
  if (description) out.description = truncate(description, 100);
  return out;
}

export function editModal(form: EditForm): APIModalInteractionResponseCallbackData {
  const s = strings(form.locale);
  const field = (key: EditField) => form.fields.find((f) => f.key === key);
  const components: APILabelComponent[] = [];
  for (const f of form.fields) {
    if (f.key === 'currency') continue;
    if (f.key === 'stage' && f.options?.length) {
      components.push(
        label(f.label, {
          type: ComponentType.StringSelect,
          custom_id: f.key,
          required: true,
          min_values: 1,
          max_values: 1,
          options: f.options.slice(0, LIMITS.selectOptions).map((o) => ({
            label: truncate(o.label, LIMITS.selectOptionText),
            value: o.value,
            default: o.value === f.value,
          })),
        }),
      );
      continue;
    }
    if (f.key === 'amount') {
      const currency = field('currency')?.value ?? '';
      const value = f.value ? `${f.value} ${currency}`.trim() : '';
      components.push(
        label(
          s.amountLabel,
          {
            type: ComponentType.TextInput,
            custom_id: 'amount',
            style: TextInputStyle.Short,
            required: false,
            max_length: 30,
            value: truncate(value, 30),
          },
          s.amountHint,
        ),
      );
      continue;
    }
    components.push(
      label(f.label, {
        type: ComponentType.TextInput,
        custom_id: f.key,
        style: f.key === 'nextStep' ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: false,
        max_length: Math.min(f.maxLength, LIMITS.textInputValue),
        ...(f.value
          ? { value: truncate(f.value, Math.min(f.maxLength, LIMITS.textInputValue)) }
          : {}),
      }),
    );
  }
  return {
    custom_id: editModalId(form.dealId, form.version),
    title: truncate(form.title, LIMITS.modalTitle),
    components: components.slice(0, 5),
  };
}

/**
 * The submitted values. `read` gives a component's value (a select's first
 * value), or undefined when the modal did not contain it.
 */
export function editValuesFrom(read: (customId: string) => string | undefined): EditValues {
  const values: EditValues = {};
  for (const key of ['stage', 'closeDate', 'nextStep', 'nextStepDue'] as const) {
    const v = read(key);
    if (v !== undefined) values[key] = v;
  }
  const amount = read('amount');
  if (amount !== undefined) {
    const m = /^(.*?\d.*?)\s*([A-Za-z]{3})$/u.exec(amount.trim());
    if (m) {
      values.amount = m[1]!.trim();
      values.currency = m[2]!.toUpperCase();
    } else values.amount = amount.trim();
  }
  return values;
}

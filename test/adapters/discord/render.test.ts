// Proves every neutral reply kind renders as Discord embeds and components within Discord's limits: long text splits, big reports spread over messages, user text is escaped and cannot ping, custom ids fit, and the Edit form fits a five-component modal whose submission maps back to form values.
import { ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandText } from '../../../src/adapters/discord/commands/handlers.ts';
import { escapeText } from '../../../src/adapters/discord/escape.ts';
import {
  chunkLines,
  embedLength,
  LIMITS,
  packEmbed,
  splitText,
  truncate,
} from '../../../src/adapters/discord/limits.ts';
import {
  editModal,
  editValuesFrom,
  parseEditModalId,
} from '../../../src/adapters/discord/modal.ts';
import {
  type DiscordMessage,
  disableButton,
  isChoiceMenu,
  renderReply,
} from '../../../src/adapters/discord/render.ts';
import { nonceFor } from '../../../src/adapters/discord/sender.ts';
import type { EditForm } from '../../../src/assistant/edit.ts';
import type { Reply } from '../../../src/assistant/types.ts';

const UUID = '123e4567-e89b-42d3-a456-426614174000';
const UUID2 = '223e4567-e89b-42d3-a456-426614174000';

/** Every limit Discord enforces on a message we send. */
function expectWithinLimits(m: DiscordMessage) {
  expect(m.content?.length ?? 0).toBeLessThanOrEqual(LIMITS.content);
  expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
  expect(m.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
  for (const e of m.embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedFields);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
  }
  expect(m.components.length).toBeLessThanOrEqual(LIMITS.actionRows);
  for (const row of m.components) {
    expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
    for (const c of row.components) {
      if ('custom_id' in c) expect(c.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
      if ('label' in c && c.label) expect(c.label.length).toBeLessThanOrEqual(LIMITS.buttonLabel);
    }
  }
}

const long = (n: number, word = 'word') =>
  Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

const ALL: Reply[] = [
  { kind: 'text', locale: 'en', text: 'hello', tone: 'warning', ephemeral: true },
  {
    kind: 'change',
    locale: 'en',
    title: 'New deal: Acme',
    dealId: UUID,
    eventId: UUID2,
    account: 'Acme',
    stage: 'Proposal',
    owner: 'Alice',
    created: false,
    rows: [{ field: 'amount', label: 'Amount', before: '$50,000', after: '$60,000' }],
    notes: ['What’s the next step?'],
    actions: [
      { label: 'Undo', payload: `undo:${UUID2}`, style: 'danger' },
      { label: 'Edit', payload: `edit:${UUID}` },
    ],
  },
  {
    kind: 'choice',
    locale: 'en',
    text: 'Which Globex?',
    options: Array.from({ length: 30 }, (_, i) => ({
      label: `Globex ${i} ${'x'.repeat(120)}`,
      detail: 'd'.repeat(150),
      payload: `pick:${UUID}:${i}`,
    })),
  },
  {
    kind: 'deal',
    locale: 'en',
    card: {
      dealId: UUID,
      account: 'Acme',
      title: 'Acme SSO',
      stage: 'Proposal',
      status: 'open',
      owner: 'Alice',
      fields: [{ label: 'Amount', value: '$50,000' }],
      history: Array.from({ length: 40 }, (_, i) => `Nov ${i} · Alice · ${long(10)}`),
      actions: [{ label: 'Edit', payload: `edit:${UUID}` }],
    },
  },
  {
    kind: 'pipeline',
    locale: 'en',
    title: 'Pipeline',
    rows: Array.from({ length: 30 }, (_, i) => ({
      stage: `Stage ${i}`,
      count: i,
      totals: ['$1,000'],
      weighted: ['$100'],
    })),
    totals: ['$30,000'],
    footnote: 'weighted by stage probability',
  },
  {
    kind: 'list',
    locale: 'en',
    title: 'Your follow-ups',
    empty: 'Nothing due.',
    items: Array.from({ length: 40 }, (_, i) => ({
      text: `Account ${i}: ${long(20)}`,
      detail: 'due today',
      actions: [{ label: 'Done', payload: `fu_done:${UUID}` }],
    })),
    more: 12,
  },
  {
    kind: 'help',
    locale: 'en',
    title: 'Help',
    sections: [
      { heading: '', lines: ['intro'] },
      { heading: 'Commands', lines: ['deal ACCOUNT', 'pipeline'] },
    ],
  },
  {
    kind: 'report',
    locale: 'en',
    title: 'Daily digest',
    sections: Array.from({ length: 40 }, (_, i) => ({
      heading: `Section ${i}`,
      lines: Array.from({ length: 30 }, (_, j) => `${j}: ${long(8)}`),
      items: [{ text: 'Acme', actions: [{ label: 'Done', payload: `fu_done:${UUID2}` }] }],
      more: 3,
    })),
    footer: 'Sent by pipebot',
  },
  {
    kind: 'image',
    locale: 'en',
    title: 'Pipeline chart',
    png: new Uint8Array([1, 2, 3]),
    alt: 'bars',
  },
];

describe('Discord rendering', () => {
  it('renders every reply kind within Discord’s limits', () => {
    for (const reply of ALL) {
      const messages = renderReply(reply);
      expect(messages.length, reply.kind).toBeGreaterThan(0);
      for (const m of messages) expectWithinLimits(m);
    }
  });

  it('renders the change preview as an embed with Undo (danger) and Edit buttons', () => {
    const [m] = renderReply(ALL[1]!);
    expect(m?.embeds[0]).toMatchObject({
      title: 'New deal: Acme',
      description: '**Amount:** $50,000 → $60,000\n\n› What’s the next step?',
      footer: { text: 'Proposal · Alice' },
    });
    expect(m?.components[0]?.components).toEqual([
      { type: 2, style: 4, label: 'Undo', custom_id: `undo:${UUID2}` },
      { type: 2, style: 2, label: 'Edit', custom_id: `edit:${UUID}` },
    ]);
  });

  it('renders a choice as a select menu of at most 25 options whose values are the payloads', () => {
    const [m] = renderReply(ALL[2]!);
    const menu = m?.components[0]?.components[0];
    if (menu?.type !== 3) throw new Error('expected a string select');
    expect(menu.custom_id).toBe('choice');
    expect(menu.options).toHaveLength(25);
    expect(menu.options[3]?.value).toBe(`pick:${UUID}:3`);
    expect(
      menu.options.every((o) => o.label.length <= 100 && (o.description?.length ?? 0) <= 100),
    ).toBe(true);
  });

  it('spreads a report too big for one message over several, with its buttons on the last', () => {
    const messages = renderReply(ALL[7]!);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.slice(0, -1).every((m) => m.components.length === 0)).toBe(true);
    expect(messages.at(-1)?.components.length).toBeGreaterThan(0);
    expect(messages[0]?.embeds[0]?.title).toBe('Daily digest');
    expect(messages.at(-1)?.embeds[0]?.footer?.text).toBe('Sent by pipebot');
  });

  it('numbers list items that have buttons, says how many more there are, and caps buttons at 25', () => {
    const [m] = renderReply(ALL[5]!);
    expect(m?.embeds[0]?.description).toMatch(/^\*\*1\.\*\* Account 0/);
    expect(m?.embeds[0]?.description).toMatch(/…and \d+ more$/);
    // All 40 items share one payload here; custom ids must be unique, so one button remains.
    expect(m?.components.flatMap((r) => r.components)).toHaveLength(1);
  });

  it('turns more than 25 buttons (a ten-item nudge) into one select menu per action, every item reachable', () => {
    const labels = ['Done', 'Snooze 1d', 'Snooze 3d', 'Snooze 1w', 'Log update'];
    const reply: Reply = {
      kind: 'report',
      locale: 'en',
      title: 'Your follow-ups',
      sections: [
        {
          heading: 'Due today',
          items: Array.from({ length: 10 }, (_, i) => ({
            text: `Account ${i}`,
            actions: labels.map((label, k) => ({ label, payload: `nudge:${k}:${i}` })),
          })),
        },
      ],
    };
    const [m] = renderReply(reply);
    const rows = m?.components ?? [];
    expect(rows).toHaveLength(5);
    const menus = rows.map((r) => r.components[0] as unknown as Record<string, unknown>);
    expect(menus.map((c) => c.type)).toEqual(Array(5).fill(ComponentType.StringSelect));
    expect(new Set(menus.map((c) => c.custom_id)).size).toBe(5);
    expect(menus.map((c) => c.placeholder)).toEqual(labels.map((l) => `${l}…`));
    const options = menus.flatMap((c) => c.options as { label: string; value: string }[]);
    expect(options).toHaveLength(50);
    expect(new Set(options.map((o) => o.value)).size).toBe(50);
    expect(options[0]).toEqual({ label: '1 · Done', value: 'nudge:0:0' });
    for (const c of menus) expect(isChoiceMenu(String(c.custom_id))).toBe(true);
    // Five items or fewer keep plain buttons.
    const small = renderReply({
      ...reply,
      sections: [{ heading: 'Due today', items: reply.sections[0]!.items!.slice(0, 5) }],
    });
    expect(small[0]?.components.flatMap((r) => r.components).map((c) => c.type)).toEqual(
      Array(25).fill(ComponentType.Button),
    );
  });

  it('attaches an image as a file shown in its embed', () => {
    const [m] = renderReply(ALL[8]!);
    expect(m?.files).toEqual([
      { name: 'chart.png', data: new Uint8Array([1, 2, 3]), description: 'bars' },
    ]);
    expect(m?.embeds[0]?.image?.url).toBe('attachment://chart.png');
  });

  it('splits long text on line breaks into messages of at most 2,000 characters', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const messages = renderReply({ kind: 'text', locale: 'en', text });
    expect(messages.length).toBeGreaterThan(3);
    for (const m of messages) expect(m.content!.length).toBeLessThanOrEqual(2000);
    expect(messages.map((m) => m.content).join('\n')).toBe(text);
  });

  it('escapes markdown and breaks mentions in user text', () => {
    expect(escapeText('**Acme** @everyone @here <@123> <@&42> <#9> [x](https://e.vil)')).toBe(
      '\\*\\*Acme\\*\\* @\u200beveryone @\u200bhere <\u200b@123> <\u200b@&42> <\u200b#9> \\[x](https://e.vil)',
    );
    const [m] = renderReply({ kind: 'text', locale: 'en', text: 'hi @everyone' });
    expect(m?.content).toBe('hi @\u200beveryone');
  });

  it('cuts without splitting surrogate pairs or leaving a dangling escape', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('abc\\*def', 5)).toBe('abc…');
    expect(splitText('a'.repeat(4500)).map((c) => c.length)).toEqual([2000, 2000, 500]);
    expect(chunkLines(['a'.repeat(600), 'b'.repeat(600)], 1024)).toHaveLength(2);
    const packed = packEmbed({
      title: 't',
      fields: Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(500) })),
      footer: { text: 'foot' },
    });
    expect(packed.length).toBeGreaterThan(2);
    for (const e of packed) expect(embedLength(e)).toBeLessThanOrEqual(6000);
    expect(packed.at(-1)?.footer?.text).toBe('foot');
  });

  it('turns off just the pressed button', () => {
    const [m] = renderReply(ALL[1]!);
    const rows = disableButton(m!.components, `undo:${UUID2}`);
    expect(rows[0]?.components.map((c) => ('disabled' in c ? c.disabled : undefined))).toEqual([
      true,
      undefined,
    ]);
  });

  it('derives short, stable nonces from the outbound key', () => {
    expect(nonceFor('inbox:x:0', 0)).toHaveLength(25);
    expect(nonceFor('inbox:x:0', 0)).toBe(nonceFor('inbox:x:0', 0));
    expect(nonceFor('inbox:x:0', 1)).not.toBe(nonceFor('inbox:x:0', 0));
  });
});

describe('the Edit modal', () => {
  const form: EditForm = {
    locale: 'en',
    dealId: UUID,
    version: 7,
    title: 'Edit: Acme',
    submitLabel: 'Save',
    fields: [
      {
        key: 'stage',
        label: 'Stage',
        value: 'proposal',
        type: 'select',
        options: [
          { value: 'proposal', label: 'Proposal' },
          { value: 'quote', label: 'Quote' },
        ],
        maxLength: 40,
      },
      { key: 'amount', label: 'Amount', value: '50000', type: 'number', maxLength: 20 },
      { key: 'currency', label: 'Currency', value: 'USD', type: 'text', maxLength: 3 },
      {
        key: 'closeDate',
        label: 'Expected close (YYYY-MM-DD)',
        value: '',
        type: 'date',
        maxLength: 10,
      },
      { key: 'nextStep', label: 'Next step', value: 'call', type: 'text', maxLength: 500 },
      {
        key: 'nextStepDue',
        label: 'Next step due (YYYY-MM-DD)',
        value: '',
        type: 'date',
        maxLength: 10,
      },
    ],
  };

  it('fits six fields in five labelled components, amount and currency together', () => {
    const modal = editModal(form);
    expect(modal.custom_id).toBe(`editform:${UUID}:7`);
    expect(parseEditModalId(modal.custom_id)).toEqual({ dealId: UUID, version: 7 });
    expect(modal.components).toHaveLength(5);
    const ids = modal.components.map((c) => ('component' in c ? c.component : c).type);
    expect(ids).toEqual([3, 4, 4, 4, 4]);
    const amount = modal.components[1];
    expect(
      amount && 'component' in amount && 'value' in amount.component && amount.component.value,
    ).toBe('50000 USD');
  });

  it('maps a submission back to the form’s values', () => {
    const values: Record<string, string> = {
      stage: 'quote',
      amount: '60k eur',
      closeDate: '2026-12-31',
      nextStep: 'send quote',
      nextStepDue: '',
    };
    expect(editValuesFrom((id) => values[id])).toEqual({
      stage: 'quote',
      amount: '60k',
      currency: 'EUR',
      closeDate: '2026-12-31',
      nextStep: 'send quote',
      nextStepDue: '',
    });
    expect(editValuesFrom((id) => (id === 'amount' ? 'lots' : undefined))).toEqual({
      amount: 'lots',
    });
    expect(parseEditModalId('editform:not-a-uuid:1')).toBeNull();
  });
});

describe('slash command text', () => {
  const opts = (
    sub: string,
    strings: Record<string, string> = {},
    users: Record<string, string> = {},
  ) => ({
    getSubcommand: () => sub,
    getString: (n: string) => strings[n] ?? null,
    getUser: (n: string) => (users[n] ? { id: users[n]! } : null),
  });

  it('maps each subcommand onto the assistant’s text commands', () => {
    expect(commandText(opts('help'))).toBe('help');
    expect(commandText(opts('deal', { account: ' Acme\nCorp ' }))).toBe('deal Acme Corp');
    expect(commandText(opts('pipeline', { stage: 'proposal' }, { rep: '42' }))).toBe(
      'pipeline <@42> proposal',
    );
    expect(commandText(opts('settings', { key: 'digest-channel', value: '<#99>' }))).toBe(
      'settings digest-channel 99',
    );
    expect(commandText(opts('role', { role: 'manager' }, { member: '7' }))).toBe(
      'role <@7> manager',
    );
    expect(commandText(opts('something-new'))).toBe('help');
  });
});

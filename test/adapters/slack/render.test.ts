// Proves Block Kit rendering: every neutral reply kind renders within Slack's limits (blocks, text lengths, fields, buttons, options), user text is escaped and never parsed, long content ends in "…and N more", and the Edit form round-trips through a modal.
import { describe, expect, it } from 'vitest';
import { markActed } from '../../../src/adapters/slack/render/acted.ts';
import { renderReplies, renderReply } from '../../../src/adapters/slack/render/blocks.ts';
import {
  editModal,
  modalErrors,
  readEditValues,
} from '../../../src/adapters/slack/render/modal.ts';
import { escapeMrkdwn, safe } from '../../../src/adapters/slack/render/text.ts';
import type { EditForm } from '../../../src/assistant/edit.ts';
import type { Reply } from '../../../src/assistant/types.ts';

const EVIL = '<!channel> & <@U1> <https://evil.example|bank> ';
const long = (n: number) => `${EVIL}${'x'.repeat(n)}`;
const act = (i: number) => ({
  label: `${EVIL}${i}`.repeat(5),
  payload: `deal:${'a'.repeat(60)}${i}`,
});

/** Walks a Block Kit tree and asserts Slack's documented limits and our escaping rules. */
function checkBlocks(blocks: unknown[], maxBlocks: number) {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  const walk = (v: unknown, parent?: Record<string, unknown>) => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, parent);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mrkdwn') {
      const text = String(o.text);
      expect(o.verbatim).toBe(true);
      expect(text.length).toBeLessThanOrEqual(
        parent?.type === 'section' && parent.fields ? 2000 : 3000,
      );
      expect(text).not.toMatch(/[<>]/);
      expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
    if (o.type === 'section' && Array.isArray(o.fields))
      expect(o.fields.length).toBeLessThanOrEqual(10);
    if (o.type === 'context') expect((o.elements as unknown[]).length).toBeLessThanOrEqual(10);
    if (o.type === 'actions') expect((o.elements as unknown[]).length).toBeLessThanOrEqual(25);
    if (o.type === 'button') {
      expect(String((o.text as { text: string }).text).length).toBeLessThanOrEqual(75);
      expect(String(o.value).length).toBeLessThanOrEqual(2000);
    }
    if (o.type === 'static_select') {
      const options = o.options as { text: { text: string }; value: string }[];
      expect(options.length).toBeLessThanOrEqual(100);
      for (const opt of options) {
        expect([...opt.text.text].length).toBeLessThanOrEqual(75);
        expect(opt.value.length).toBeLessThanOrEqual(150);
      }
    }
    for (const x of Object.values(o)) walk(x, o);
  };
  walk(blocks);
}

const replies: Reply[] = [
  { kind: 'text', locale: 'en', text: long(5000), tone: 'warning' },
  {
    kind: 'change',
    locale: 'en',
    title: long(200),
    dealId: 'd',
    eventId: 'e',
    account: EVIL,
    stage: 'Quote',
    owner: EVIL,
    created: false,
    rows: Array.from({ length: 40 }, (_, i) => ({
      field: 'needs',
      label: `Needs ${i}`,
      before: long(100),
      after: long(100),
    })),
    notes: Array.from({ length: 15 }, () => long(50)),
    actions: [act(1), act(2)],
  },
  {
    kind: 'choice',
    locale: 'en',
    text: long(10),
    options: Array.from({ length: 3 }, (_, i) => ({
      label: long(100),
      detail: EVIL,
      payload: `pick:${i}`,
    })),
  },
  {
    kind: 'choice',
    locale: 'en',
    text: 'Which?',
    options: Array.from({ length: 140 }, (_, i) => ({ label: long(100), payload: `pick:x:${i}` })),
  },
  {
    kind: 'deal',
    locale: 'en',
    card: {
      dealId: 'd',
      account: EVIL,
      title: long(10),
      stage: 'Quote',
      status: 'lost',
      owner: EVIL,
      fields: Array.from({ length: 14 }, (_, i) => ({ label: `F${i}`, value: long(3000) })),
      history: Array.from({ length: 30 }, () => long(300)),
      actions: [act(1)],
    },
  },
  {
    kind: 'pipeline',
    locale: 'en',
    title: EVIL,
    rows: Array.from({ length: 60 }, (_, i) => ({
      stage: `${EVIL}${i}`,
      count: i,
      totals: ['$1'],
      weighted: ['$0.5'],
    })),
    totals: ['$1,000'],
    footnote: EVIL,
  },
  {
    kind: 'list',
    locale: 'en',
    title: EVIL,
    empty: 'none',
    items: Array.from({ length: 120 }, () => ({ text: long(10), detail: EVIL, actions: [act(1)] })),
    more: 5,
  },
  { kind: 'list', locale: 'zh-CN', title: '空', empty: EVIL, items: [] },
  {
    kind: 'help',
    locale: 'en',
    title: EVIL,
    sections: Array.from({ length: 60 }, () => ({ heading: EVIL, lines: [long(400), long(400)] })),
  },
  {
    kind: 'report',
    locale: 'en',
    title: EVIL,
    sections: Array.from({ length: 30 }, () => ({
      heading: EVIL,
      lines: [long(100)],
      items: Array.from({ length: 10 }, () => ({ text: EVIL, actions: [act(1), act(2)] })),
      more: 3,
    })),
    footer: EVIL,
  },
  { kind: 'image', locale: 'en', title: EVIL, alt: long(100), png: new Uint8Array() },
];

describe('renderReply', () => {
  it.each(replies.map((r) => [r.kind, r] as const))(
    'renders %s within Block Kit limits, escaped',
    (_kind, reply) => {
      const r = renderReply(reply, 50);
      checkBlocks(r.blocks, 50);
      expect(r.text.length).toBeLessThanOrEqual(3000);
      expect(r.text).not.toMatch(/[<>]/);
    },
  );

  it('says how much more there was when a list does not fit, in the reply’s language', () => {
    const list = renderReply(replies[6]!, 50);
    expect(JSON.stringify(list.blocks)).toMatch(/…and \d+ more/);
    const rows = renderReply(replies[1]!, 50);
    expect(JSON.stringify(rows.blocks)).toMatch(/…and \d+ more/);
    const zh = renderReply(
      { ...(replies[6] as Extract<Reply, { kind: 'list' }>), locale: 'zh-CN' },
      50,
    );
    expect(JSON.stringify(zh.blocks)).toMatch(/……还有 \d+ 项/);
  });

  it('uses buttons for a few choices and a menu for many', () => {
    const few = renderReply(replies[2]!);
    expect(JSON.stringify(few.blocks)).toContain('"type":"button"');
    const many = renderReply(replies[3]!);
    expect(JSON.stringify(many.blocks)).toContain('"type":"static_select"');
  });

  it('fits several replies into one message or a 100-block view', () => {
    const message = renderReplies(replies, 50);
    checkBlocks(message.blocks, 50);
    const view = renderReplies(replies, 100);
    checkBlocks(view.blocks, 100);
    expect(view.blocks.length).toBeGreaterThan(50);
  });
});

describe('text helpers', () => {
  it('escapes Slack’s control characters and truncates without splitting an entity', () => {
    expect(escapeMrkdwn('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;');
    const s = safe('&'.repeat(100), 20);
    expect(s.length).toBeLessThanOrEqual(20);
    expect(s).toMatch(/^(&amp;)+…$/);
  });

  it('replaces the spent control of an acted-on message with what happened', () => {
    const blocks = [
      { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'card' } },
      { type: 'actions', block_id: 'b', elements: [] },
      {
        type: 'section',
        block_id: 'c',
        text: { type: 'mrkdwn', text: 'item' },
        accessory: { type: 'button' },
      },
    ];
    const undone = markActed(blocks, 'b', 'Undone: <!channel>');
    expect(undone.map((b) => (b as { type: string }).type)).toEqual([
      'section',
      'context',
      'section',
    ]);
    expect(JSON.stringify(undone)).toContain('Undone: &lt;!channel&gt;');
    const done = markActed(blocks, 'c', 'Done');
    expect(done[2]).not.toHaveProperty('accessory');
    expect(done).toHaveLength(4);
  });
});

describe('edit modal', () => {
  const form: EditForm = {
    locale: 'en',
    dealId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    version: 3,
    title: 'Edit: A very long account name that overflows',
    submitLabel: 'Save',
    fields: [
      {
        key: 'stage',
        label: 'Stage',
        value: 'quote',
        type: 'select',
        options: [
          { value: 'quote', label: 'Quote' },
          { value: 'proposal', label: 'Proposal' },
        ],
        maxLength: 40,
      },
      { key: 'amount', label: 'Amount', value: '50000', type: 'number', maxLength: 20 },
      { key: 'nextStep', label: 'Next step', value: '', type: 'text', maxLength: 500 },
    ],
  };

  it('builds a modal within limits that carries the deal and version', () => {
    const view = editModal(form, { d: form.dealId, v: form.version, c: 'C1', t: '1.000001' });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({
      d: form.dealId,
      v: 3,
      c: 'C1',
      t: '1.000001',
    });
    expect(view.blocks.map((b) => (b as { block_id: string }).block_id)).toEqual([
      'stage',
      'amount',
      'nextStep',
    ]);
    expect(JSON.stringify(view.blocks[0])).toContain('"initial_option"');
  });

  it('reads submitted values back, an emptied input meaning clear', () => {
    const values = readEditValues({
      stage: { value: { type: 'static_select', selected_option: { value: 'proposal' } } },
      amount: { value: { type: 'plain_text_input', value: '60k' } },
      nextStep: { value: { type: 'plain_text_input', value: null } },
    });
    expect(values).toEqual({ stage: 'proposal', amount: '60k', nextStep: '' });
    expect(readEditValues('garbage')).toEqual({});
    expect(modalErrors({ amount: 'Enter a number' })).toEqual({ amount: 'Enter a number' });
  });
});

/**
 * Neutral replies as Discord messages: embeds, buttons and select menus as
 * plain API JSON, cut to Discord's limits. One reply may become several
 * messages (long text, a report bigger than one message allows); buttons go
 * on the last one, under the content they act on.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { ActionButton, Reply, ReportSection, Tone } from '../../assistant/types.ts';
import { escapeText as esc, plainText } from './escape.ts';
import { chunkLines, fitLines, LIMITS, packEmbed, splitText, truncate } from './limits.ts';
import { strings } from './strings.ts';

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

export interface DiscordFile {
  name: string;
  data: Uint8Array;
  description?: string;
}

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: ActionRow[];
  files: DiscordFile[];
  /** Only the person who asked sees it (interaction replies only). */
  ephemeral: boolean;
}

/** The custom id of the account picker's select menu; the chosen value is the payload. */
export const CHOICE_CUSTOM_ID = 'choice';

const COLOR = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
  neutral: 0x99aab5,
  updated: 0x3498db,
} as const;

const TONE_MARK: Record<Tone, string> = { info: '', success: '✅ ', warning: '⚠️ ', error: '❌ ' };

function message(
  embeds: APIEmbed[],
  components: ActionRow[] = [],
  extra: Partial<DiscordMessage> = {},
): DiscordMessage {
  return { embeds, components, files: [], ephemeral: false, ...extra };
}

/** Spread packed embeds over messages; the components ride on the last one. */
function messagesOf(embeds: APIEmbed[], components: ActionRow[]): DiscordMessage[] {
  const pages = embeds.flatMap(packEmbed);
  return pages.map((e, i) => message([e], i === pages.length - 1 ? components : []));
}

function buttonStyle(a: ActionButton): ButtonStyle {
  if (a.style === 'danger') return ButtonStyle.Danger;
  if (a.style === 'primary') return ButtonStyle.Primary;
  return ButtonStyle.Secondary;
}

/**
 * Buttons in rows of five, at most five rows; payloads that would not fit a
 * custom id are left out, and a payload seen twice is kept once (custom ids
 * must be unique within a message). More than 25 (a nudge of ten items with
 * five actions each) become one select menu per kind of action instead.
 */
export function buttonRows(buttons: { label: string; action: ActionButton }[]): ActionRow[] {
  const seen = new Set<string>();
  const distinct = buttons.filter((b) => {
    const p = b.action.payload;
    if (p.length === 0 || p.length > LIMITS.customId || seen.has(p)) return false;
    seen.add(p);
    return true;
  });
  if (distinct.length > LIMITS.actionRows * LIMITS.buttonsPerRow) return actionMenus(distinct);
  const rows: ActionRow[] = [];
  for (const b of distinct) {
    const button: APIButtonComponentWithCustomId = {
      type: ComponentType.Button,
      style: buttonStyle(b.action) as APIButtonComponentWithCustomId['style'],
      label: truncate(plainText(b.label), LIMITS.buttonLabel),
      custom_id: b.action.payload,
    };
    const row = rows[rows.length - 1];
    if (row && row.components.length < LIMITS.buttonsPerRow) row.components.push(button);
    else rows.push({ type: ComponentType.ActionRow, components: [button] });
  }
  return rows;
}

/** Buttons grouped by their action ("Done", "Snooze 1d" …) into at most five select menus. */
function actionMenus(buttons: { label: string; action: ActionButton }[]): ActionRow[] {
  const groups = new Map<string, { label: string; action: ActionButton }[]>();
  for (const b of buttons) {
    const group = groups.get(b.action.label) ?? [];
    group.push(b);
    groups.set(b.action.label, group);
  }
  return [...groups.entries()].slice(0, LIMITS.actionRows).map(([label, group], i) => ({
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: `${CHOICE_CUSTOM_ID}:${i}`,
        placeholder: truncate(`${plainText(label)}…`, LIMITS.selectPlaceholder),
        min_values: 1,
        max_values: 1,
        options: group.slice(0, LIMITS.selectOptions).map((b) => ({
          label: truncate(plainText(b.label), LIMITS.selectOptionText) || '—',
          value: b.action.payload,
        })),
      },
    ],
  }));
}

/** Whether a select menu's custom id is one whose chosen value is an action payload. */
export function isChoiceMenu(customId: string): boolean {
  return customId === CHOICE_CUSTOM_ID || customId.startsWith(`${CHOICE_CUSTOM_ID}:`);
}

type Item = { text: string; detail?: string; actions?: ActionButton[] };

/** Items as lines; items with actions are numbered and their buttons say the number. */
function itemLines(
  items: Item[],
  counter: { n: number },
  buttons: { label: string; action: ActionButton }[],
): string[] {
  return items.map((item) => {
    const detail = item.detail ? ` — ${esc(item.detail)}` : '';
    if (!item.actions?.length) return `• ${esc(item.text)}${detail}`;
    const n = ++counter.n;
    for (const a of item.actions) buttons.push({ label: `${n} · ${a.label}`, action: a });
    return `**${n}.** ${esc(item.text)}${detail}`;
  });
}

function reportEmbeds(
  reply: Extract<Reply, { kind: 'report' }>,
  buttons: { label: string; action: ActionButton }[],
): APIEmbed {
  const s = strings(reply.locale);
  const counter = { n: 0 };
  const fields: NonNullable<APIEmbed['fields']> = [];
  let description: string | undefined;
  reply.sections.forEach((section: ReportSection, index) => {
    const lines = [
      ...(section.lines ?? []).map(esc),
      ...itemLines(section.items ?? [], counter, buttons),
    ];
    if (section.more) lines.push(s.more(section.more));
    if (lines.length === 0) return;
    const heading = section.heading ? esc(section.heading) : '';
    if (!heading && index === 0 && !description) {
      description = fitLines(lines, LIMITS.embedDescription, s.more).text;
      return;
    }
    // A long section continues in further fields under the same heading.
    chunkLines(lines, LIMITS.fieldValue).forEach((value, i) => {
      const name = i === 0 ? heading || '\u200b' : `${heading} ${s.continued}`.trim();
      fields.push({ name: truncate(name, LIMITS.fieldName), value });
    });
  });
  return {
    title: truncate(esc(reply.title), LIMITS.embedTitle),
    color: COLOR.info,
    ...(description ? { description } : {}),
    ...(fields.length ? { fields } : {}),
    ...(reply.footer ? { footer: { text: plainText(reply.footer) } } : {}),
  };
}

export function renderReply(reply: Reply): DiscordMessage[] {
  const s = strings(reply.locale);
  switch (reply.kind) {
    case 'text': {
      const text = `${TONE_MARK[reply.tone ?? 'info']}${esc(reply.text)}`;
      return splitText(text).map((content) =>
        message([], [], { content, ephemeral: Boolean(reply.ephemeral) }),
      );
    }
    case 'change': {
      const lines = reply.rows.map((r) =>
        reply.created || r.before === null
          ? `**${esc(r.label)}:** ${esc(r.after ?? '—')}`
          : `**${esc(r.label)}:** ${esc(r.before ?? '—')} → ${esc(r.after ?? '—')}`,
      );
      const notes = reply.notes.map((n) => `› ${esc(n)}`);
      const description = fitLines(
        [...lines, ...(notes.length && lines.length ? [''] : []), ...notes],
        LIMITS.embedDescription,
        s.more,
      ).text;
      const embed: APIEmbed = {
        title: truncate(esc(reply.title), LIMITS.embedTitle),
        color: reply.created ? COLOR.success : COLOR.updated,
        ...(description ? { description } : {}),
        footer: { text: plainText(`${reply.stage} · ${reply.owner}`) },
      };
      const buttons = buttonRows(reply.actions.map((a) => ({ label: a.label, action: a })));
      return messagesOf([embed], buttons);
    }
    case 'choice': {
      const options = reply.options
        .filter((o) => o.payload.length <= LIMITS.selectOptionText)
        .slice(0, LIMITS.selectOptions)
        .map((o) => ({
          label: truncate(plainText(o.label), LIMITS.selectOptionText) || '—',
          value: o.payload,
          ...(o.detail
            ? { description: truncate(plainText(o.detail), LIMITS.selectOptionText) }
            : {}),
        }));
      const row: ActionRow = {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: CHOICE_CUSTOM_ID,
            placeholder: s.choose,
            min_values: 1,
            max_values: 1,
            options,
          },
        ],
      };
      const content = truncate(esc(reply.text), LIMITS.content);
      return [message([], options.length ? [row] : [], { content })];
    }
    case 'deal': {
      const c = reply.card;
      const head = [c.title && c.title !== c.account ? `*${esc(c.title)}*` : '', esc(c.stage)]
        .filter(Boolean)
        .join(' · ');
      const fields: NonNullable<APIEmbed['fields']> = c.fields.map((f) => ({
        name: esc(f.label),
        value: esc(f.value),
        inline: true,
      }));
      if (c.history.length) {
        fields.push({
          name: s.history,
          value: fitLines(
            c.history.map((h) => `• ${esc(h)}`),
            LIMITS.fieldValue,
            s.more,
          ).text,
        });
      }
      const embed: APIEmbed = {
        title: truncate(esc(c.account), LIMITS.embedTitle),
        color:
          c.status === 'won' ? COLOR.success : c.status === 'lost' ? COLOR.neutral : COLOR.info,
        ...(head ? { description: head } : {}),
        fields,
        footer: { text: plainText(c.owner) || '\u200b' },
      };
      return messagesOf([embed], buttonRows(c.actions.map((a) => ({ label: a.label, action: a }))));
    }
    case 'pipeline': {
      const fields: NonNullable<APIEmbed['fields']> = reply.rows.map((r) => ({
        name: `${esc(r.stage)} · ${r.count}`,
        value: [
          r.totals.join(' + ') || '—',
          r.weighted.length ? `${s.weighted} ${r.weighted.join(' + ')}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
        inline: true,
      }));
      if (reply.totals.length) fields.push({ name: s.total, value: reply.totals.join(' + ') });
      const embed: APIEmbed = {
        title: truncate(esc(reply.title), LIMITS.embedTitle),
        color: COLOR.info,
        fields,
        ...(reply.footnote ? { footer: { text: plainText(reply.footnote) } } : {}),
      };
      return messagesOf([embed], []);
    }
    case 'list': {
      const buttons: { label: string; action: ActionButton }[] = [];
      const lines = itemLines(reply.items, { n: 0 }, buttons);
      const moreLine = (n: number) => s.more(n + (reply.more ?? 0));
      const fitted = fitLines(lines, LIMITS.embedDescription, moreLine);
      let description = reply.items.length ? fitted.text : esc(reply.empty);
      if (reply.more && !fitted.dropped) description += `\n${s.more(reply.more)}`;
      const embed: APIEmbed = {
        title: truncate(esc(reply.title), LIMITS.embedTitle),
        color: COLOR.info,
        // Discord rejects an empty description.
        ...(description ? { description: truncate(description, LIMITS.embedDescription) } : {}),
      };
      return messagesOf([embed], buttonRows(buttons));
    }
    case 'help': {
      const loose = reply.sections.filter((x) => !x.heading).flatMap((x) => x.lines.map(esc));
      const fields = reply.sections
        .filter((x) => x.heading && x.lines.length)
        .map((x) => ({
          name: esc(x.heading),
          value: fitLines(x.lines.map(esc), LIMITS.fieldValue, s.more).text,
        }));
      const embed: APIEmbed = {
        title: truncate(esc(reply.title), LIMITS.embedTitle),
        color: COLOR.neutral,
        ...(loose.length
          ? { description: fitLines(loose, LIMITS.embedDescription, s.more).text }
          : {}),
        ...(fields.length ? { fields } : {}),
      };
      return messagesOf([embed], []);
    }
    case 'report': {
      const buttons: { label: string; action: ActionButton }[] = [];
      const embed = reportEmbeds(reply, buttons);
      return messagesOf([embed], buttonRows(buttons));
    }
    case 'image': {
      const name = 'chart.png';
      const embed: APIEmbed = {
        title: truncate(esc(reply.title), LIMITS.embedTitle),
        color: COLOR.info,
        image: { url: `attachment://${name}` },
      };
      return [
        message([embed], [], {
          files: [{ name, data: reply.png, description: truncate(plainText(reply.alt), 1024) }],
        }),
      ];
    }
  }
}

/** Several replies, in order, as the messages to post. */
export function renderReplies(replies: Reply[]): DiscordMessage[] {
  return replies.flatMap(renderReply);
}

/** The same message with one button turned off (a follow-up marked done, say). */
export function disableButton(rows: ActionRow[], customId: string): ActionRow[] {
  return rows.map((row) => ({
    ...row,
    components: row.components.map((c) =>
      c.type === ComponentType.Button && 'custom_id' in c && c.custom_id === customId
        ? { ...c, disabled: true }
        : c,
    ),
  }));
}

/**
 * Neutral replies → Block Kit. Every reply kind of `src/assistant/types.ts`
 * has a rendering here; all text from users or the database goes through
 * `safe()` (escaped, within limits), and long lists end in "…and N more"
 * instead of overflowing the 50-block (messages) or 100-block (views) cap.
 */
import type { types as slack } from '@slack/bolt';
import { messages } from '../../../assistant/i18n/index.ts';
import type { ActionButton, Reply, ReportSection } from '../../../assistant/types.ts';
import { context, fitLines, LIMITS, mrkdwn, plain, safe, section, truncate } from './text.ts';

export type Block = slack.KnownBlock;

export interface Rendered {
  /** Notification and fallback text (escaped). */
  text: string;
  blocks: Block[];
}

/** Every action id the adapter renders starts with this; the listener matches on it. */
export const ACTION_PREFIX = 'pipebot:';

const TONE = { info: '', success: ':white_check_mark: ', warning: ':warning: ', error: ':x: ' };

export function button(a: ActionButton, n: number): slack.Button {
  const b: slack.Button = {
    type: 'button',
    action_id: `${ACTION_PREFIX}${n}`,
    text: plain(a.label, LIMITS.buttonText),
    value: truncate(a.payload, LIMITS.buttonValue),
  };
  if (a.style) b.style = a.style;
  return b;
}

function actionsBlock(actions: ActionButton[]): slack.ActionsBlock {
  return {
    type: 'actions',
    elements: actions.slice(0, LIMITS.actionsElements).map((a, i) => button(a, i)),
  };
}

type Item = { text: string; detail?: string; actions?: ActionButton[] };

/** List items as sections (one button rides along as an accessory), within a block budget. */
function itemBlocks(items: Item[], budget: number, more: (n: number) => string): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const actions = item.actions ?? [];
    const need = actions.length > 1 ? 2 : 1;
    // Keep one block for "…and N more" when not everything fits.
    const reserve = i + 1 < items.length ? 1 : 0;
    if (out.length + need + reserve > budget) {
      out.push(context([more(items.length - i)]));
      return out;
    }
    const text = item.detail
      ? `${safe(item.text, 2000)}\n_${safe(item.detail, 900)}_`
      : safe(item.text, 2900);
    const block: slack.SectionBlock = { type: 'section', text: mrkdwn(text) };
    if (actions.length === 1) block.accessory = button(actions[0]!, 0);
    out.push(block);
    if (actions.length > 1) out.push(actionsBlock(actions));
  }
  return out;
}

function title(s: string): Block {
  return section(`*${safe(s, 2900)}*`);
}

function reportSection(s: ReportSection, budget: number, more: (n: number) => string): Block[] {
  const out: Block[] = [];
  const lines = (s.lines ?? []).map((l) => safe(l, 1000));
  const head = s.heading ? `*${safe(s.heading, 500)}*` : '';
  if (head || lines.length) {
    out.push(section(fitLines([head, ...lines].filter(Boolean), LIMITS.sectionText, more)));
  }
  if (s.items?.length) out.push(...itemBlocks(s.items, Math.max(1, budget - out.length), more));
  if (s.more && out.length < budget) out.push(context([safe(more(s.more))]));
  return out;
}

/** One reply as blocks, using at most `budget` blocks. */
export function renderReply(reply: Reply, budget: number = LIMITS.messageBlocks): Rendered {
  const t = messages(reply.locale);
  const more = (n: number) => t.andMore(n);
  switch (reply.kind) {
    case 'text': {
      const text = `${TONE[reply.tone ?? 'info']}${safe(reply.text, 2900)}`;
      return { text: safe(reply.text, LIMITS.fallbackText), blocks: [section(text)] };
    }
    case 'change': {
      const rows = reply.rows.map((r) => {
        const label = `*${safe(r.label, 200)}:*`;
        const after = r.after === null ? t.none : safe(r.after, 800);
        return r.before === null
          ? `${label} ${after}`
          : `${label} ~${safe(r.before, 800)}~ → ${after}`;
      });
      const blocks: Block[] = [
        section(
          `*${safe(reply.title, 1000)}*\n${safe(reply.stage, 200)} · ${safe(reply.owner, 200)}`,
        ),
      ];
      if (rows.length) blocks.push(section(fitLines(rows, LIMITS.sectionText, more)));
      if (reply.notes.length) blocks.push(context(reply.notes.map((n) => safe(n, 2000))));
      if (reply.actions.length) blocks.push(actionsBlock(reply.actions));
      return { text: safe(reply.title, LIMITS.fallbackText), blocks };
    }
    case 'choice': {
      const details = reply.options
        .filter((o) => o.detail)
        .map((o) => `• ${safe(o.label, 200)} — ${safe(o.detail ?? '', 400)}`);
      const blocks: Block[] = [
        section(fitLines([safe(reply.text, 1500), ...details], LIMITS.sectionText, more)),
      ];
      if (reply.options.length <= 5) {
        blocks.push(
          actionsBlock(reply.options.map((o) => ({ label: o.label, payload: o.payload }))),
        );
      } else {
        const options = reply.options.slice(0, LIMITS.selectOptions).map((o) => ({
          text: plain(o.label, LIMITS.optionText),
          value: truncate(o.payload, LIMITS.optionValue),
        }));
        blocks.push({
          type: 'actions',
          elements: [
            {
              type: 'static_select',
              action_id: `${ACTION_PREFIX}select`,
              placeholder: plain(t.surface.choose, LIMITS.placeholder),
              options,
            },
          ],
        });
      }
      return { text: safe(reply.text, LIMITS.fallbackText), blocks };
    }
    case 'deal': {
      const c = reply.card;
      const head = c.title && c.title !== c.account ? `${c.account} — ${c.title}` : c.account;
      const status = c.status === 'open' ? '' : ` · ${t.status[c.status]}`;
      const blocks: Block[] = [
        section(`*${safe(head, 1000)}*\n${safe(c.stage, 200)} · ${safe(c.owner, 200)}${status}`),
      ];
      if (c.fields.length) {
        blocks.push({
          type: 'section',
          fields: c.fields
            .slice(0, LIMITS.fields)
            .map((f) => mrkdwn(`*${safe(f.label, 200)}*\n${safe(f.value, 1700)}`)),
        });
      }
      if (c.history.length)
        blocks.push(
          context([
            fitLines(
              c.history.map((h) => safe(h, 500)),
              2900,
              more,
            ),
          ]),
        );
      if (c.actions.length) blocks.push(actionsBlock(c.actions));
      return { text: safe(head, LIMITS.fallbackText), blocks };
    }
    case 'pipeline': {
      const lines = reply.rows.map((r) => {
        const totals = r.totals.length ? r.totals.map((x) => safe(x, 100)).join(' + ') : t.none;
        const weighted = r.weighted.length
          ? ` _(${t.surface.weighted} ${r.weighted.map((x) => safe(x, 100)).join(' + ')})_`
          : '';
        return `*${safe(r.stage, 200)}* · ${r.count} · ${totals}${weighted}`;
      });
      if (reply.totals.length)
        lines.push(`*${t.surface.total}* · ${reply.totals.map((x) => safe(x, 100)).join(' + ')}`);
      const blocks: Block[] = [title(reply.title)];
      if (lines.length) blocks.push(section(fitLines(lines, LIMITS.sectionText, more)));
      if (reply.footnote) blocks.push(context([safe(reply.footnote, 2000)]));
      return { text: safe(reply.title, LIMITS.fallbackText), blocks };
    }
    case 'list': {
      const blocks: Block[] = [title(reply.title)];
      if (reply.items.length === 0) blocks.push(section(safe(reply.empty)));
      else blocks.push(...itemBlocks(reply.items, budget - 2, more));
      if (reply.more && blocks.length < budget) blocks.push(context([safe(more(reply.more))]));
      return { text: safe(reply.title, LIMITS.fallbackText), blocks };
    }
    case 'help': {
      const blocks: Block[] = [title(reply.title)];
      for (const s of reply.sections) {
        if (blocks.length >= budget) break;
        const lines = s.lines.map((l) => `• ${safe(l, 1000)}`);
        const head = s.heading ? [`*${safe(s.heading, 500)}*`] : [];
        blocks.push(section(fitLines([...head, ...lines], LIMITS.sectionText, more)));
      }
      return { text: safe(reply.title, LIMITS.fallbackText), blocks };
    }
    case 'report': {
      const blocks: Block[] = [title(reply.title)];
      // Room for the footer and for a final "…and N more".
      const reserve = (reply.footer ? 1 : 0) + 1;
      for (let i = 0; i < reply.sections.length; i++) {
        const room = budget - blocks.length - reserve;
        if (room < 2) {
          blocks.push(context([safe(more(reply.sections.length - i))]));
          break;
        }
        blocks.push(...reportSection(reply.sections[i]!, room, more));
      }
      if (reply.footer) blocks.push(context([safe(reply.footer, 2000)]));
      return { text: safe(reply.title, LIMITS.fallbackText), blocks };
    }
    case 'image':
      // Where a file cannot be attached (ephemeral answers, views), the alt text stands in.
      return {
        text: safe(reply.title, LIMITS.fallbackText),
        blocks: [
          context([`:frame_with_picture: *${safe(reply.title, 500)}* — ${safe(reply.alt, 2000)}`]),
        ],
      };
  }
}

/** Several replies in one message or view, divided, within the block cap. */
export function renderReplies(
  replies: Reply[],
  maxBlocks: number = LIMITS.messageBlocks,
): Rendered {
  const blocks: Block[] = [];
  const texts: string[] = [];
  for (let i = 0; i < replies.length; i++) {
    const room = maxBlocks - blocks.length - (blocks.length ? 1 : 0);
    if (room < 1) break;
    const r = renderReply(replies[i]!, room);
    if (blocks.length) blocks.push({ type: 'divider' });
    blocks.push(...r.blocks.slice(0, room));
    texts.push(r.text);
  }
  const text = texts.join('\n');
  return {
    text: text.length > LIMITS.fallbackText ? truncate(text, LIMITS.fallbackText) : text,
    blocks,
  };
}

/** Neutral replies as terminal text. */
import type { Reply } from '../../assistant/types.ts';

/**
 * Text from users and the database is printed to a terminal: escape
 * sequences and control characters could rewrite the screen, so they go.
 */
export function terminalSafe(s: string): string {
  return s
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** Display width of a string, counting CJK and other wide characters as two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    w +=
      cp >= 0x1100 &&
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1;
  }
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

const TONE_MARK = { info: '·', success: '✔', warning: '!', error: '✖' } as const;

export interface RenderOptions {
  /** Number choices so the user can answer with a digit (interactive console). */
  numberChoices?: boolean;
}

export function renderReply(reply: Reply, options: RenderOptions = {}): string {
  const safe = terminalSafe;
  const zh = reply.locale === 'zh-CN';
  switch (reply.kind) {
    case 'text':
      return `${TONE_MARK[reply.tone ?? 'info']} ${safe(reply.text)}`;
    case 'change': {
      const lines = [`✔ ${safe(reply.title)}  [${safe(reply.stage)} · ${safe(reply.owner)}]`];
      const w = Math.max(0, ...reply.rows.map((r) => displayWidth(r.label))) + 2;
      for (const r of reply.rows) {
        lines.push(
          `    ${pad(safe(r.label), w)}${safe(r.before ?? '—')}  →  ${safe(r.after ?? '—')}`,
        );
      }
      for (const n of reply.notes) lines.push(`    ${safe(n)}`);
      lines.push(zh ? '    (输入“撤销”可撤回这次修改)' : '    (type “undo” to take this back)');
      return lines.join('\n');
    }
    case 'choice': {
      const lines = [`? ${safe(reply.text)}`];
      reply.options.forEach((o, i) => {
        lines.push(
          `    ${options.numberChoices ? `${i + 1}) ` : '- '}${safe(o.label)}${o.detail ? ` — ${safe(o.detail)}` : ''}`,
        );
      });
      if (options.numberChoices)
        lines.push(zh ? '    输入编号选择。' : '    Type a number to choose.');
      return lines.join('\n');
    }
    case 'deal': {
      const c = reply.card;
      const lines = [`■ ${safe(c.account)} — ${safe(c.stage)} · ${safe(c.owner)}`];
      const w = Math.max(0, ...c.fields.map((f) => displayWidth(f.label))) + 2;
      for (const f of c.fields) lines.push(`    ${pad(safe(f.label), w)}${safe(f.value)}`);
      if (c.history.length) {
        lines.push(zh ? '    历史:' : '    History:');
        for (const h of c.history) lines.push(`      ${safe(h)}`);
      }
      return lines.join('\n');
    }
    case 'pipeline': {
      const lines = [`■ ${safe(reply.title)}`];
      const w = Math.max(0, ...reply.rows.map((r) => displayWidth(r.stage))) + 2;
      for (const r of reply.rows) {
        const weighted = r.weighted.length
          ? `  (${zh ? '加权' : 'weighted'} ${r.weighted.join(' + ')})`
          : '';
        lines.push(
          `    ${pad(safe(r.stage), w)}${String(r.count).padStart(3)}  ${r.totals.join(' + ') || '—'}${weighted}`,
        );
      }
      if (reply.totals.length)
        lines.push(`    ${pad(zh ? '合计' : 'Total', w)}     ${reply.totals.join(' + ')}`);
      if (reply.footnote) lines.push(`    ${safe(reply.footnote)}`);
      return lines.join('\n');
    }
    case 'list': {
      const lines = [`■ ${safe(reply.title)}`];
      if (reply.items.length === 0) lines.push(`    ${safe(reply.empty)}`);
      for (const i of reply.items)
        lines.push(`    - ${safe(i.text)}${i.detail ? ` (${safe(i.detail)})` : ''}`);
      if (reply.more)
        lines.push(zh ? `    ……还有 ${reply.more} 项` : `    …and ${reply.more} more`);
      return lines.join('\n');
    }
    case 'help': {
      const lines = [`■ ${safe(reply.title)}`];
      for (const s of reply.sections) {
        if (s.heading) lines.push(`  ${safe(s.heading)}`);
        for (const l of s.lines) lines.push(`    ${safe(l)}`);
      }
      return lines.join('\n');
    }
    case 'report': {
      const lines = [`■ ${safe(reply.title)}`];
      for (const s of reply.sections) {
        if (s.heading) lines.push(`  ${safe(s.heading)}`);
        for (const l of s.lines ?? []) lines.push(`    ${safe(l)}`);
        for (const i of s.items ?? []) {
          const acts = i.actions?.length
            ? `  [${i.actions.map((a) => safe(a.label)).join(' | ')}]`
            : '';
          lines.push(`    - ${safe(i.text)}${i.detail ? ` (${safe(i.detail)})` : ''}${acts}`);
        }
        if (s.more) lines.push(zh ? `    ……还有 ${s.more} 项` : `    …and ${s.more} more`);
      }
      if (reply.footer) lines.push(`  ${safe(reply.footer)}`);
      return lines.join('\n');
    }
    case 'image':
      return `▣ ${safe(reply.title)} (${safe(reply.alt)})`;
  }
}

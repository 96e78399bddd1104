/**
 * After a button did its work (Undo, Done, a choice), the message that held
 * it is updated in place: the spent controls go and a line says what
 * happened, so nobody clicks a stale button and the channel shows the state.
 */
import { context, LIMITS, safe } from './text.ts';

type RawBlock = Record<string, unknown> & { type?: unknown; block_id?: unknown };

/**
 * The message's blocks (as Slack sent them back in the action payload) with
 * the clicked control removed — the whole actions block, or a section's
 * accessory — and `status` (plain text, escaped here) added after it.
 */
export function markActed(blocks: unknown[], blockId: string, status: string): unknown[] {
  const out: unknown[] = [];
  let placed = false;
  const note = context([safe(status, 2000)]);
  for (const raw of blocks) {
    const block = raw as RawBlock;
    if (!placed && block.block_id === blockId) {
      placed = true;
      if (block.type === 'section' && 'accessory' in block) {
        const { accessory: _spent, ...rest } = block;
        out.push(rest, note);
      } else if (block.type === 'actions') {
        out.push(note);
      } else {
        out.push(block, note);
      }
      continue;
    }
    out.push(block);
  }
  if (!placed) out.push(note);
  return out.slice(0, LIMITS.messageBlocks);
}

// Proves glyph advances are read correctly from both cmap layouts (format 4 built here by hand, format 12 in the bundled font).
import { describe, expect, it } from 'vitest';
import { chartFontMetrics } from '../../src/charts/font.ts';
import { readFontMetrics } from '../../src/charts/fontMetrics.ts';

/** A minimal sfnt with head, hhea, hmtx and a format 4 cmap; 1000 units per em. */
function tinyFont(): Buffer {
  // Glyphs: 0 .notdef (500), 1 'A' (600), 2 'B' (700), 3 '中' (1000); glyph 4 shares the last advance.
  const advances = [500, 600, 700, 1000];
  const head = Buffer.alloc(54);
  head.writeUInt16BE(1000, 18);
  const hhea = Buffer.alloc(36);
  hhea.writeUInt16BE(advances.length, 34);
  const hmtx = Buffer.alloc(advances.length * 4 + 2);
  for (const [i, a] of advances.entries()) hmtx.writeUInt16BE(a, i * 4);

  // Segments: 'A'..'B' by delta (65→1), '中' (U+4E2D) through glyphIdArray, and the 0xFFFF terminator.
  const ends = [0x42, 0x4e2d, 0xffff];
  const starts = [0x41, 0x4e2d, 0xffff];
  const deltas = [1 - 0x41, 0, 1];
  const segCount = ends.length;
  const sub = Buffer.alloc(16 + segCount * 8 + 2);
  sub.writeUInt16BE(4, 0);
  sub.writeUInt16BE(sub.length, 2);
  sub.writeUInt16BE(segCount * 2, 6);
  let at = 14;
  for (const e of ends) at = sub.writeUInt16BE(e, at);
  at += 2; // reservedPad
  for (const s of starts) at = sub.writeUInt16BE(s, at);
  for (const d of deltas) at = sub.writeInt16BE(d, at);
  const rangeOffsets = at;
  // Segment 1's idRangeOffset points from its own slot to glyphIdArray[0].
  sub.writeUInt16BE(0, rangeOffsets);
  sub.writeUInt16BE((segCount - 1) * 2, rangeOffsets + 2);
  sub.writeUInt16BE(0, rangeOffsets + 4);
  sub.writeUInt16BE(3, rangeOffsets + segCount * 2); // glyphIdArray[0] = glyph 3
  const cmap = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12]), sub]);

  const tables: [string, Buffer][] = [
    ['cmap', cmap],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', hmtx],
  ];
  const header = Buffer.alloc(12 + tables.length * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(tables.length, 4);
  let offset = header.length;
  tables.forEach(([tag, data], i) => {
    header.write(tag, 12 + i * 16, 'latin1');
    header.writeUInt32BE(offset, 12 + i * 16 + 8);
    header.writeUInt32BE(data.length, 12 + i * 16 + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...tables.map(([, d]) => d)]);
}

describe('font metrics', () => {
  it('reads advances through a format 4 cmap', () => {
    const m = readFontMetrics(tinyFont());
    expect(m.measure('A', 10)).toBeCloseTo(6);
    expect(m.measure('AB', 10)).toBeCloseTo(13);
    expect(m.measure('中', 20)).toBeCloseTo(20);
    // Unmapped characters take the .notdef advance, as the renderer draws a box.
    expect(m.measure('Z', 10)).toBeCloseTo(5);
  });

  it('gives CJK ideographs a full em and Latin less in the bundled font', () => {
    const m = chartFontMetrics('regular');
    expect(m.measure('需求分析', 12)).toBeCloseTo(48);
    const latin = m.measure('Proposal', 12);
    expect(latin).toBeGreaterThan(30);
    expect(latin).toBeLessThan(60);
    expect(chartFontMetrics('bold').measure('Proposal', 12)).toBeGreaterThan(latin);
  });
});

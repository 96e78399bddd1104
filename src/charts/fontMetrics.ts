/**
 * Advance widths read straight from an OpenType font's `cmap` and `hmtx`
 * tables, so Vega lays out labels with the widths resvg will draw them at.
 * Vega's own fallback guesses 0.8 em per character, which is too wide for
 * Latin and too narrow for CJK, and clips or crowds labels.
 */

export interface FontMetrics {
  /** Width of `text` at `fontSize` px, without kerning. */
  measure(text: string, fontSize: number): number;
}

interface TableRecord {
  offset: number;
  length: number;
}

function readTables(font: Buffer): Map<string, TableRecord> {
  const count = font.readUInt16BE(4);
  const tables = new Map<string, TableRecord>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    tables.set(font.toString('latin1', at, at + 4), {
      offset: font.readUInt32BE(at + 8),
      length: font.readUInt32BE(at + 12),
    });
  }
  return tables;
}

function table(tables: Map<string, TableRecord>, tag: string): TableRecord {
  const t = tables.get(tag);
  if (!t) throw new Error(`font has no '${tag}' table`);
  return t;
}

type GlyphLookup = (codePoint: number) => number;

/** Segmented coverage (format 12): every Unicode plane. */
function format12(font: Buffer, at: number): GlyphLookup {
  const groups = font.readUInt32BE(at + 12);
  const starts = new Uint32Array(groups);
  const ends = new Uint32Array(groups);
  const glyphs = new Uint32Array(groups);
  for (let i = 0; i < groups; i++) {
    const g = at + 16 + i * 12;
    starts[i] = font.readUInt32BE(g);
    ends[i] = font.readUInt32BE(g + 4);
    glyphs[i] = font.readUInt32BE(g + 8);
  }
  return (cp) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cp < starts[mid]!) hi = mid - 1;
      else if (cp > ends[mid]!) lo = mid + 1;
      else return glyphs[mid]! + cp - starts[mid]!;
    }
    return 0;
  };
}

/** Segment mapping to delta values (format 4): the Basic Multilingual Plane. */
function format4(font: Buffer, at: number): GlyphLookup {
  const segments = font.readUInt16BE(at + 6) / 2;
  const endCodes = at + 14;
  const startCodes = endCodes + segments * 2 + 2;
  const deltas = startCodes + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segments; i++) {
      if (cp > font.readUInt16BE(endCodes + i * 2)) continue;
      const start = font.readUInt16BE(startCodes + i * 2);
      if (cp < start) return 0;
      const delta = font.readInt16BE(deltas + i * 2);
      const rangeAt = rangeOffsets + i * 2;
      const rangeOffset = font.readUInt16BE(rangeAt);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeAt + rangeOffset + (cp - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/** `cmap` holds just the cmap table; subtable offsets are relative to its start. */
function glyphLookup(cmap: Buffer): GlyphLookup {
  const count = cmap.readUInt16BE(2);
  let bmp: number | null = null;
  for (let i = 0; i < count; i++) {
    const rec = 4 + i * 8;
    const platform = cmap.readUInt16BE(rec);
    const encoding = cmap.readUInt16BE(rec + 2);
    const at = cmap.readUInt32BE(rec + 4);
    const format = cmap.readUInt16BE(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) return format12(cmap, at);
    if (format === 4) bmp ??= at;
  }
  if (bmp === null) throw new Error('font has no Unicode cmap (format 4 or 12)');
  return format4(cmap, bmp);
}

/** Reads the metrics of `font` (TTF or OTF bytes); the buffer is not kept. */
export function readFontMetrics(font: Buffer): FontMetrics {
  const tables = readTables(font);
  const unitsPerEm = font.readUInt16BE(table(tables, 'head').offset + 18);
  const longMetrics = font.readUInt16BE(table(tables, 'hhea').offset + 34);
  const hmtx = table(tables, 'hmtx');
  const advances = new Uint16Array(longMetrics);
  for (let i = 0; i < longMetrics; i++) advances[i] = font.readUInt16BE(hmtx.offset + i * 4);

  // Keep a copy of the cmap table only, not the whole (multi-megabyte) font.
  const cmap = table(tables, 'cmap');
  const lookup = glyphLookup(Buffer.from(font.subarray(cmap.offset, cmap.offset + cmap.length)));
  const emCache = new Map<number, number>();
  const advanceEm = (cp: number): number => {
    let em = emCache.get(cp);
    if (em === undefined) {
      const glyph = lookup(cp);
      em = advances[Math.min(glyph, longMetrics - 1)]! / unitsPerEm;
      emCache.set(cp, em);
    }
    return em;
  };

  return {
    measure(text, fontSize) {
      let em = 0;
      for (const ch of text) em += advanceEm(ch.codePointAt(0)!);
      return em * fontSize;
    },
  };
}

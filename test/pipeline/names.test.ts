// Proves account names normalise to one matching key across spellings, suffixes and languages.
import { describe, expect, it } from 'vitest';
import { cleanDisplayName, normalizeAccountName } from '../../src/pipeline/names.ts';

describe('normalizeAccountName', () => {
  it.each([
    ['Acme', 'acme'],
    ['ACME Corp.', 'acme'],
    ['Acme, Inc', 'acme'],
    ['Acme Inc.', 'acme'],
    ['The Acme Company', 'acme'],
    ['acme llc', 'acme'],
    ['Siemens AG', 'siemens'],
    ['Müller GmbH', 'müller'],
    ['Globex Corporation', 'globex'],
    ["Acme's", 'acme'],
    ['Johnson & Johnson', 'johnson and johnson'],
    ['Ａｃｍｅ', 'acme'],
    ['Ac\u200bme', 'acme'],
    ['华为', '华为'],
    ['华为技术有限公司', '华为'],
    ['华为技术有限公司(深圳)', '华为'],
    ['腾讯科技（深圳）有限公司', '腾讯'],
    ['阿里巴巴集团', '阿里巴巴'],
    ['中国平安保险(集团)股份有限公司', '平安保险'],
    ['小米科技有限责任公司', '小米'],
    ['比亚迪股份有限公司', '比亚迪'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAccountName(input)).toBe(expected);
  });

  it('keeps a name that is only a suffix word', () => {
    expect(normalizeAccountName('Group')).toBe('group');
    expect(normalizeAccountName('公司')).toBe('公司');
  });

  it('returns empty for punctuation only', () => {
    expect(normalizeAccountName(' ,.- ')).toBe('');
  });
});

describe('cleanDisplayName', () => {
  it('removes control, zero-width and directional characters and trims', () => {
    expect(cleanDisplayName('  Acme\u202e  Corp\u0007 ')).toBe('Acme Corp');
  });
});

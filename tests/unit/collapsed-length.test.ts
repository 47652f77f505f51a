import { describe, expect, it } from 'vitest';
import { collapsedLength, collapseWhitespace } from '../../src/extract/link-entries.ts';

describe('collapsedLength', () => {
  const samples = [
    '',
    '   ',
    'Derniers articles',
    '  \n\t Derniers   articles \r\n',
    '\u00a0Armée\u00a0de\u2003terre\u3000 ',
    'a\u200bb',
    '\ufeff lead',
    'x'.repeat(300),
    ' a  b  c  '.repeat(40),
    '🛡️  défense  ',
  ];

  it('equals the length of the collapsed text', () => {
    for (const s of samples) expect(collapsedLength(s), JSON.stringify(s)).toBe(collapseWhitespace(s).length);
  });

  it('stops counting past the limit, and never reports a long text as short', () => {
    for (const s of samples) {
      const full = collapseWhitespace(s).length;
      for (const limit of [0, 5, 80]) {
        const n = collapsedLength(s, limit);
        expect(n > limit, `${JSON.stringify(s)} @${limit}`).toBe(full > limit);
        if (full <= limit) expect(n).toBe(full);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/server/pages/excerpt.ts';

const text = (parts: ReturnType<typeof excerpt>) => parts.map((p) => (p.mark ? `[${p.text}]` : p.text)).join('');

describe('excerpt', () => {
  it('marks every searched word, ignoring case and accents as the search does, keeping the text as written', () => {
    expect(text(excerpt('La Frégate et la fregate.', 'FREGATE'))).toBe('La [Frégate] et la [fregate].');
    expect(text(excerpt('Drones and droning', 'dron'))).toBe('[Dron]es and [dron]ing');
  });

  it('starts near the first match, on a word, and ends on a word, with ellipses where it cuts', () => {
    const long = `${'alpha '.repeat(100)}target ${'omega '.repeat(100)}`.trim();
    const cut = text(excerpt(long, 'target', 60));
    expect(cut.startsWith('… alpha')).toBe(true);
    expect(cut).toContain('[target]');
    expect(cut.endsWith('omega …')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(60 + 4 + 2);
  });

  it('the start of the text when nothing matches or nothing is searched; whitespace collapsed', () => {
    expect(text(excerpt('One\n\ntwo   three', ''))).toBe('One two three');
    expect(text(excerpt('One two', 'zzz'))).toBe('One two');
    expect(excerpt('', 'x')).toEqual([]);
  });

  it('query punctuation is not a pattern', () => {
    expect(text(excerpt('a (b) c.*', '(b) .*'))).toBe('a ([b]) c.*');
  });
});

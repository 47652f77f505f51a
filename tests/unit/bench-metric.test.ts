import { describe, expect, it } from 'vitest';
import { pageCounts, pageScore, shingles, summarize, tokenize } from '../../bench/metric.ts';

describe('benchmark metric', () => {
  it('tokenises Unicode words, keeping case and dropping punctuation', () => {
    expect(tokenize('L’amiral a dit : « Déjà 12 000 km ! » snake_case')).toEqual(['L', 'amiral', 'a', 'dit', 'Déjà', '12', '000', 'km', 'snake_case']);
    expect(tokenize('  ...  ')).toEqual([]);
  });

  it('makes one shingle of a text shorter than four tokens and none of an empty text', () => {
    expect([...shingles(['a', 'b']).values()]).toEqual([1]);
    expect(shingles([]).size).toBe(0);
    expect([...shingles(tokenize('a b c d e')).values()]).toEqual([1, 1]);
  });

  it('counts shingles as multisets', () => {
    // Truth's 5 shingles hold "x y z w" twice; the prediction's one copy matches only one of them.
    const c = pageCounts('x y z w x y z w', 'x y z w');
    expect(c.tp).toBeCloseTo(1 / 5);
    expect(c.fp).toBe(0);
    expect(c.fn).toBeCloseTo(4 / 5);
  });

  it('scores identical texts 1 and disjoint texts 0', () => {
    expect(pageScore(pageCounts('one two three four five', 'one two three four five'))).toEqual({ precision: 1, recall: 1 });
    expect(pageScore(pageCounts('one two three four five', 'six seven eight nine ten'))).toEqual({ precision: 0, recall: 0 });
  });

  it('gives precision and recall of a partial overlap', () => {
    // Truth: 5 shingles (8 tokens); prediction covers the first 4 of them plus 2 of its own.
    const truth = 'a b c d e f g h';
    const predicted = 'a b c d e f g x y';
    const s = pageScore(pageCounts(truth, predicted));
    expect(s.precision).toBeCloseTo(4 / 6);
    expect(s.recall).toBeCloseTo(4 / 5);
  });

  it('leaves an empty prediction out of the precision mean but counts its recall as 0', () => {
    const s = pageScore(pageCounts('a b c d e', ''));
    expect(s.precision).toBeNull();
    expect(s.recall).toBe(0);
    const both = pageScore(pageCounts('', ''));
    expect(both).toEqual({ precision: null, recall: null });
  });

  it('averages precision and recall over pages, then takes F1 of the means, and counts exact token matches', () => {
    const sum = summarize([
      { truth: 'a b c d e', predicted: 'a b c d e' },
      { truth: 'a b c d e', predicted: '' },
      { truth: 'p q r s', predicted: 'p, q; r s!' },
    ]);
    expect(sum.precision).toBeCloseTo(1);
    expect(sum.recall).toBeCloseTo(2 / 3);
    expect(sum.f1).toBeCloseTo((2 * 1 * (2 / 3)) / (1 + 2 / 3));
    expect(sum.accuracy).toBeCloseTo(2 / 3);
  });
});

import { describe, expect, it } from 'vitest';
import { hitTerms, watchlistHits } from '../../src/server/pages/watchlist-hits.ts';

const excerpt = (text: string, hitStart: number, hitEnd: number) => ({ text, hitStart, hitEnd, cutBefore: false, cutAfter: true });

describe('watchlistHits', () => {
  it('cuts each excerpt at its hit offsets, as text', () => {
    expect(watchlistHits([{ term: 'frigate', excerpt: excerpt('a <b>frigate</b> here', 5, 12) }])).toEqual([
      { term: 'frigate', excerpt: { before: 'a <b>', hit: 'frigate', after: '</b> here', cutBefore: false, cutAfter: true } },
    ]);
  });

  it('keeps the term but drops an excerpt whose offsets do not fit, and drops hits without a term', () => {
    const rows = [
      { term: 'a', excerpt: excerpt('abc', 2, 9) },
      { term: 'b', excerpt: excerpt('abc', 2, 1) },
      { term: 'c', excerpt: excerpt('abc', -1, 1) },
      { term: 'd', excerpt: excerpt('abc', 0.5, 1) },
      { term: 'e' },
      { excerpt: excerpt('abc', 0, 1) },
      null,
      'x',
    ];
    expect(watchlistHits(rows)).toEqual(['a', 'b', 'c', 'd', 'e'].map((term) => ({ term, excerpt: null })));
    expect(watchlistHits({ term: 'a' })).toEqual([]);
    expect(watchlistHits(null)).toEqual([]);
  });

  it('hitTerms lists each term once, in order', () => {
    expect(hitTerms([{ term: 'b' }, { term: 'a' }, { term: 'b' }])).toEqual(['b', 'a']);
  });
});

import { describe, expect, it } from 'vitest';
import { articlesHref, articlesQuery } from '../../src/server/pages/articles-query.ts';

describe('articlesQuery', () => {
  it('reads the form into a store search: 20 a page, `to` a whole day, empty fields left out', () => {
    const q = articlesQuery({ q: ' frégate ', source: 'alpha', lang: 'FR', from: '2026-11-01', to: '2026-11-30', page: '3' });
    expect(q.search).toEqual({ q: 'frégate', sourceId: 'alpha', lang: 'fr', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', limit: 20, offset: 40 });
    expect(q.problems).toEqual([]);
    expect(articlesQuery({}).search).toEqual({ limit: 20, offset: 0 });
  });

  it('ignores a bad date (and says so), a bad page and repeated fields', () => {
    const q = articlesQuery({ from: '2026-13-45', to: 'tomorrow', page: '-1', q: ['a', 'b'] });
    expect(q.problems).toEqual(['"from" ignored: expected a date like 2026-12-01', '"to" ignored: expected a date like 2026-12-01']);
    expect(q.search).toEqual({ q: 'a', limit: 20, offset: 0 });
    expect(articlesQuery({ page: '1e9' }).page).toBe(1);
    expect(articlesQuery({ page: '99999999' }).page).toBe(10_000);
  });

  it('page links keep the filters, encoded, and leave out page 1', () => {
    const q = articlesQuery({ q: 'a&b=c', source: 'alpha', from: '2026-11-01' });
    expect(articlesHref(q, 2)).toBe('/articles?q=a%26b%3Dc&source=alpha&from=2026-11-01&page=2');
    expect(articlesHref(q, 1)).toBe('/articles?q=a%26b%3Dc&source=alpha&from=2026-11-01');
    expect(articlesHref(articlesQuery({}), 1)).toBe('/articles');
  });
});

// Watchlist matches on every backend: a story matches a watchlist once, whichever copy matched first.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { backends, type TestStore } from '../helpers/stores.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const hits = (term: string) => [{ term, matched: term, excerpt: { text: `… ${term} …`, hitStart: 2, hitEnd: 2 + term.length } }];

describe.each(backends)('Store watchlist matches on $name', ({ open }) => {
  let opened: TestStore;
  let store: Store;

  beforeEach(async () => {
    opened = await open();
    store = opened.store;
  });
  afterEach(async () => {
    await opened?.close();
  });

  it('recordWatchlistMatch is new once per (watchlist, story): a second copy of the story is not', async () => {
    expect(await store.recordWatchlistMatch({ watchlistId: 'air-defence', storyId: 7, articleId: 70, hits: hits('Patriot') }, at(1))).toBe(true);
    // Another copy of story 7 (article 71) matching later: the first copy's match stays.
    expect(await store.recordWatchlistMatch({ watchlistId: 'air-defence', storyId: 7, articleId: 71, hits: hits('Mamba') }, at(2))).toBe(false);
    // The same story matching another watchlist, and another story matching the same watchlist, are new.
    expect(await store.recordWatchlistMatch({ watchlistId: 'baltic', storyId: 7, articleId: 71, hits: hits('Baltic') }, at(3))).toBe(true);
    expect(await store.recordWatchlistMatch({ watchlistId: 'air-defence', storyId: 8, articleId: 80, hits: hits('Patriot') }, at(4))).toBe(true);

    const all = await store.watchlistMatches();
    expect(all.map((m) => [m.watchlistId, m.storyId, m.articleId])).toEqual([
      ['air-defence', 8, 80],
      ['baltic', 7, 71],
      ['air-defence', 7, 70],
    ]);
    expect(all[2]).toMatchObject({ hits: hits('Patriot'), createdAt: at(1) });
    expect((await store.watchlistMatches({ watchlistId: 'air-defence' })).map((m) => m.storyId)).toEqual([8, 7]);
    expect((await store.watchlistMatches({ storyId: 7 })).map((m) => m.watchlistId)).toEqual(['baltic', 'air-defence']);
    expect(await store.watchlistMatches({ watchlistId: 'baltic', storyId: 8 })).toEqual([]);
    expect((await store.watchlistMatches({ limit: 1 })).map((m) => m.storyId)).toEqual([8]);
  });

  it('a match recorded in a transaction that rolls back is not kept, and is new again after', async () => {
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.recordWatchlistMatch({ watchlistId: 'air-defence', storyId: 9, articleId: 90, hits: hits('Patriot') }, at(1))).toBe(true);
        throw new Error('crash after the match');
      }),
    ).rejects.toThrow('crash after the match');
    expect(await store.watchlistMatches()).toEqual([]);
    expect(await store.recordWatchlistMatch({ watchlistId: 'air-defence', storyId: 9, articleId: 90, hits: hits('Patriot') }, at(2))).toBe(true);
  });

  it('two stores on one database racing to record the same match: exactly one sees it as new', async () => {
    const other = await opened.reopen();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).recordWatchlistMatch({ watchlistId: 'air-defence', storyId: 5, articleId: 50 + i, hits: [] }, at(i))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.watchlistMatches({ storyId: 5 })).toHaveLength(1);
  });
});

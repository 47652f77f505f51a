import type { Store, StorySummary, WatchlistMatchRow } from '../store/index.ts';

export interface MatchedStory {
  match: WatchlistMatchRow;
  story: StorySummary;
}

/** A watchlist's latest matches, newest first, each with its story (a story gone from the store is skipped). */
export async function watchlistStories(store: Store, watchlistId: string, limit: number): Promise<MatchedStory[]> {
  const matches = await store.watchlistMatches({ watchlistId, limit });
  const stories = await Promise.all(matches.map((m) => store.story(m.storyId)));
  return matches.flatMap((match, i) => {
    const story = stories[i];
    return story ? [{ match, story }] : [];
  });
}

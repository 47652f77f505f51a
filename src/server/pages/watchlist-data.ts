import type { WatchlistConfig } from '../../config/index.ts';
import type { WatchlistDigestRow } from '../../store/index.ts';
import type { ServerContext } from '../server-context.ts';
import { watchlistStories, type MatchedStory } from '../watchlist-stories.ts';

/** Matches shown on a watchlist's page, newest first. */
export const WATCHLIST_PAGE_MATCHES = 50;
/** What "recently" means on /watchlists, and how many matches it counts at most. */
export const RECENT_DAYS = 7;
const RECENT_CAP = 200;

export interface WatchlistsData {
  watchlists: Array<{ watchlist: WatchlistConfig; recent: number; capped: boolean }>;
}

export interface WatchlistData {
  watchlist: WatchlistConfig;
  matches: MatchedStory[];
  /** Its last digest, when it has a digest and one has run. */
  lastDigest: WatchlistDigestRow | null;
}

/** Every configured watchlist with how many stories it matched in the last RECENT_DAYS days. */
export async function watchlistsData(ctx: ServerContext, now: number): Promise<WatchlistsData> {
  const since = now - RECENT_DAYS * 86_400_000;
  const watchlists = await Promise.all(
    ctx.config.watchlists.map(async (watchlist) => {
      const rows = await ctx.store.watchlistMatches({ watchlistId: watchlist.id, limit: RECENT_CAP });
      const recent = rows.filter((m) => Date.parse(m.createdAt) >= since).length;
      return { watchlist, recent, capped: recent === RECENT_CAP };
    }),
  );
  return { watchlists };
}

/** A configured watchlist and its latest matches with their stories; null when no watchlist has this id. */
export async function watchlistData(ctx: ServerContext, id: string): Promise<WatchlistData | null> {
  const watchlist = ctx.config.watchlists.find((w) => w.id === id);
  if (!watchlist) return null;
  const [matches, digests] = await Promise.all([watchlistStories(ctx.store, id, WATCHLIST_PAGE_MATCHES), watchlist.digest ? ctx.store.watchlistDigests(id, 1) : []]);
  return { watchlist, matches, lastDigest: digests[0] ?? null };
}

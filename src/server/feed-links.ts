export type FeedFormat = 'rss' | 'atom' | 'json';

/** Each format's file extension under /feeds and its media type. */
export const FEED_FORMATS: Record<FeedFormat, { ext: string; type: string; label: string }> = {
  rss: { ext: 'xml', type: 'application/rss+xml', label: 'RSS' },
  atom: { ext: 'atom', type: 'application/atom+xml', label: 'Atom' },
  json: { ext: 'json', type: 'application/feed+json', label: 'JSON Feed' },
};

export interface FeedLink {
  format: FeedFormat;
  /** Path from the server's root, without the token: a page's head is read by anyone who sees the page. */
  href: string;
  type: string;
  title: string;
}

/**
 * The feeds of every source, or of one: what a page puts in its head as
 * `<link rel="alternate" type="{type}" href="{href}" title="{title}">` (escaped like any other attribute).
 */
export function feedLinks(sourceId?: string): FeedLink[] {
  return (Object.keys(FEED_FORMATS) as FeedFormat[]).map((format) => {
    const { ext, type, label } = FEED_FORMATS[format];
    return sourceId === undefined
      ? { format, href: `/feeds/all.${ext}`, type, title: `Vigie: all sources (${label})` }
      : { format, href: `/feeds/sources/${encodeURIComponent(sourceId)}.${ext}`, type, title: `Vigie: ${sourceId} (${label})` };
  });
}

/** The feeds of one watchlist, for its page's head. */
export function watchlistFeedLinks(watchlistId: string): FeedLink[] {
  return (Object.keys(FEED_FORMATS) as FeedFormat[]).map((format) => {
    const { ext, type, label } = FEED_FORMATS[format];
    return { format, href: `/feeds/watchlists/${encodeURIComponent(watchlistId)}.${ext}`, type, title: `Vigie: watchlist ${watchlistId} (${label})` };
  });
}

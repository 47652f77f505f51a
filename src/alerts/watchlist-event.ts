import type { WatchHit } from '../watch/compile-watchlists.ts';
import { channelMessage, type ChannelMessage } from './channels/channel-message.ts';

/** The JSON a `watchlist.match` event carries, to webhooks as is and to channels as a message built from it. */
export interface WatchlistEventBody {
  type: 'watchlist.match';
  timestamp: string;
  data: {
    watchlist: { id: string };
    /** One per matching term, in the order of the watchlist's terms, each with its excerpt. */
    hits: WatchHit[];
    source: string;
    /** The story, with every copy known when it matched (the matching one included). */
    story: { id: number; copies: Array<{ source: string; url: string; lang?: string | null }> };
    entry: { title: string; url: string; firstSeenAt: string };
    /** As `article.new` carries it; null when the page could not be read (the entry's title matched). */
    article: { title: string; text: string; lang: string | null; publishedAt: string | null; url: string } | null;
  };
}

export type WatchlistEventInput = Omit<WatchlistEventBody['data'], 'watchlist'> & { watchlistId: string; now: string };

/** The key of a story's `watchlist.match` event: one per watchlist and story, ever (and how a digest finds it). */
export const watchlistMatchKey = (watchlistId: string, storyId: number): string => `watchlist.match:${watchlistId}:story:${storyId}`;

export function watchlistEvent(input: WatchlistEventInput): WatchlistEventBody {
  const { watchlistId, now, ...data } = input;
  return { type: 'watchlist.match', timestamp: now, data: { watchlist: { id: watchlistId }, ...data } };
}

/** A match as a message needs it: the event's data, the article's text not required (a digest does not carry it). */
export type WatchlistMatchData = Omit<WatchlistEventBody['data'], 'article'> & {
  article: Omit<NonNullable<WatchlistEventBody['data']['article']>, 'text'> | null;
};

/** What a Slack, Teams, Discord or email channel shows for the event (or for one story of a digest). */
export function watchlistMessage(body: { data: WatchlistMatchData }, publicUrl: string | null | undefined): ChannelMessage {
  const { data } = body;
  return channelMessage({
    storyId: data.story.id,
    sourceId: data.source,
    title: data.article?.title || data.entry.title,
    url: data.article?.url ?? data.entry.url,
    lang: data.article?.lang ?? null,
    time: data.article?.publishedAt ?? data.entry.firstSeenAt,
    publicUrl: publicUrl ?? null,
    match: { id: data.watchlist.id, hits: data.hits },
  });
}

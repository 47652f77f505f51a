import { channelDigest, type ChannelDigest } from './channels/channel-digest.ts';
import { watchlistMessage, type WatchlistEventBody, type WatchlistMatchData } from './watchlist-event.ts';

/** One story in a digest: its `watchlist.match` event's data, without the article's text (a digest lists, it does not reprint). */
export type DigestMatch = WatchlistMatchData;

/** The JSON a `watchlist.digest` event carries: to a webhook channel as is, to the other channels as a digest message. */
export interface DigestEventBody {
  type: 'watchlist.digest';
  timestamp: string;
  data: {
    /** The schedule that sent it, as configured. */
    schedule: { cron: string; tz: string };
    /** ISO 8601, UTC: the scheduled time. */
    due: string;
    /** The matches made after `from`, up to `to` (when the digest ran). */
    from: string;
    to: string;
    /** One group per watchlist sending to this channel on this schedule, in config order; empty groups included. */
    groups: Array<{ watchlist: { id: string }; from: string; matches: DigestMatch[] }>;
  };
}

export interface DigestEventInput {
  schedule: { cron: string; tz: string };
  due: string;
  now: string;
  groups: Array<{ watchlistId: string; from: string; matches: readonly WatchlistEventBody[] }>;
}

export function digestEvent(input: DigestEventInput): DigestEventBody {
  const groups = input.groups.map((g) => ({ watchlist: { id: g.watchlistId }, from: g.from, matches: g.matches.map((m) => digestMatch(m.data)) }));
  const from = groups.reduce((min, g) => (g.from < min ? g.from : min), input.due);
  return { type: 'watchlist.digest', timestamp: input.now, data: { schedule: input.schedule, due: input.due, from, to: input.now, groups } };
}

function digestMatch(data: WatchlistEventBody['data']): DigestMatch {
  if (!data.article) return { ...data, article: null };
  const { text: _text, ...article } = data.article;
  return { ...data, article };
}

/** What a Slack, Teams, Discord or email channel shows for the digest: the stories, grouped by watchlist. */
export function digestMessage(body: DigestEventBody, publicUrl: string | null | undefined): ChannelDigest {
  const items = body.data.groups.flatMap((g) => g.matches.map((m) => watchlistMessage({ data: m }, publicUrl)));
  return channelDigest({ from: body.data.from, to: body.data.to, items });
}

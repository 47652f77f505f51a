import type { ChannelMessage } from './channel-message.ts';

export interface DigestGroup {
  watchlistId: string;
  /** Stories matched by this watchlist, each with its match. */
  items: ChannelMessage[];
}

/** The stories matched over a period, grouped by watchlist. */
export interface ChannelDigest {
  kind: 'digest';
  /** ISO 8601, UTC: the stories matched after `from`, up to `to`. */
  from: string;
  to: string;
  groups: DigestGroup[];
  /** Stories over all groups (a story matching two watchlists counts in each). */
  total: number;
}

export interface ChannelDigestInput {
  from: string;
  to: string;
  /** Matched stories (`match` set), in the order they should show. */
  items: readonly ChannelMessage[];
}

/** Groups matched stories by watchlist, in the order each watchlist first appears. Throws on a story without a match. */
export function channelDigest(input: ChannelDigestInput): ChannelDigest {
  const groups = new Map<string, DigestGroup>();
  for (const item of input.items) {
    if (!item.match) throw new TypeError(`channelDigest: story ${item.storyId} has no watchlist match`);
    const id = item.match.watchlistId;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { watchlistId: id, items: [] }));
    group.items.push(item);
  }
  return { kind: 'digest', from: iso(input.from), to: iso(input.to), groups: [...groups.values()], total: input.items.length };
}

function iso(text: string): string {
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new TypeError(`channelDigest: ${JSON.stringify(text)} is not a date`);
  return new Date(at).toISOString();
}

/** Whatever a channel sends: one story, or a digest. */
export type ChannelContent = ChannelMessage | ChannelDigest;

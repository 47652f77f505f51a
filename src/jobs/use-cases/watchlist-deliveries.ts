import { channelTarget } from '../../alerts/channels/channel-target.ts';
import { watchlistEvent, watchlistMatchKey, type WatchlistEventInput } from '../../alerts/watchlist-event.ts';
import type { DeliveryRow, Store } from '../../store/index.ts';
import { configWatchlists } from './config-watchlists.ts';
import type { UseCaseDeps } from './deps.ts';

export interface WatchlistArticle {
  sourceId: string;
  storyId: number;
  articleId: number;
  copies: WatchlistEventInput['story']['copies'];
  entry: WatchlistEventInput['entry'];
  /** Null when the page was unreadable: the entry's title is matched alone. */
  article: WatchlistEventInput['article'];
  at: string;
}

/**
 * Runs the watchlists over an article, inside readArticle's transaction (`tx`), and creates a `watchlist.match`
 * event for each watchlist the article's story matches for the first time, whichever copy matched first: a later
 * copy of a matched story sends nothing more. Its deliveries go to the watchlist's `notify` channels (the channel id
 * as the delivery's webhook id) and to the webhooks subscribed to `watchlist.match`. Returns the deliveries to
 * enqueue: the new events', or the pending ones of events this same article created in a run that crashed later.
 */
export async function watchlistDeliveries(deps: UseCaseDeps, tx: Store, a: WatchlistArticle): Promise<DeliveryRow[]> {
  const { config } = deps;
  if (config.watchlists.length === 0) return [];
  const title = a.article?.title || a.entry.title;
  const matches = configWatchlists(config).match(title, a.article?.text ?? '');
  const webhooks = config.webhooks.filter((w) => w.events.includes('watchlist.match'));
  const deliveries: DeliveryRow[] = [];
  for (const m of matches) {
    const watchlist = config.watchlists[m.index]!;
    if (watchlist.sources && !watchlist.sources.includes(a.sourceId)) continue;
    const dedupeKey = watchlistMatchKey(watchlist.id, a.storyId);
    const isNew = await tx.recordWatchlistMatch({ watchlistId: watchlist.id, storyId: a.storyId, articleId: a.articleId, hits: m.hits }, a.at);
    if (!isNew) {
      // Ours from an earlier run of this same job (it committed, then died before enqueueing): enqueue them again.
      const [first] = await tx.watchlistMatches({ watchlistId: watchlist.id, storyId: a.storyId, limit: 1 });
      if (first?.articleId === a.articleId) deliveries.push(...(await tx.pendingDeliveriesForKey(dedupeKey)));
      continue;
    }
    const channels = watchlist.notify.map((id) => config.channels.find((c) => c.id === id)).filter((c) => c !== undefined);
    const payload = watchlistEvent({
      watchlistId: watchlist.id,
      hits: m.hits,
      source: a.sourceId,
      story: { id: a.storyId, copies: a.copies },
      entry: a.entry,
      article: a.article,
      now: a.at,
    });
    const targets = [...channels.map(channelTarget), ...webhooks.map((w) => ({ id: w.id, url: w.url }))];
    const created = await tx.createEvent({ type: 'watchlist.match', dedupeKey, sourceId: a.sourceId, storyId: a.storyId, payload, webhooks: targets }, a.at);
    deliveries.push(...(created ? created.deliveries : await tx.pendingDeliveriesForKey(dedupeKey)));
    deps.log.info(
      { watchlist: watchlist.id, story: a.storyId, source: a.sourceId, terms: m.hits.map((h) => h.term), deliveries: targets.length },
      `watchlist ${watchlist.id} matches story ${a.storyId} (${m.hits.map((h) => h.matched).join(', ')})`,
    );
  }
  return deliveries;
}

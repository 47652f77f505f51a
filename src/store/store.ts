import type { TranslationMatcher } from '../dedupe/translation-matcher.ts';
import type { SiteTemplate } from '../extract/site-template.ts';
import type { Article } from '../extract/types.ts';

/** Rows and inputs of the store. Names follow the API's JSON (camelCase). */
export interface EntryRow {
  id: number;
  sourceId: string;
  url: string;
  urlKey: string;
  title: string;
  firstSeenAt: string;
  baseline: boolean;
}

export interface NewEntry {
  title: string;
  /** Canonical URL, as shown to users. */
  url: string;
  /** Identity key: two URLs with one key are one entry. */
  urlKey: string;
}

export interface HttpCacheRow {
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
}

export type CrawlOutcome = 'baseline' | 'relisted' | 'changed' | 'unchanged' | 'not-modified' | 'no-list' | 'failed';

export interface CrawlRecord {
  sourceId: string;
  at: string;
  durationMs: number;
  /** Schedule lag: from when the crawl was due to when it got its host slot. Null when unknown (`--once`, retries). */
  lagMs?: number | null;
  status: number | null;
  outcome: CrawlOutcome;
  entriesFound: number;
  entriesNew: number;
  error: string | null;
}

/** A health transition caused by a crawl: the source crossed the failure threshold, or came back. */
export type SourceTransition = 'degraded' | 'recovered' | null;

/** What the store keeps of an extracted article, with the entry URL it was read at. */
export type ArticleInput = Pick<Article, 'title' | 'text' | 'html' | 'lang' | 'publishedAt' | 'byline' | 'canonicalUrl'> & { url: string };

export interface ArticleRow extends ArticleInput {
  id: number;
  entryId: number;
  sourceId: string;
  fetchedAt: string;
  error: string | null;
  storyId: number | null;
}

export interface StoryClaim {
  storyId: number;
  /** True for the first copy of a story: only that one alerts as `article.new`. */
  isNew: boolean;
  matchedArticleId: number | null;
  distance: number | null;
  /** The article in another language this one joined the story as a translation of; null otherwise. */
  translationOf: number | null;
}

export interface ClaimOptions {
  /** The article's language (`fr`, `en-GB`); without one it is never compared across languages. */
  lang?: string | null;
  /** Group translations into the story (French-English by default); null or absent: same-language copies only. */
  translations?: { windowMs: number; matcher?: TranslationMatcher } | null;
}

export interface EventInput {
  type: string;
  /** At most one event per key, ever: a retried job cannot alert twice. */
  dedupeKey: string;
  sourceId: string | null;
  storyId: number | null;
  payload: unknown;
  webhooks: Array<{ id: string; url: string }>;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: number;
  eventId: number;
  webhookId: string;
  url: string;
  msgId: string;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  /** When its retry window started: its creation, or its last replay. */
  windowStart: string;
}

export interface DeliveryWork extends DeliveryRow {
  eventType: string;
  /** The exact body to send: built once when the event was created, identical on every retry. */
  body: string;
}

export interface WatchlistMatchInput {
  watchlistId: string;
  storyId: number;
  articleId: number;
  /** The terms that hit, as the matcher gives them; stored as JSON. */
  hits: unknown;
}

export interface WatchlistMatchRow extends WatchlistMatchInput {
  id: number;
  createdAt: string;
}

export interface DigestStartInput {
  watchlistId: string;
  /** ISO 8601: the scheduled time of this digest; one digest per watchlist and time, ever. */
  dueAt: string;
  /** Where the watchlist's very first digest starts (its previous scheduled time); ignored once it has had one. */
  firstFrom: string;
}

export interface DigestStart {
  /** The previous digest's scheduled time, or `firstFrom` for the first. */
  from: string;
  /** The matches this digest takes, oldest first: every match not yet in a digest, made since the first digest's start. */
  matches: WatchlistMatchRow[];
}

export interface WatchlistDigestRow {
  watchlistId: string;
  dueAt: string;
  from: string;
  stories: number;
  createdAt: string;
}

export interface AttemptRecord {
  deliveryId: number;
  at: string;
  status: number | null;
  outcome: 'delivered' | 'retry' | 'gave-up';
  error: string | null;
  durationMs: number;
}

export interface SourceHealth {
  id: string;
  url: string;
  baselineAt: string | null;
  lastCrawlAt: string | null;
  lastOkAt: string | null;
  consecutiveFailures: number;
  degraded: boolean;
  lastCrawl: CrawlRecord | null;
  entries: number;
}

export interface StoryCopy {
  articleId: number;
  sourceId: string;
  url: string;
  title: string | null;
  /** As the page gave it (`fr`, `en-GB`), or null. */
  lang: string | null;
  /** The copy in another language this one joined the story as a translation of; null otherwise. */
  translationOf: number | null;
  fetchedAt: string;
}

/** A crawl as stored, with its row id (for paging and live updates). */
export interface CrawlRow extends CrawlRecord {
  id: number;
}

/** An article as the dashboard and feeds list it: what was read, and where its story stands. */
export interface StoryArticle extends ArticleRow {
  /** This copy opened its story (alerted as `article.new`). */
  first: boolean;
  /** The copy in another language this one joined the story as a translation of; null otherwise. */
  translationOf: number | null;
}

/** One story: its first copy (what alerted) and every copy on other sites, oldest first. */
export interface StorySummary {
  id: number;
  title: string;
  createdAt: string;
  /** Every copy, oldest first; `copies[0]` opened the story. Text included, html not. */
  copies: StoryArticle[];
}

export interface EventRow {
  id: number;
  type: string;
  dedupeKey: string;
  sourceId: string | null;
  storyId: number | null;
  createdAt: string;
  /** The exact JSON body sent to webhooks. */
  payload: string;
}

/** A delivery with its event's type, for lists of deliveries across events. */
export interface DeliveryListRow extends DeliveryRow {
  eventType: string;
  storyId: number | null;
  sourceId: string | null;
  updatedAt: string;
}

export interface ArticleSearch {
  /** Words to find in the title or text (full-text: SQLite FTS5, Postgres text search). Empty: every article. */
  q?: string;
  sourceId?: string;
  lang?: string;
  /** ISO date or timestamp: articles fetched at or after it. */
  from?: string;
  /** ISO date or timestamp: articles fetched before it. */
  to?: string;
  /** Default 20, at most 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

/** Ids of the last rows a live view has seen, one per kind of change. Start from `changeCursor()`. */
export interface ChangeCursor {
  article: number;
  crawl: number;
  attempt: number;
}

export interface Changes {
  /** Articles saved since: each with whether it opened its story. html not included. */
  articles: StoryArticle[];
  crawls: CrawlRow[];
  attempts: Array<AttemptRecord & { id: number; eventType: string; storyId: number | null; webhookId: string; url: string }>;
  /** Where the next call starts. */
  cursor: ChangeCursor;
}

/**
 * The database behind one narrow interface, on SQLite or Postgres. Every method is asynchronous, so a backend on a
 * server never blocks the event loop. Every method that decides "is this new?" does it with one atomic
 * insert-if-absent (`ON CONFLICT DO NOTHING`), so two workers, in one process or on two machines, never both see
 * the same thing as new.
 */
export interface Store {
  /** Which backend this is, for logs and /health: 'sqlite' or 'postgres'. */
  readonly kind: 'sqlite' | 'postgres';
  /** Records the configured sources; sources no longer configured are marked removed (their history stays). */
  syncSources(sources: Array<{ id: string; url: string }>, now: string): Promise<void>;
  /**
   * Validators of a source's last fetch of `url`. Per source: two sources watching one page each read every
   * change, which a 304 earned by the other source would hide.
   */
  getHttpCache(sourceId: string, url: string): Promise<HttpCacheRow | null>;
  saveHttpCache(sourceId: string, url: string, cache: HttpCacheRow, now: string): Promise<void>;
  /**
   * Inserts the entries never seen for this source and returns only those. On the first call that brings any
   * entry for a source, every entry is stored as the baseline and none is returned as new. When the list was
   * found another way than last time (`listSignature` changed: a selector stopped matching, the heading went,
   * the fallback picked another block), the entries are a new baseline too (`relisted`): a different block is
   * not a burst of news. So are more than `relistJump` new entries at once when the source's usual list (the
   * median found by its last 5 crawls that read one) is a tenth of their number or less (`jump` says so).
   */
  recordEntries(
    sourceId: string,
    entries: NewEntry[],
    now: string,
    options?: { listSignature?: string; relistJump?: number },
  ): Promise<RecordedEntries>;
  /** Logs one crawl and returns the health transition it caused, if any. */
  recordCrawl(crawl: CrawlRecord, degradeAfter: number): Promise<SourceTransition>;
  getEntry(id: number): Promise<EntryRow | null>;
  /**
   * New (non-baseline) entries of a source that have no article yet: their job may have been lost in a crash. By
   * id, from after `afterId` (default 0), at most `limit` (default 100): a page.
   */
  entriesWithoutArticle(sourceId: string, limit?: number, afterId?: number): Promise<EntryRow[]>;
  loadTemplate(sourceId: string): Promise<SiteTemplate | null>;
  saveTemplate(sourceId: string, template: SiteTemplate, now: string): Promise<void>;
  /** Pages each source's template was learned from (its `seen`), read in SQL: no template's JSON is parsed. */
  templateSizes(): Promise<Array<{ sourceId: string; seen: number }>>;
  /** Saves what the article job read for an entry (or the error when it read nothing). Idempotent per entry. */
  saveArticle(entryId: number, article: ArticleInput | null, error: string | null, now: string): Promise<ArticleRow>;
  /** Puts an article in a story, atomically: the first copy opens the story. Idempotent per article. */
  claimStory(articleId: number, title: string, text: string, now: string, options?: ClaimOptions): Promise<StoryClaim>;
  storyCopies(storyId: number): Promise<StoryCopy[]>;
  /** Creates an event and one pending delivery per webhook; null when the key already had an event. */
  createEvent(event: EventInput, now: string): Promise<{ eventId: number; deliveries: DeliveryRow[] } | null>;
  /** Records that a story matched a watchlist; false when the story had already matched it (by any copy). */
  recordWatchlistMatch(match: WatchlistMatchInput, now: string): Promise<boolean>;
  /** Watchlist matches, newest first, by watchlist and/or story. Default limit 50. */
  watchlistMatches(options?: { watchlistId?: string; storyId?: number; limit?: number }): Promise<WatchlistMatchRow[]>;
  /**
   * Starts a watchlist's digest for one scheduled time: records it and takes the matches not yet in a digest. Null
   * when that digest was already started (a retry after a crash): what it took is in its event, not taken again.
   */
  startDigest(input: DigestStartInput, now: string): Promise<DigestStart | null>;
  /** A watchlist's digests, newest first. Default limit 20. */
  watchlistDigests(watchlistId: string, limit?: number): Promise<WatchlistDigestRow[]>;
  /** The payloads of the events with these keys, by key; keys without an event are absent. */
  eventPayloads(dedupeKeys: readonly string[]): Promise<Map<string, unknown>>;
  /** Pending deliveries of the event with this key (to re-enqueue after a crash). */
  pendingDeliveriesForKey(dedupeKey: string): Promise<DeliveryRow[]>;
  getDeliveryWork(deliveryId: number): Promise<DeliveryWork | null>;
  recordAttempt(attempt: AttemptRecord): Promise<void>;
  /** Pending deliveries by id, from after `afterId` (default 0), at most `limit` (default 1,000): a page. */
  pendingDeliveries(limit?: number, afterId?: number): Promise<DeliveryRow[]>;
  /** Number of deliveries in each state. */
  deliveryCounts(): Promise<Record<DeliveryState, number>>;
  deliveries(options?: { eventId?: number; limit?: number }): Promise<DeliveryRow[]>;
  attempts(deliveryId: number): Promise<AttemptRecord[]>;
  health(): Promise<SourceHealth[]>;
  recentEntries(options?: { sourceId?: string; limit?: number }): Promise<EntryRow[]>;
  recentCrawls(options?: { sourceId?: string; limit?: number }): Promise<CrawlRow[]>;
  recentArticles(options?: { limit?: number }): Promise<ArticleRow[]>;
  /** Non-baseline entries first seen per UTC day (`YYYY-MM-DD`) since `sinceDay`, per source: the overview's sparklines. */
  dailyEntries(sinceDay: string): Promise<Array<{ sourceId: string; day: string; count: number }>>;
  /** Stories, newest first, each with its copies; `sourceId`: stories with a copy from that source. Default limit 30. */
  stories(options?: { limit?: number; beforeId?: number; sourceId?: string }): Promise<StorySummary[]>;
  story(id: number): Promise<StorySummary | null>;
  /** Events, newest first, by story and/or source and/or types. Default limit 50. */
  events(options?: { storyId?: number; sourceId?: string; types?: string[]; limit?: number }): Promise<EventRow[]>;
  /** Deliveries, newest first; `failing`: failed, or pending after at least one failed attempt. Default limit 50. */
  deliveryList(options?: { eventIds?: number[]; failing?: boolean; limit?: number }): Promise<DeliveryListRow[]>;
  /** Full-text search over articles' titles and texts, with filters and paging; newest first. html not included. */
  searchArticles(search: ArticleSearch): Promise<{ total: number; articles: StoryArticle[] }>;
  /**
   * Puts a delivery back to pending (a "replay") with a new retry window from `now`; its attempts log goes on. Null if
   * there is no such delivery.
   */
  replayDelivery(deliveryId: number, now: string): Promise<DeliveryRow | null>;
  /** Pauses or resumes deliveries to one webhook (by its config id): paused deliveries wait, they are not dropped. */
  setWebhookPaused(webhookId: string, paused: boolean, now: string): Promise<void>;
  pausedWebhooks(): Promise<Set<string>>;
  /** The ids of the newest rows now: where a live view starts. */
  changeCursor(): Promise<ChangeCursor>;
  /** What was written after `cursor`, at most `limit` rows of each kind (default 100). */
  changesSince(cursor: ChangeCursor, limit?: number): Promise<Changes>;
  /**
   * Runs `fn` in one write transaction: everything it writes through `tx` is committed together or not at all.
   * Use only `tx` inside `fn`: on SQLite the store's other callers wait until the transaction ends, so a call on
   * the outer store from inside `fn` would wait for itself. Transactions inside `fn` join this one.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface RecordedEntries {
  baseline: boolean;
  relisted: boolean;
  added: EntryRow[];
  jump?: { count: number; usual: number };
}

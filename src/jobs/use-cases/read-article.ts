import { articleEvent } from '../../alerts/article-event.ts';
import type { Page, PageFetcherOptions } from '../../crawlers/index.ts';
import { fateOf } from '../../config/fate.ts';
import { readPage } from '../../extract/read-page.ts';
import type { DeliveryRow } from '../../store/index.ts';
import { watchlistDeliveries } from './watchlist-deliveries.ts';
import type { UseCaseDeps } from './deps.ts';

export interface ReadArticleResult {
  articleId: number;
  storyId: number;
  isNewStory: boolean;
  /** The page was read and its text saved; false when the alert went out without it. */
  read: boolean;
  /** Deliveries to enqueue: the new event's, or the still-pending ones of an event a crashed run created. */
  deliveries: DeliveryRow[];
}

/**
 * Fetches and extracts the article behind a new entry, files it into a story, and creates the one event that
 * story deserves. When the page cannot be read and no retry is left (`lastAttempt`), the alert still goes out,
 * with `article: null`; so it does at once when the caller already knows the page is out of reach (`unreadable`).
 */
export interface ReadArticleOptions {
  /** Why the page is out of reach without trying (its host stayed busy past the deadline). Default: none. */
  unreadable?: Error;
  /** Awaited just before the request leaves (per-host spacing). Default: none. */
  beforeRequest?: (url: string) => Promise<void> | void;
  /** Called when the request has left (per-host spacing across processes). Default: none. */
  onRequestSent?: (url: string) => void;
}

export async function readArticle(deps: UseCaseDeps, entryId: number, lastAttempt: boolean, options: ReadArticleOptions = {}): Promise<ReadArticleResult | null> {
  const { unreadable } = options;
  const { store, config } = deps;
  const entry = await store.getEntry(entryId);
  if (!entry) {
    deps.log.warn({ entryId }, 'entry no longer exists; nothing to read');
    return null;
  }
  const at = deps.now().toISOString();

  const [result] = unreadable
    ? [{ ok: false as const, url: entry.url, error: unreadable }]
    : await deps.fetchPages([{ url: entry.url }], articleFetchOptions(deps, options));
  let article = null;
  let error: string | null = null;
  if (result!.ok && result!.page.html !== null) {
    const read = await readWithTemplate(deps, entry.sourceId, result!.page, at);
    article = {
      url: entry.url,
      title: read.article.title || entry.title,
      text: read.article.text,
      html: read.article.html,
      lang: read.article.lang,
      publishedAt: read.article.publishedAt,
      byline: read.article.byline,
      canonicalUrl: read.article.canonicalUrl,
    };
  } else {
    const err = result!.ok ? new Error(`${entry.url}: empty response`) : result!.error;
    if (!lastAttempt && !unreadable && fateOf(err) !== 'give-up') throw err;
    error = `${err.name}: ${err.message}`;
    deps.log.warn({ entryId, url: entry.url, err: error }, 'article could not be read; alerting without it');
  }

  // One transaction: an article saved without its story and event would never alert, as an entry with an article
  // is no longer an orphan to re-queue. Rolled back, the entry stays unread and its job (or the reconcile) retries.
  const { row, claim, deliveries } = await store.transaction(async (tx) => {
    const row = await tx.saveArticle(entryId, article, error, at);
    const { stories } = config;
    const claim = await tx.claimStory(row.id, row.title || entry.title, row.text, at, {
      lang: row.lang,
      translations: stories.translations ? { windowMs: stories.translationWindow } : null,
    });
    const copies = await tx.storyCopies(claim.storyId);
    const alsoAt = copies.filter((c) => c.articleId !== row.id).map((c) => ({ source: c.sourceId, url: c.url }));
    const copyRefs = copies.map((c) => ({ source: c.sourceId, url: c.url, lang: c.lang }));
    const translationOf = claim.translationOf === null ? null : (copyRefs[copies.findIndex((c) => c.articleId === claim.translationOf)] ?? null);
    const type = claim.isNew ? 'article.new' : 'article.duplicate';
    const webhooks = config.webhooks.filter((w) => w.events.includes(type));
    const dedupeKey = claim.isNew ? `article.new:story:${claim.storyId}` : `article.duplicate:article:${row.id}`;
    const eventEntry = { title: entry.title, url: entry.url, firstSeenAt: entry.firstSeenAt };
    const eventArticle = article && { title: article.title, text: article.text, lang: article.lang, publishedAt: article.publishedAt, url: article.url };
    const deliveries = await watchlistDeliveries(deps, tx, {
      sourceId: entry.sourceId,
      storyId: claim.storyId,
      articleId: row.id,
      copies: copyRefs,
      entry: eventEntry,
      article: eventArticle,
      at,
    });
    if (!claim.isNew && webhooks.length === 0) return { row, claim, deliveries };
    const payload = articleEvent({
      type,
      sourceId: entry.sourceId,
      storyId: claim.storyId,
      alsoAt,
      copies: copyRefs,
      translationOf,
      entry: eventEntry,
      article: eventArticle,
      now: at,
    });
    const created = await tx.createEvent({ type, dedupeKey, sourceId: entry.sourceId, storyId: claim.storyId, payload, webhooks }, at);
    deliveries.unshift(...(created ? created.deliveries : await tx.pendingDeliveriesForKey(dedupeKey)));
    return { row, claim, deliveries };
  });
  deps.log.info(
    { source: entry.sourceId, entryId, story: claim.storyId, isNew: claim.isNew, read: article !== null },
    `article ${entry.sourceId}: "${row.title || entry.title}" ${claim.isNew ? `is new story ${claim.storyId}` : `joins story ${claim.storyId}${claim.translationOf === null ? '' : ` as a translation (${row.lang ?? '?'}) of article ${claim.translationOf}`}`}${article ? '' : ' (text unreadable)'}`,
  );
  return { articleId: row.id, storyId: claim.storyId, isNewStory: claim.isNew, read: article !== null, deliveries };
}

/** How article pages are fetched, for new entries and for template warm-ups alike. */
export function articleFetchOptions(deps: UseCaseDeps, hooks: Pick<ReadArticleOptions, 'beforeRequest' | 'onRequestSent'> = {}): PageFetcherOptions {
  return {
    render: 'http',
    userAgent: deps.config.crawl.userAgent,
    timeoutMs: deps.config.crawl.timeout,
    allowNetworks: deps.config.network.allow,
    limits: deps.config.limits,
    robots: deps.robots,
    log: deps.log,
    beforeRequest: hooks.beforeRequest,
    onRequestSent: hooks.onRequestSent,
  };
}

/** Reads an article page with its source's template, and saves the template this page taught. */
export async function readWithTemplate(deps: UseCaseDeps, sourceId: string, page: Page, at: string): Promise<ReturnType<typeof readPage>> {
  const source = deps.config.sources.find((s) => s.id === sourceId);
  const read = readPage(page.html!, {
    url: page.finalUrl,
    template: await deps.store.loadTemplate(sourceId),
    include: source?.extract?.include,
    exclude: source?.extract?.exclude,
    latest: false,
    maxNesting: deps.config.limits.maxNesting,
  });
  if (read.template) await deps.store.saveTemplate(sourceId, read.template, at);
  return read;
}

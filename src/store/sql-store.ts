import { randomUUID } from 'node:crypto';
import { fingerprint } from '../dedupe/fingerprint.ts';
import type { SiteTemplate } from '../extract/site-template.ts';
import { limitClause, type Row, type SqlDb, type SqlParam } from './sql-db.ts';
import { CandidateCache, claimStoryIn, type TranslationCandidate, type TranslationClaim } from './story-index.ts';
import { lexiconTranslations, primaryLang, type TranslationMatcher } from '../dedupe/translation-matcher.ts';
import type {
  ArticleInput,
  ArticleRow,
  AttemptRecord,
  CrawlRecord,
  DeliveryRow,
  DeliveryWork,
  EntryRow,
  EventInput,
  HttpCacheRow,
  NewEntry,
  RecordedEntries,
  SourceHealth,
  SourceTransition,
  Store,
  ArticleSearch,
  ChangeCursor,
  Changes,
  CrawlRow,
  DeliveryListRow,
  EventRow,
  StoryArticle,
  StoryClaim,
  ClaimOptions,
  StoryCopy,
  StorySummary,
  WatchlistMatchInput,
  WatchlistMatchRow,
  DigestStart,
  DigestStartInput,
  WatchlistDigestRow,
} from './store.ts';

/** Rows per INSERT of a crawl's entries: 300 parameters, far below either backend's limit. */
const ENTRY_BATCH = 50;

const entryFrom = (r: Row): EntryRow => ({
  id: r.id as number,
  sourceId: r.source_id as string,
  url: r.url as string,
  urlKey: r.url_key as string,
  title: r.title as string,
  firstSeenAt: r.first_seen_at as string,
  baseline: r.baseline === 1,
});

const articleFrom = (r: Row): ArticleRow => ({
  id: r.id as number,
  entryId: r.entry_id as number,
  sourceId: r.source_id as string,
  url: r.url as string,
  title: (r.title as string | null) ?? '',
  text: (r.text as string | null) ?? '',
  html: (r.html as string | null) ?? '',
  lang: r.lang as string | null,
  publishedAt: r.published_at as string | null,
  byline: r.byline as string | null,
  canonicalUrl: r.canonical_url as string | null,
  fetchedAt: r.fetched_at as string,
  error: r.error as string | null,
  storyId: r.story_id as number | null,
});

const deliveryFrom = (r: Row): DeliveryRow => ({
  id: r.id as number,
  eventId: r.event_id as number,
  webhookId: r.webhook_id as string,
  url: r.url as string,
  msgId: r.msg_id as string,
  state: r.state as DeliveryRow['state'],
  attempts: r.attempts as number,
  lastStatus: r.last_status as number | null,
  lastError: r.last_error as string | null,
  createdAt: r.created_at as string,
  windowStart: (r.window_start as string | null) ?? (r.created_at as string),
});

const crawlFrom = (r: Row): CrawlRow => ({
  id: r.id as number,
  sourceId: r.source_id as string,
  at: r.at as string,
  durationMs: r.duration_ms as number,
  lagMs: (r.lag_ms as number | null) ?? null,
  status: r.status as number | null,
  outcome: r.outcome as CrawlRecord['outcome'],
  entriesFound: r.entries_found as number,
  entriesNew: r.entries_new as number,
  error: r.error as string | null,
});

/** Articles as lists show them: no html (it can weigh hundreds of KB), and whether each opened its story. */
const STORY_ARTICLE_SELECT = `SELECT a.id, a.entry_id, a.source_id, a.url, a.title, a.text, a.lang, a.published_at, a.byline, a.canonical_url,
  a.fetched_at, a.error, a.story_id, CASE WHEN s.first_article_id = a.id THEN 1 ELSE 0 END AS is_first, f.translation_of
  FROM articles a LEFT JOIN stories s ON s.id = a.story_id LEFT JOIN article_fingerprints f ON f.article_id = a.id`;

const storyArticleFrom = (r: Row): StoryArticle => ({
  ...articleFrom({ ...r, html: '' }),
  first: Number(r.is_first) === 1,
  translationOf: (r.translation_of as number | null) ?? null,
});

/**
 * The store's logic, written once over SqlDb: SQLite and Postgres differ only in their SqlDb (driver, placeholders,
 * locks) and their schema's column types. Every "is this new?" is an insert-if-absent whose RETURNING rows are the
 * answer, so concurrent workers on one database each get only what they inserted.
 */
export class SqlStore implements Store {
  constructor(
    /** The connection: exposed for backend-specific tests and the dedupe benchmark. */
    readonly db: SqlDb,
    /**
     * Translation candidates already read from this database, decoded, per matcher (their rows never change once
     * committed). A transaction's store shares its parent's.
     */
    private readonly candidates = new WeakMap<TranslationMatcher, CandidateCache>(),
    /** Inside a transaction: what waits for its commit. Null for a store that is not in one (its writes commit as they return). */
    private readonly onCommit: Array<() => void> | null = null,
  ) {}

  /** Runs `fn` once what this store has written is committed: now, or when the enclosing transaction commits. */
  private afterCommit(fn: () => void): void {
    if (this.onCommit) this.onCommit.push(fn);
    else fn();
  }

  get kind(): Store['kind'] {
    return this.db.dialect.name;
  }

  async syncSources(sources: Array<{ id: string; url: string }>, now: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      // 300 to a statement: one round trip per batch, not per source (Postgres took 0.28 s for 1,000 one by one).
      for (let i = 0; i < sources.length; i += 300) {
        const batch = sources.slice(i, i + 300);
        await tx.run(
          `INSERT INTO sources (id, url, added_at) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}
           ON CONFLICT (id) DO UPDATE SET url = excluded.url, removed_at = NULL`,
          batch.flatMap((s) => [s.id, s.url, now]),
        );
      }
      const ids = sources.map((s) => s.id);
      await tx.run(
        `UPDATE sources SET removed_at = ? WHERE removed_at IS NULL${ids.length ? ` AND id NOT IN (${ids.map(() => '?').join(',')})` : ''}`,
        [now, ...ids],
      );
    });
  }

  async getHttpCache(sourceId: string, url: string): Promise<HttpCacheRow | null> {
    const r = await this.db.get('SELECT etag, last_modified, body_hash FROM http_cache WHERE source_id = ? AND url = ?', [sourceId, url]);
    return r ? { etag: r.etag as string | null, lastModified: r.last_modified as string | null, bodyHash: r.body_hash as string | null } : null;
  }

  async saveHttpCache(sourceId: string, url: string, cache: HttpCacheRow, now: string): Promise<void> {
    await this.db.run(
      `INSERT INTO http_cache (source_id, url, etag, last_modified, body_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
         body_hash = excluded.body_hash, updated_at = excluded.updated_at`,
      [sourceId, url, cache.etag, cache.lastModified, cache.bodyHash, now],
    );
  }

  async recordEntries(
    sourceId: string,
    entries: NewEntry[],
    now: string,
    options: { listSignature?: string; relistJump?: number } = {},
  ): Promise<RecordedEntries> {
    return this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO sources (id, url, added_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [sourceId, '', now]);
      // Locked on Postgres: two workers crawling one source at once must agree on which crawl is the baseline.
      const source = (await tx.get(`SELECT baseline_at, list_signature FROM sources WHERE id = ?${tx.dialect.forUpdate}`, [sourceId]))!;
      const baseline = source.baseline_at === null && entries.length > 0;
      const signature = options.listSignature ?? null;
      const relisted =
        !baseline && entries.length > 0 && signature !== null && source.list_signature !== null && source.list_signature !== signature;
      const silent = baseline || relisted;
      const added = await insertEntries(tx, sourceId, entries, now, silent);
      if (baseline) await tx.run('UPDATE sources SET baseline_at = ? WHERE id = ?', [now, sourceId]);
      if (signature !== null && entries.length > 0) await tx.run('UPDATE sources SET list_signature = ? WHERE id = ?', [signature, sourceId]);
      if (!silent && options.relistJump !== undefined && added.length > options.relistJump) {
        const usual = await usualListSize(tx, sourceId);
        if (usual !== null && added.length >= usual * 10) {
          for (let i = 0; i < added.length; i += ENTRY_BATCH) {
            const ids = added.slice(i, i + ENTRY_BATCH).map((e) => e.id);
            await tx.run(`UPDATE entries SET baseline = 1 WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
          }
          return { baseline, relisted: true, added: [], jump: { count: added.length, usual } };
        }
      }
      return { baseline, relisted, added: silent ? [] : added };
    });
  }

  async recordCrawl(crawl: CrawlRecord, degradeAfter: number): Promise<SourceTransition> {
    return this.db.transaction(async (tx): Promise<SourceTransition> => {
      await tx.dialect.beforeChangeWrite(tx);
      await tx.run(
        `INSERT INTO crawls (source_id, at, duration_ms, lag_ms, status, outcome, entries_found, entries_new, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [crawl.sourceId, crawl.at, crawl.durationMs, crawl.lagMs ?? null, crawl.status, crawl.outcome, crawl.entriesFound, crawl.entriesNew, crawl.error],
      );
      const before = await tx.get(`SELECT consecutive_failures, degraded FROM sources WHERE id = ?${tx.dialect.forUpdate}`, [crawl.sourceId]);
      if (!before) return null;
      if (crawl.outcome === 'failed') {
        const failures = (before.consecutive_failures as number) + 1;
        const degrade = before.degraded === 0 && failures >= degradeAfter;
        await tx.run('UPDATE sources SET last_crawl_at = ?, consecutive_failures = ?, degraded = ? WHERE id = ?', [
          crawl.at,
          failures,
          degrade ? 1 : (before.degraded as number),
          crawl.sourceId,
        ]);
        return degrade ? 'degraded' : null;
      }
      await tx.run('UPDATE sources SET last_crawl_at = ?, last_ok_at = ?, consecutive_failures = 0, degraded = 0 WHERE id = ?', [crawl.at, crawl.at, crawl.sourceId]);
      return before.degraded === 1 ? 'recovered' : null;
    });
  }

  async getEntry(id: number): Promise<EntryRow | null> {
    const r = await this.db.get('SELECT * FROM entries WHERE id = ?', [id]);
    return r ? entryFrom(r) : null;
  }

  async entriesWithoutArticle(sourceId: string, limit = 100, afterId = 0): Promise<EntryRow[]> {
    const rows = await this.db.all(
      `SELECT * FROM entries e WHERE e.source_id = ? AND e.baseline = 0 AND e.id > ?
       AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.entry_id = e.id) ORDER BY e.id ${limitClause(limit)}`,
      [sourceId, afterId],
    );
    return rows.map(entryFrom);
  }

  async loadTemplate(sourceId: string): Promise<SiteTemplate | null> {
    const r = await this.db.get('SELECT data FROM templates WHERE source_id = ?', [sourceId]);
    return r ? (JSON.parse(r.data as string) as SiteTemplate) : null;
  }

  async saveTemplate(sourceId: string, template: SiteTemplate, now: string): Promise<void> {
    await this.db.run(
      `INSERT INTO templates (source_id, data, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (source_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      [sourceId, JSON.stringify(template), now],
    );
  }

  async templateSizes(): Promise<Array<{ sourceId: string; seen: number }>> {
    const rows = await this.db.all(`SELECT source_id, ${this.db.dialect.jsonNumber('data', 'seen')} AS seen FROM templates ORDER BY source_id`);
    return rows.map((r) => ({ sourceId: r.source_id as string, seen: Number(r.seen ?? 0) }));
  }

  async saveArticle(entryId: number, article: ArticleInput | null, error: string | null, now: string): Promise<ArticleRow> {
    const entry = await this.getEntry(entryId);
    if (!entry) throw new Error(`saveArticle: entry ${entryId} does not exist`);
    const a = article;
    const row = await this.db.transaction(async (tx) => {
      await tx.dialect.beforeChangeWrite(tx);
      return tx.get(
      `INSERT INTO articles (entry_id, source_id, url, title, text, html, lang, published_at, byline, canonical_url, fetched_at, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (entry_id) DO UPDATE SET title = excluded.title, text = excluded.text, html = excluded.html,
         lang = excluded.lang, published_at = excluded.published_at, byline = excluded.byline,
         canonical_url = excluded.canonical_url, fetched_at = excluded.fetched_at, error = excluded.error
       RETURNING *`,
      [
        entryId,
        entry.sourceId,
        a?.url ?? entry.url,
        a?.title ?? entry.title,
        a?.text ?? '',
        a?.html ?? '',
        a?.lang ?? null,
        a?.publishedAt ?? null,
        a?.byline ?? null,
        a?.canonicalUrl ?? null,
        now,
        error,
      ],
      );
    });
    return articleFrom(row!);
  }

  async claimStory(articleId: number, title: string, text: string, now: string, options: ClaimOptions = {}): Promise<StoryClaim> {
    // The fingerprint and the gist are CPU only: computed before the transaction, so no lock waits on them.
    const fp = fingerprint(title, text);
    const translation = translationClaim(title, text, now, options, this.candidates);
    const { candidate, ...claim } = await this.db.transaction(async (tx): Promise<StoryClaim & { candidate?: TranslationCandidate | null }> => {
      // Claimed before: the same answer as the first claim gave, read back.
      const existing = await tx.get(
        `SELECT a.story_id, s.first_article_id, f.matched_article_id, f.distance, f.translation_of FROM articles a JOIN stories s ON s.id = a.story_id
         LEFT JOIN article_fingerprints f ON f.article_id = a.id WHERE a.id = ?`,
        [articleId],
      );
      if (existing) {
        return {
          storyId: existing.story_id as number,
          isNew: existing.first_article_id === articleId,
          matchedArticleId: (existing.matched_article_id as number | null) ?? null,
          distance: (existing.distance as number | null) ?? null,
          translationOf: (existing.translation_of as number | null) ?? null,
        };
      }
      const claim = await claimStoryIn(tx, { articleId, title, text, now }, fp, translation);
      await tx.run('UPDATE articles SET story_id = ? WHERE id = ?', [claim.storyId, articleId]);
      return claim;
    });
    // The next claims' likeliest candidate is this article: kept decoded, as a lookup would keep it, once committed
    // (a claim rolled back must leave no story in the cache that the database does not have).
    if (candidate && translation?.cache) this.afterCommit(() => translation.cache!.set(articleId, candidate));
    return claim;
  }

  async storyCopies(storyId: number): Promise<StoryCopy[]> {
    const rows = await this.db.all(
      'SELECT a.id, a.source_id, a.url, a.title, a.lang, a.fetched_at, f.translation_of FROM articles a LEFT JOIN article_fingerprints f ON f.article_id = a.id WHERE a.story_id = ? ORDER BY a.id',
      [storyId],
    );
    return rows.map((r) => ({
      articleId: r.id as number,
      sourceId: r.source_id as string,
      url: r.url as string,
      title: r.title as string | null,
      lang: (r.lang as string | null) ?? null,
      translationOf: (r.translation_of as number | null) ?? null,
      fetchedAt: r.fetched_at as string,
    }));
  }

  async createEvent(event: EventInput, now: string): Promise<{ eventId: number; deliveries: DeliveryRow[] } | null> {
    return this.db.transaction(async (tx) => {
      const row = await tx.get(
        `INSERT INTO events (type, dedupe_key, source_id, story_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [event.type, event.dedupeKey, event.sourceId, event.storyId, JSON.stringify(event.payload), now],
      );
      if (!row) return null;
      const eventId = row.id as number;
      const deliveries: DeliveryRow[] = [];
      for (const w of event.webhooks) {
        const d = await tx.get(
          'INSERT INTO deliveries (event_id, webhook_id, url, msg_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
          [eventId, w.id, w.url, `msg_${randomUUID().replace(/-/g, '')}`, now, now],
        );
        deliveries.push(deliveryFrom(d!));
      }
      return { eventId, deliveries };
    });
  }

  async recordWatchlistMatch(match: WatchlistMatchInput, now: string): Promise<boolean> {
    const row = await this.db.get(
      `INSERT INTO watchlist_matches (watchlist_id, story_id, article_id, hits, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (watchlist_id, story_id) DO NOTHING RETURNING id`,
      [match.watchlistId, match.storyId, match.articleId, JSON.stringify(match.hits), now],
    );
    return row !== undefined && row !== null;
  }

  async watchlistMatches(options: { watchlistId?: string; storyId?: number; limit?: number } = {}): Promise<WatchlistMatchRow[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (options.watchlistId !== undefined) {
      where.push('watchlist_id = ?');
      params.push(options.watchlistId);
    }
    if (options.storyId !== undefined) {
      where.push('story_id = ?');
      params.push(options.storyId);
    }
    const rows = await this.db.all(
      `SELECT * FROM watchlist_matches ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC ${limitClause(options.limit ?? 50)}`,
      params,
    );
    return rows.map(watchlistMatchFrom);
  }

  async startDigest(input: DigestStartInput, now: string): Promise<DigestStart | null> {
    return this.db.transaction(async (tx) => {
      const last = await tx.get('SELECT MAX(due_at) AS due FROM watchlist_digests WHERE watchlist_id = ? AND due_at < ?', [input.watchlistId, input.dueAt]);
      const from = (last?.due as string | null | undefined) ?? input.firstFrom;
      const started = await tx.get(
        `INSERT INTO watchlist_digests (watchlist_id, due_at, from_at, stories, created_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (watchlist_id, due_at) DO NOTHING RETURNING due_at`,
        [input.watchlistId, input.dueAt, from, now],
      );
      if (!started) return null;
      // Matches made before the watchlist's first digest began are not news to any digest.
      const floor = (await tx.get('SELECT MIN(from_at) AS f FROM watchlist_digests WHERE watchlist_id = ?', [input.watchlistId]))!.f as string;
      const rows = await tx.all(
        `UPDATE watchlist_matches SET digested_at = ? WHERE watchlist_id = ? AND digested_at IS NULL AND created_at > ? RETURNING *`,
        [input.dueAt, input.watchlistId, floor],
      );
      await tx.run('UPDATE watchlist_digests SET stories = ? WHERE watchlist_id = ? AND due_at = ?', [rows.length, input.watchlistId, input.dueAt]);
      return { from, matches: rows.map(watchlistMatchFrom).sort((a, b) => a.id - b.id) };
    });
  }

  async watchlistDigests(watchlistId: string, limit = 20): Promise<WatchlistDigestRow[]> {
    const rows = await this.db.all(`SELECT * FROM watchlist_digests WHERE watchlist_id = ? ORDER BY due_at DESC ${limitClause(limit)}`, [watchlistId]);
    return rows.map((r) => ({
      watchlistId: r.watchlist_id as string,
      dueAt: r.due_at as string,
      from: r.from_at as string,
      stories: Number(r.stories),
      createdAt: r.created_at as string,
    }));
  }

  async eventPayloads(dedupeKeys: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    // A few hundred keys at most (a digest's matches); chunked to stay under SQLite's parameter limit.
    for (let i = 0; i < dedupeKeys.length; i += 500) {
      const chunk = dedupeKeys.slice(i, i + 500);
      const rows = await this.db.all(`SELECT dedupe_key, payload FROM events WHERE dedupe_key IN (${chunk.map(() => '?').join(', ')})`, chunk);
      for (const r of rows) out.set(r.dedupe_key as string, JSON.parse(r.payload as string) as unknown);
    }
    return out;
  }

  async pendingDeliveriesForKey(dedupeKey: string): Promise<DeliveryRow[]> {
    const rows = await this.db.all(
      `SELECT d.* FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.dedupe_key = ? AND d.state = 'pending' ORDER BY d.id`,
      [dedupeKey],
    );
    return rows.map(deliveryFrom);
  }

  async getDeliveryWork(deliveryId: number): Promise<DeliveryWork | null> {
    const r = await this.db.get('SELECT d.*, e.type AS event_type, e.payload AS body FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?', [deliveryId]);
    return r ? { ...deliveryFrom(r), eventType: r.event_type as string, body: r.body as string } : null;
  }

  async recordAttempt(attempt: AttemptRecord): Promise<void> {
    const state = attempt.outcome === 'delivered' ? 'delivered' : attempt.outcome === 'gave-up' ? 'failed' : 'pending';
    await this.db.transaction(async (tx) => {
      await tx.dialect.beforeChangeWrite(tx);
      const d = await tx.get('UPDATE deliveries SET attempts = attempts + 1, state = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ? RETURNING attempts', [
        state,
        attempt.status,
        attempt.error,
        attempt.at,
        attempt.deliveryId,
      ]);
      if (!d) throw new Error(`recordAttempt: delivery ${attempt.deliveryId} does not exist`);
      await tx.run('INSERT INTO delivery_attempts (delivery_id, attempt, at, status, outcome, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        attempt.deliveryId,
        d.attempts as number,
        attempt.at,
        attempt.status,
        attempt.outcome,
        attempt.error,
        attempt.durationMs,
      ]);
    });
  }

  async pendingDeliveries(limit = 1000, afterId = 0): Promise<DeliveryRow[]> {
    return (await this.db.all(`SELECT * FROM deliveries WHERE state = 'pending' AND id > ? ORDER BY id ${limitClause(limit)}`, [afterId])).map(deliveryFrom);
  }

  async deliveryCounts(): Promise<Record<DeliveryRow['state'], number>> {
    const counts = { pending: 0, delivered: 0, failed: 0 };
    for (const r of await this.db.all('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state')) counts[r.state as DeliveryRow['state']] = Number(r.n);
    return counts;
  }

  async deliveries(options: { eventId?: number; limit?: number } = {}): Promise<DeliveryRow[]> {
    const where = options.eventId !== undefined ? 'WHERE event_id = ?' : '';
    const args = options.eventId !== undefined ? [options.eventId] : [];
    return (await this.db.all(`SELECT * FROM deliveries ${where} ORDER BY id DESC ${limitClause(options.limit ?? 100)}`, args)).map(deliveryFrom);
  }

  async attempts(deliveryId: number): Promise<AttemptRecord[]> {
    const rows = await this.db.all('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id', [deliveryId]);
    return rows.map((r) => ({
      deliveryId,
      at: r.at as string,
      status: r.status as number | null,
      outcome: r.outcome as AttemptRecord['outcome'],
      error: r.error as string | null,
      durationMs: r.duration_ms as number,
    }));
  }

  /** Three statements whatever the number of sources, not two per source: the dashboard reads this often. */
  async health(): Promise<SourceHealth[]> {
    const sources = await this.db.all('SELECT * FROM sources WHERE removed_at IS NULL ORDER BY id');
    const lastCrawls = new Map<string, Row>();
    for (const c of await this.db.all('SELECT * FROM crawls WHERE id IN (SELECT MAX(id) FROM crawls GROUP BY source_id)')) lastCrawls.set(c.source_id as string, c);
    const counts = new Map<string, number>();
    for (const r of await this.db.all('SELECT source_id, COUNT(*) AS n FROM entries GROUP BY source_id')) counts.set(r.source_id as string, Number(r.n));
    return sources.map((s) => {
      const c = lastCrawls.get(s.id as string);
      return {
        id: s.id as string,
        url: s.url as string,
        baselineAt: s.baseline_at as string | null,
        lastCrawlAt: s.last_crawl_at as string | null,
        lastOkAt: s.last_ok_at as string | null,
        consecutiveFailures: s.consecutive_failures as number,
        degraded: s.degraded === 1,
        lastCrawl: c ? crawlFrom(c) : null,
        entries: counts.get(s.id as string) ?? 0,
      };
    });
  }

  async recentEntries(options: { sourceId?: string; limit?: number } = {}): Promise<EntryRow[]> {
    const where = options.sourceId ? 'WHERE source_id = ?' : '';
    const args = options.sourceId ? [options.sourceId] : [];
    return (await this.db.all(`SELECT * FROM entries ${where} ORDER BY id DESC ${limitClause(options.limit ?? 50)}`, args)).map(entryFrom);
  }

  async recentCrawls(options: { sourceId?: string; limit?: number } = {}): Promise<CrawlRow[]> {
    const where = options.sourceId ? 'WHERE source_id = ?' : '';
    const args = options.sourceId ? [options.sourceId] : [];
    return (await this.db.all(`SELECT * FROM crawls ${where} ORDER BY id DESC ${limitClause(options.limit ?? 50)}`, args)).map(crawlFrom);
  }

  async recentArticles(options: { limit?: number } = {}): Promise<ArticleRow[]> {
    return (await this.db.all(`SELECT * FROM articles ORDER BY id DESC ${limitClause(options.limit ?? 50)}`)).map(articleFrom);
  }

  async dailyEntries(sinceDay: string): Promise<Array<{ sourceId: string; day: string; count: number }>> {
    const rows = await this.db.all(
      `SELECT source_id, substr(first_seen_at, 1, 10) AS day, COUNT(*) AS n FROM entries
       WHERE baseline = 0 AND first_seen_at >= ? GROUP BY source_id, substr(first_seen_at, 1, 10) ORDER BY source_id, day`,
      [sinceDay],
    );
    return rows.map((r) => ({ sourceId: r.source_id as string, day: r.day as string, count: Number(r.n) }));
  }

  async stories(options: { limit?: number; beforeId?: number; sourceId?: string } = {}): Promise<StorySummary[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (options.beforeId !== undefined) {
      where.push('s.id < ?');
      args.push(options.beforeId);
    }
    if (options.sourceId !== undefined) {
      where.push('EXISTS (SELECT 1 FROM articles x WHERE x.story_id = s.id AND x.source_id = ?)');
      args.push(options.sourceId);
    }
    const rows = await this.db.all(
      `SELECT s.id, s.title, s.created_at FROM stories s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.id DESC ${limitClause(Math.min(options.limit ?? 30, 500))}`,
      args,
    );
    return this.withCopies(rows);
  }

  async story(id: number): Promise<StorySummary | null> {
    const rows = await this.db.all('SELECT s.id, s.title, s.created_at FROM stories s WHERE s.id = ?', [id]);
    return (await this.withCopies(rows))[0] ?? null;
  }

  /** Stories' rows with their copies, read in one statement. */
  private async withCopies(rows: Row[]): Promise<StorySummary[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id as number);
    const copies = await this.db.all(`${STORY_ARTICLE_SELECT} WHERE a.story_id IN (${ids.map(() => '?').join(', ')}) ORDER BY a.id`, ids);
    const byStory = new Map<number, StoryArticle[]>();
    for (const c of copies) {
      const list = byStory.get(c.story_id as number) ?? [];
      list.push(storyArticleFrom(c));
      byStory.set(c.story_id as number, list);
    }
    return rows.map((r) => ({ id: r.id as number, title: r.title as string, createdAt: r.created_at as string, copies: byStory.get(r.id as number) ?? [] }));
  }

  async events(options: { storyId?: number; sourceId?: string; types?: string[]; limit?: number } = {}): Promise<EventRow[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (options.storyId !== undefined) {
      where.push('story_id = ?');
      args.push(options.storyId);
    }
    if (options.sourceId !== undefined) {
      where.push('source_id = ?');
      args.push(options.sourceId);
    }
    if (options.types !== undefined) {
      if (options.types.length === 0) return [];
      where.push(`type IN (${options.types.map(() => '?').join(', ')})`);
      args.push(...options.types);
    }
    const rows = await this.db.all(
      `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC ${limitClause(Math.min(options.limit ?? 50, 500))}`,
      args,
    );
    return rows.map((r) => ({
      id: r.id as number,
      type: r.type as string,
      dedupeKey: r.dedupe_key as string,
      sourceId: r.source_id as string | null,
      storyId: r.story_id as number | null,
      createdAt: r.created_at as string,
      payload: r.payload as string,
    }));
  }

  async deliveryList(options: { eventIds?: number[]; failing?: boolean; limit?: number } = {}): Promise<DeliveryListRow[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (options.eventIds !== undefined) {
      if (options.eventIds.length === 0) return [];
      where.push(`d.event_id IN (${options.eventIds.map(() => '?').join(', ')})`);
      args.push(...options.eventIds);
    }
    if (options.failing) where.push("(d.state = 'failed' OR (d.state = 'pending' AND d.attempts > 0))");
    const rows = await this.db.all(
      `SELECT d.*, e.type AS event_type, e.story_id AS event_story_id, e.source_id AS event_source_id FROM deliveries d JOIN events e ON e.id = d.event_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC ${limitClause(Math.min(options.limit ?? 50, 500))}`,
      args,
    );
    return rows.map((r) => ({
      ...deliveryFrom(r),
      eventType: r.event_type as string,
      storyId: r.event_story_id as number | null,
      sourceId: r.event_source_id as string | null,
      updatedAt: r.updated_at as string,
    }));
  }

  async searchArticles(search: ArticleSearch): Promise<{ total: number; articles: StoryArticle[] }> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (search.q !== undefined && search.q.trim() !== '') {
      const query = this.db.dialect.matchQuery(search.q);
      // Only separators typed: nothing can match.
      if (query === null) return { total: 0, articles: [] };
      where.push(this.db.dialect.articleMatch);
      args.push(query);
    }
    if (search.sourceId) {
      where.push('a.source_id = ?');
      args.push(search.sourceId);
    }
    if (search.lang) {
      where.push('a.lang = ?');
      args.push(search.lang);
    }
    if (search.from) {
      where.push('a.fetched_at >= ?');
      args.push(search.from);
    }
    if (search.to) {
      where.push('a.fetched_at < ?');
      args.push(search.to);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number((await this.db.get(`SELECT COUNT(*) AS n FROM articles a ${clause}`, args))!.n);
    const limit = Math.max(1, Math.min(search.limit ?? 20, 100));
    const offset = Math.max(0, search.offset ?? 0);
    const rows = await this.db.all(`${STORY_ARTICLE_SELECT} ${clause} ORDER BY a.id DESC ${limitClause(limit, offset)}`, args);
    return { total, articles: rows.map(storyArticleFrom) };
  }

  async replayDelivery(deliveryId: number, now: string): Promise<DeliveryRow | null> {
    const row = await this.db.get("UPDATE deliveries SET state = 'pending', updated_at = ?, window_start = ? WHERE id = ? RETURNING *", [now, now, deliveryId]);
    return row ? deliveryFrom(row) : null;
  }

  async setWebhookPaused(webhookId: string, paused: boolean, now: string): Promise<void> {
    if (paused) await this.db.run('INSERT INTO webhook_pauses (webhook_id, paused_at) VALUES (?, ?) ON CONFLICT (webhook_id) DO NOTHING', [webhookId, now]);
    else await this.db.run('DELETE FROM webhook_pauses WHERE webhook_id = ?', [webhookId]);
  }

  async pausedWebhooks(): Promise<Set<string>> {
    return new Set((await this.db.all('SELECT webhook_id FROM webhook_pauses')).map((r) => r.webhook_id as string));
  }

  async changeCursor(): Promise<ChangeCursor> {
    const r = (await this.db.get(
      `SELECT (SELECT COALESCE(MAX(id), 0) FROM articles) AS article, (SELECT COALESCE(MAX(id), 0) FROM crawls) AS crawl,
       (SELECT COALESCE(MAX(id), 0) FROM delivery_attempts) AS attempt`,
    ))!;
    return { article: Number(r.article), crawl: Number(r.crawl), attempt: Number(r.attempt) };
  }

  async changesSince(cursor: ChangeCursor, limit = 100): Promise<Changes> {
    return this.db.transaction(async (tx) => {
      await tx.dialect.beforeChangeRead(tx);
      return new SqlStore(tx).readChanges(cursor, limit);
    });
  }

  private async readChanges(cursor: ChangeCursor, limit: number): Promise<Changes> {
    const articles = (await this.db.all(`${STORY_ARTICLE_SELECT} WHERE a.id > ? ORDER BY a.id ${limitClause(limit)}`, [cursor.article])).map(storyArticleFrom);
    const crawls = (await this.db.all(`SELECT * FROM crawls WHERE id > ? ORDER BY id ${limitClause(limit)}`, [cursor.crawl])).map(crawlFrom);
    const attemptRows = await this.db.all(
      `SELECT t.*, d.webhook_id, d.url AS delivery_url, e.type AS event_type, e.story_id AS event_story_id FROM delivery_attempts t
       JOIN deliveries d ON d.id = t.delivery_id JOIN events e ON e.id = d.event_id WHERE t.id > ? ORDER BY t.id ${limitClause(limit)}`,
      [cursor.attempt],
    );
    const attempts = attemptRows.map((r) => ({
      id: r.id as number,
      deliveryId: r.delivery_id as number,
      at: r.at as string,
      status: r.status as number | null,
      outcome: r.outcome as AttemptRecord['outcome'],
      error: r.error as string | null,
      durationMs: r.duration_ms as number,
      eventType: r.event_type as string,
      storyId: r.event_story_id as number | null,
      webhookId: r.webhook_id as string,
      url: r.delivery_url as string,
    }));
    return {
      articles,
      crawls,
      attempts,
      cursor: {
        article: articles.at(-1)?.id ?? cursor.article,
        crawl: crawls.at(-1)?.id ?? cursor.crawl,
        attempt: attempts.at(-1)?.id ?? cursor.attempt,
      },
    };
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const committed: Array<() => void> = [];
    const result = await this.db.transaction((tx) => fn(new SqlStore(tx, this.candidates, committed)));
    for (const f of committed) this.afterCommit(f);
    return result;
  }

  async ping(): Promise<boolean> {
    return Number((await this.db.get('SELECT 1 AS ok'))?.ok) === 1;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/**
 * A crawl's entries, 50 to an INSERT. Only the rows that were inserted come back (`RETURNING` skips the
 * conflicts), in list order by id; a silent crawl reads none back.
 */
async function insertEntries(tx: SqlDb, sourceId: string, entries: NewEntry[], now: string, silent: boolean): Promise<EntryRow[]> {
  const added: EntryRow[] = [];
  for (let i = 0; i < entries.length; i += ENTRY_BATCH) {
    const batch = entries.slice(i, i + ENTRY_BATCH);
    const sql = `INSERT INTO entries (source_id, url, url_key, title, first_seen_at, baseline) VALUES ${batch.map(() => `(?, ?, ?, ?, ?, ${silent ? 1 : 0})`).join(', ')}
      ON CONFLICT (source_id, url_key) DO NOTHING`;
    const params = batch.flatMap((e) => [sourceId, e.url, e.urlKey, e.title, now]);
    if (silent) await tx.run(sql, params);
    else added.push(...(await tx.all(`${sql} RETURNING *`, params)).map(entryFrom));
  }
  return added.sort((a, b) => a.id - b.id);
}

/** The median number of entries found by the source's last 5 crawls that read a list; null before any. */
async function usualListSize(tx: SqlDb, sourceId: string): Promise<number | null> {
  const rows = await tx.all(
    `SELECT entries_found FROM crawls WHERE source_id = ? AND outcome IN ('baseline', 'changed', 'unchanged', 'relisted')
     ORDER BY id DESC LIMIT 5`,
    [sourceId],
  );
  if (rows.length === 0) return null;
  const sizes = rows.map((r) => r.entries_found as number).sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)]!;
}

function watchlistMatchFrom(r: Row): WatchlistMatchRow {
  return {
    id: r.id as number,
    watchlistId: r.watchlist_id as string,
    storyId: r.story_id as number,
    articleId: r.article_id as number,
    hits: JSON.parse(r.hits as string) as unknown,
    createdAt: r.created_at as string,
  };
}

let defaultMatcher: TranslationMatcher | null = null;

/** The cross-language half of a claim, when asked for and the article's language is covered; its gist computed now. */
function translationClaim(
  title: string,
  text: string,
  now: string,
  options: ClaimOptions,
  caches: WeakMap<TranslationMatcher, CandidateCache>,
): TranslationClaim | null {
  const lang = primaryLang(options.lang);
  if (!options.translations || lang === null) return null;
  const matcher = options.translations.matcher ?? (defaultMatcher ??= lexiconTranslations() as TranslationMatcher);
  if (!matcher.covers(lang)) return null;
  let cache = caches.get(matcher);
  if (!cache) caches.set(matcher, (cache = new CandidateCache()));
  return { matcher, lang, gist: matcher.gist(title, text, lang), since: new Date(Date.parse(now) - options.translations.windowMs).toISOString(), cache };
}

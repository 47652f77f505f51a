import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MONITOR_SCHEMA } from './schema.ts';
import { claimStory as claimStoryIn, STORY_SCHEMA } from './story-claim.ts';
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
  SourceHealth,
  SourceTransition,
  Store,
  StoryClaim,
  StoryCopy,
} from './store.ts';

type Row = Record<string, unknown>;

/** Rows per INSERT of a silent crawl: 300 parameters, far below SQLite's limit. */
const SILENT_BATCH = 50;

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
});

const crawlFrom = (r: Row): CrawlRecord => ({
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

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throw-away store. Its folder is created. Required. */
  path: string;
  /** How long a writer waits for another process's write lock before failing. Default 10 s. */
  busyTimeoutMs?: number;
}

/** The store on SQLite (better-sqlite3). Safe for several worker processes on one machine (WAL, busy timeout). */
export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  /**
   * Prepared statements by SQL text. `prepare` compiles the SQL again on every call (about a third of the store's
   * time per source in a 500-source `--once`); the texts are a fixed set, so the map stays small.
   */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(options: SqliteStoreOptions) {
    if (!options?.path) throw new TypeError('SqliteStore: options.path is required');
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    // http_cache was keyed by URL alone in the first databases; it is only a cache, so it is dropped, not migrated.
    const cacheColumns = this.db.prepare("SELECT name FROM pragma_table_info('http_cache')").all() as Row[];
    if (cacheColumns.length > 0 && !cacheColumns.some((c) => c.name === 'source_id')) this.db.exec('DROP TABLE http_cache');
    this.db.exec(MONITOR_SCHEMA);
    this.db.exec(STORY_SCHEMA);
    // crawls.lag_ms came after the first databases: added in place (NULL for the older rows).
    const crawlColumns = this.db.prepare("SELECT name FROM pragma_table_info('crawls')").all() as Row[];
    if (!crawlColumns.some((c) => c.name === 'lag_ms')) this.db.exec('ALTER TABLE crawls ADD COLUMN lag_ms INTEGER');
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  syncSources(sources: Array<{ id: string; url: string }>, now: string): void {
    const upsert = this.sql(
      `INSERT INTO sources (id, url, added_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, removed_at = NULL`,
    );
    this.db.transaction(() => {
      for (const s of sources) upsert.run(s.id, s.url, now);
      const ids = sources.map((s) => s.id);
      const placeholders = ids.map(() => '?').join(',');
      // Not cached: its text changes with the number of sources, and it runs once per start.
      this.db
        .prepare(`UPDATE sources SET removed_at = ? WHERE removed_at IS NULL${ids.length ? ` AND id NOT IN (${placeholders})` : ''}`)
        .run(now, ...ids);
    })();
  }

  getHttpCache(sourceId: string, url: string): HttpCacheRow | null {
    const r = this.sql('SELECT etag, last_modified, body_hash FROM http_cache WHERE source_id = ? AND url = ?').get(sourceId, url) as Row | undefined;
    return r ? { etag: r.etag as string | null, lastModified: r.last_modified as string | null, bodyHash: r.body_hash as string | null } : null;
  }

  saveHttpCache(sourceId: string, url: string, cache: HttpCacheRow, now: string): void {
    this.sql(
        `INSERT INTO http_cache (source_id, url, etag, last_modified, body_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
           body_hash = excluded.body_hash, updated_at = excluded.updated_at`,
      )
      .run(sourceId, url, cache.etag, cache.lastModified, cache.bodyHash, now);
  }

  recordEntries(
    sourceId: string,
    entries: NewEntry[],
    now: string,
    options: { listSignature?: string; relistJump?: number } = {},
  ): { baseline: boolean; relisted: boolean; added: EntryRow[]; jump?: { count: number; usual: number } } {
    const insert = this.sql(
      `INSERT INTO entries (source_id, url, url_key, title, first_seen_at, baseline) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, url_key) DO NOTHING RETURNING *`,
    );
    const run = this.db.transaction(() => {
      this.sql('INSERT INTO sources (id, url, added_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING').run(sourceId, '', now);
      const source = this.sql('SELECT baseline_at, list_signature FROM sources WHERE id = ?').get(sourceId) as Row;
      const baseline = source.baseline_at === null && entries.length > 0;
      const signature = options.listSignature ?? null;
      const relisted =
        !baseline && entries.length > 0 && signature !== null && source.list_signature !== null && source.list_signature !== signature;
      const silent = baseline || relisted;
      const added: EntryRow[] = [];
      if (silent) this.insertSilently(sourceId, entries, now);
      else {
        for (const e of entries) {
          const row = insert.get(sourceId, e.url, e.urlKey, e.title, now, 0) as Row | undefined;
          if (row) added.push(entryFrom(row));
        }
      }
      if (baseline) this.sql('UPDATE sources SET baseline_at = ? WHERE id = ?').run(now, sourceId);
      if (signature !== null && entries.length > 0) this.sql('UPDATE sources SET list_signature = ? WHERE id = ?').run(signature, sourceId);
      if (!silent && options.relistJump !== undefined && added.length > options.relistJump) {
        const usual = this.usualListSize(sourceId);
        if (usual !== null && added.length >= usual * 10) {
          const mark = this.sql('UPDATE entries SET baseline = 1 WHERE id = ?');
          for (const e of added) mark.run(e.id);
          return { baseline, relisted: true, added: [], jump: { count: added.length, usual } };
        }
      }
      return { baseline, relisted, added: silent ? [] : added };
    });
    return run.immediate();
  }

  /**
   * A silent crawl's entries, whose rows nobody reads back: up to 50 a statement, with no RETURNING (a first crawl
   * of 50 entries was 50 statements, each row read back and converted, then dropped).
   */
  private insertSilently(sourceId: string, entries: NewEntry[], now: string): void {
    for (let i = 0; i < entries.length; i += SILENT_BATCH) {
      const batch = entries.slice(i, i + SILENT_BATCH);
      const insert = this.sql(
        `INSERT INTO entries (source_id, url, url_key, title, first_seen_at, baseline) VALUES ${Array(batch.length).fill('(?, ?, ?, ?, ?, 1)').join(', ')}
         ON CONFLICT (source_id, url_key) DO NOTHING`,
      );
      insert.run(batch.flatMap((e) => [sourceId, e.url, e.urlKey, e.title, now]));
    }
  }

  /** The median number of entries found by the source's last 5 crawls that read a list; null before any. */
  private usualListSize(sourceId: string): number | null {
    const rows = this.sql(
      `SELECT entries_found FROM crawls WHERE source_id = ? AND outcome IN ('baseline', 'changed', 'unchanged', 'relisted')
       ORDER BY id DESC LIMIT 5`,
    ).all(sourceId) as Row[];
    if (rows.length === 0) return null;
    const sizes = rows.map((r) => r.entries_found as number).sort((a, b) => a - b);
    return sizes[Math.floor(sizes.length / 2)]!;
  }

  recordCrawl(crawl: CrawlRecord, degradeAfter: number): SourceTransition {
    const run = this.db.transaction((): SourceTransition => {
      this.sql(
          `INSERT INTO crawls (source_id, at, duration_ms, lag_ms, status, outcome, entries_found, entries_new, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(crawl.sourceId, crawl.at, crawl.durationMs, crawl.lagMs ?? null, crawl.status, crawl.outcome, crawl.entriesFound, crawl.entriesNew, crawl.error);
      const before = this.sql('SELECT consecutive_failures, degraded FROM sources WHERE id = ?').get(crawl.sourceId) as Row | undefined;
      if (!before) return null;
      if (crawl.outcome === 'failed') {
        const failures = (before.consecutive_failures as number) + 1;
        const degrade = before.degraded === 0 && failures >= degradeAfter;
        this.sql('UPDATE sources SET last_crawl_at = ?, consecutive_failures = ?, degraded = ? WHERE id = ?')
          .run(crawl.at, failures, degrade ? 1 : before.degraded, crawl.sourceId);
        return degrade ? 'degraded' : null;
      }
      this.sql('UPDATE sources SET last_crawl_at = ?, last_ok_at = ?, consecutive_failures = 0, degraded = 0 WHERE id = ?')
        .run(crawl.at, crawl.at, crawl.sourceId);
      return before.degraded === 1 ? 'recovered' : null;
    });
    return run.immediate();
  }

  getEntry(id: number): EntryRow | null {
    const r = this.sql('SELECT * FROM entries WHERE id = ?').get(id) as Row | undefined;
    return r ? entryFrom(r) : null;
  }

  entriesWithoutArticle(sourceId: string, limit = 100, afterId = 0): EntryRow[] {
    return (
      this.sql(
          `SELECT * FROM entries e WHERE e.source_id = ? AND e.baseline = 0 AND e.id > ?
           AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.entry_id = e.id) ORDER BY e.id LIMIT ?`,
        )
        .all(sourceId, afterId, limit) as Row[]
    ).map(entryFrom);
  }

  loadTemplate(sourceId: string): unknown | null {
    const r = this.sql('SELECT data FROM templates WHERE source_id = ?').get(sourceId) as Row | undefined;
    return r ? (JSON.parse(r.data as string) as unknown) : null;
  }

  saveTemplate(sourceId: string, template: unknown, now: string): void {
    this.sql(
        `INSERT INTO templates (source_id, data, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (source_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      )
      .run(sourceId, JSON.stringify(template), now);
  }

  templateSizes(): Array<{ sourceId: string; seen: number }> {
    const rows = this.sql("SELECT source_id, json_extract(data, '$.seen') AS seen FROM templates ORDER BY source_id").all() as Row[];
    return rows.map((r) => ({ sourceId: r.source_id as string, seen: Number(r.seen ?? 0) }));
  }

  saveArticle(entryId: number, article: ArticleInput | null, error: string | null, now: string): ArticleRow {
    const entry = this.getEntry(entryId);
    if (!entry) throw new Error(`saveArticle: entry ${entryId} does not exist`);
    const a = article;
    const row = this.sql(
        `INSERT INTO articles (entry_id, source_id, url, title, text, html, lang, published_at, byline, canonical_url, fetched_at, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id) DO UPDATE SET title = excluded.title, text = excluded.text, html = excluded.html,
           lang = excluded.lang, published_at = excluded.published_at, byline = excluded.byline,
           canonical_url = excluded.canonical_url, fetched_at = excluded.fetched_at, error = excluded.error
         RETURNING *`,
      )
      .get(
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
      ) as Row;
    return articleFrom(row);
  }

  claimStory(articleId: number, title: string, text: string, now: string): StoryClaim {
    const run = this.db.transaction((): StoryClaim => {
      const existing = this.sql('SELECT a.story_id, s.first_article_id FROM articles a JOIN stories s ON s.id = a.story_id WHERE a.id = ?')
        .get(articleId) as Row | undefined;
      if (existing) {
        return { storyId: existing.story_id as number, isNew: existing.first_article_id === articleId, matchedArticleId: null, distance: null };
      }
      const claim = claimStoryIn(this.db, { articleId, title, text, now });
      this.sql('UPDATE articles SET story_id = ? WHERE id = ?').run(claim.storyId, articleId);
      return claim;
    });
    return run.immediate();
  }

  storyCopies(storyId: number): StoryCopy[] {
    return (this.sql('SELECT id, source_id, url, title, fetched_at FROM articles WHERE story_id = ? ORDER BY id').all(storyId) as Row[]).map(
      (r) => ({ articleId: r.id as number, sourceId: r.source_id as string, url: r.url as string, title: r.title as string | null, fetchedAt: r.fetched_at as string }),
    );
  }

  createEvent(event: EventInput, now: string): { eventId: number; deliveries: DeliveryRow[] } | null {
    const run = this.db.transaction(() => {
      const row = this.sql(
          `INSERT INTO events (type, dedupe_key, source_id, story_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        )
        .get(event.type, event.dedupeKey, event.sourceId, event.storyId, JSON.stringify(event.payload), now) as Row | undefined;
      if (!row) return null;
      const eventId = row.id as number;
      const insert = this.sql(
        `INSERT INTO deliveries (event_id, webhook_id, url, msg_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      );
      const deliveries = event.webhooks.map(
        (w) => deliveryFrom(insert.get(eventId, w.id, w.url, `msg_${randomUUID().replace(/-/g, '')}`, now, now) as Row),
      );
      return { eventId, deliveries };
    });
    return run.immediate();
  }

  pendingDeliveriesForKey(dedupeKey: string): DeliveryRow[] {
    return (
      this.sql(`SELECT d.* FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.dedupe_key = ? AND d.state = 'pending' ORDER BY d.id`)
        .all(dedupeKey) as Row[]
    ).map(deliveryFrom);
  }

  getDeliveryWork(deliveryId: number): DeliveryWork | null {
    const r = this.sql('SELECT d.*, e.type AS event_type, e.payload AS body FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?')
      .get(deliveryId) as Row | undefined;
    return r ? { ...deliveryFrom(r), eventType: r.event_type as string, body: r.body as string } : null;
  }

  recordAttempt(attempt: AttemptRecord): void {
    const state = attempt.outcome === 'delivered' ? 'delivered' : attempt.outcome === 'gave-up' ? 'failed' : 'pending';
    this.db.transaction(() => {
      const d = this.sql('UPDATE deliveries SET attempts = attempts + 1, state = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ? RETURNING attempts').get(
        state,
        attempt.status,
        attempt.error,
        attempt.at,
        attempt.deliveryId,
      ) as Row | undefined;
      if (!d) throw new Error(`recordAttempt: delivery ${attempt.deliveryId} does not exist`);
      this.sql('INSERT INTO delivery_attempts (delivery_id, attempt, at, status, outcome, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(attempt.deliveryId, d.attempts, attempt.at, attempt.status, attempt.outcome, attempt.error, attempt.durationMs);
    })();
  }

  pendingDeliveries(limit = 1000, afterId = 0): DeliveryRow[] {
    return (this.sql(`SELECT * FROM deliveries WHERE state = 'pending' AND id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as Row[]).map(deliveryFrom);
  }

  deliveryCounts(): Record<DeliveryRow['state'], number> {
    const counts = { pending: 0, delivered: 0, failed: 0 };
    for (const r of this.sql('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all() as Row[]) {
      counts[r.state as DeliveryRow['state']] = r.n as number;
    }
    return counts;
  }

  deliveries(options: { eventId?: number; limit?: number } = {}): DeliveryRow[] {
    const where = options.eventId !== undefined ? 'WHERE event_id = ?' : '';
    const args = options.eventId !== undefined ? [options.eventId] : [];
    return (this.sql(`SELECT * FROM deliveries ${where} ORDER BY id DESC LIMIT ?`).all(...args, options.limit ?? 100) as Row[]).map(deliveryFrom);
  }

  attempts(deliveryId: number): AttemptRecord[] {
    return (this.sql('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id').all(deliveryId) as Row[]).map((r) => ({
      deliveryId,
      at: r.at as string,
      status: r.status as number | null,
      outcome: r.outcome as AttemptRecord['outcome'],
      error: r.error as string | null,
      durationMs: r.duration_ms as number,
    }));
  }

  health(): SourceHealth[] {
    const sources = this.sql('SELECT * FROM sources WHERE removed_at IS NULL ORDER BY id').all() as Row[];
    const lastCrawl = this.sql('SELECT * FROM crawls WHERE source_id = ? ORDER BY id DESC LIMIT 1');
    const count = this.sql('SELECT COUNT(*) AS n FROM entries WHERE source_id = ?');
    return sources.map((s) => {
      const c = lastCrawl.get(s.id) as Row | undefined;
      return {
        id: s.id as string,
        url: s.url as string,
        baselineAt: s.baseline_at as string | null,
        lastCrawlAt: s.last_crawl_at as string | null,
        lastOkAt: s.last_ok_at as string | null,
        consecutiveFailures: s.consecutive_failures as number,
        degraded: s.degraded === 1,
        lastCrawl: c ? crawlFrom(c) : null,
        entries: (count.get(s.id) as Row).n as number,
      };
    });
  }

  recentEntries(options: { sourceId?: string; limit?: number } = {}): EntryRow[] {
    const where = options.sourceId ? 'WHERE source_id = ?' : '';
    const args = options.sourceId ? [options.sourceId] : [];
    return (this.sql(`SELECT * FROM entries ${where} ORDER BY id DESC LIMIT ?`).all(...args, options.limit ?? 50) as Row[]).map(entryFrom);
  }

  recentCrawls(options: { sourceId?: string; limit?: number } = {}): CrawlRecord[] {
    const where = options.sourceId ? 'WHERE source_id = ?' : '';
    const args = options.sourceId ? [options.sourceId] : [];
    return (this.sql(`SELECT * FROM crawls ${where} ORDER BY id DESC LIMIT ?`).all(...args, options.limit ?? 50) as Row[]).map(crawlFrom);
  }

  recentArticles(options: { limit?: number } = {}): ArticleRow[] {
    return (this.sql('SELECT * FROM articles ORDER BY id DESC LIMIT ?').all(options.limit ?? 50) as Row[]).map(articleFrom);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  ping(): boolean {
    return (this.sql('SELECT 1 AS ok').get() as Row).ok === 1;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

// What only the SQLite backend has: databases written by older Vigie versions, and SQLite's query plans. The
// behaviour both backends share is in store-contract.test.ts.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewsArticle } from '../../src/demo/news-site.ts';
import { SqliteStore, type SqlDb } from '../../src/store/index.ts';
import { claimStoryIn } from '../../src/store/story-index.ts';
import { editedLead, stories } from '../fixtures/stories.ts';
import { sqliteBackend, type TestStore } from '../helpers/stores.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const bodyOf = (a: NewsArticle): string => [...(a.lead === undefined ? [] : [a.lead]), ...a.paragraphs].join('\n\n');

/** Whether a line of SQLite's query plan of `sql` reads a whole story table, named or by its alias in `sql`. */
function scansStoryTable(sql: string, detail: string): boolean {
  const names = new Set(['article_fingerprints', 'story_bands', 'stories']);
  for (const m of sql.matchAll(/\b(article_fingerprints|story_bands|stories)\s+(?:AS\s+)?(\w+)/gi)) {
    if (!/^(WHERE|ON|JOIN|ORDER|LIMIT|UNION|GROUP|VALUES)$/i.test(m[2]!)) names.add(m[2]!);
  }
  const scanned = /^SCAN (\w+)/.exec(detail)?.[1];
  return scanned !== undefined && names.has(scanned);
}

let opened: TestStore<SqliteStore>;
beforeEach(async () => {
  opened = await sqliteBackend();
});
afterEach(async () => {
  await opened.close();
});

describe('SqliteStore', () => {
  it('keeps a WAL, checkpointed every 10,000 pages and cut back to 64 MB after a checkpoint', () => {
    const raw = (opened.store.db as unknown as { raw: Database.Database }).raw;
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    expect(raw.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
  });

  it('opens a database whose http cache was keyed by URL alone (the cache is dropped, the rest kept)', async () => {
    const path = join(opened.target, '..', 'old', 'vigie.db');
    const first = new SqliteStore({ path });
    await first.syncSources([{ id: 'src', url: 'https://site.example.org/' }], T0);
    await first.recordEntries('src', [{ title: 'Entry 1', url: 'https://site.example.org/a/1', urlKey: 'site.example.org/a/1' }], T0);
    await first.close();
    // Back to what such a database held: no schema version (it predates them), nothing of version 2 (search, pauses,
    // replay windows), and the cache keyed by URL.
    const raw = new Database(path);
    raw.exec(`DROP TABLE vigie_schema; DROP TRIGGER articles_fts_insert; DROP TRIGGER articles_fts_delete; DROP TRIGGER articles_fts_update;
      DROP TABLE articles_fts; DROP TABLE webhook_pauses; ALTER TABLE deliveries DROP COLUMN window_start; DROP INDEX articles_by_fetched;
      DROP TABLE watchlist_matches; DROP TABLE watchlist_digests; DROP TABLE translation_keys;
      ALTER TABLE article_fingerprints DROP COLUMN lang; ALTER TABLE article_fingerprints DROP COLUMN gist; ALTER TABLE article_fingerprints DROP COLUMN translation_of;
      DROP TABLE http_cache; CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, body_hash TEXT, updated_at TEXT NOT NULL);`);
    raw.prepare('INSERT INTO http_cache VALUES (?, ?, NULL, NULL, ?)').run('https://site.example.org/', '"old"', 'x');
    raw.close();
    const reopened = new SqliteStore({ path });
    try {
      expect(await reopened.getHttpCache('src', 'https://site.example.org/')).toBeNull();
      await reopened.saveHttpCache('src', 'https://site.example.org/', { etag: '"new"', lastModified: null, bodyHash: null }, T0);
      expect((await reopened.getHttpCache('src', 'https://site.example.org/'))!.etag).toBe('"new"');
      expect(await reopened.recentEntries({ sourceId: 'src' })).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });

  it('claims look story candidates up through indexes, never a table scan', async () => {
    const { store } = opened;
    const seen: string[] = [];
    /** store.db, noting every statement it is given, inside a transaction too. */
    const spy = (db: SqlDb): SqlDb => ({
      dialect: db.dialect,
      all: (sql, params) => (seen.push(sql), db.all(sql, params)),
      get: (sql, params) => (seen.push(sql), db.get(sql, params)),
      run: (sql, params) => (seen.push(sql), db.run(sql, params)),
      transaction: (fn) => db.transaction((tx) => fn(spy(tx))),
      close: () => db.close(),
    });
    const claim = (articleId: number, a: NewsArticle) => spy(store.db).transaction((tx) => claimStoryIn(tx, { articleId, title: a.title, text: bodyOf(a), now: T0 }));
    for (const [i, s] of stories.slice(0, 6).entries()) await claim(i + 1, s);
    expect((await claim(99, editedLead(stories[2] as NewsArticle))).isNew).toBe(false);

    const selects = [...new Set(seen.filter((sql) => /^\s*SELECT/i.test(sql)))];
    expect(selects.length).toBeGreaterThanOrEqual(3);
    for (const sql of selects) {
      const params = (sql.match(/\?/g) ?? []).map(() => 'x');
      const plan = (await store.db.all(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail as string);
      // The plan names a table by its alias when it has one ("SCAN f"); "SCAN b" of a LIMITed sub-select is not a table.
      expect(plan.filter((d) => scansStoryTable(sql, d)), sql).toEqual([]);
    }
  });
});

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, SCHEMA_VERSION, SchemaTooNewError, SqliteStore, type Store } from '../../src/store/index.ts';
import { createTestDatabase } from '../helpers/stores.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'vigie.db');
}

async function pgRows(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** An entry and its article, saved through the store, to find again after a migration. */
async function savedArticle(store: Store): Promise<void> {
  await store.recordEntries('src', [{ title: 'old', url: 'https://x.example/old', urlKey: 'x.example/old' }], '2026-01-01T00:00:00Z');
  const [e] = (await store.recordEntries('src', [{ title: 'new', url: 'https://x.example/new', urlKey: 'x.example/new' }], '2026-01-02T00:00:00Z')).added;
  await store.saveArticle(e!.id, { url: e!.url, title: 'Exercice Polaris', text: 'La frégate appareille.', html: '', lang: 'fr', publishedAt: null, byline: null, canonicalUrl: null }, null, '2026-01-02T00:00:00Z');
}

describe('SQLite migrations', () => {
  it('several processes opening one new file at once: each opens it, and each version is applied once', async () => {
    const path = tempFile();
    const startAt = Date.now() + 1_500;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => {
        const child = fork(fileURLToPath(new URL('./open-store-worker.ts', import.meta.url)), [path, String(startAt)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        return new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
          child.once('message', (m) => resolve(m as { ok: boolean; error?: string }));
          child.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
        });
      }),
    );
    expect(results).toEqual(Array.from({ length: 4 }, () => ({ ok: true })));
    const raw = new Database(path, { readonly: true });
    cleanups.push(() => {
      raw.close();
    });
    const rows = raw.prepare('SELECT version FROM vigie_schema ORDER BY version').all() as Array<{ version: number }>;
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  }, 30_000);

  it('version 1 to 2: articles saved before the search index are found after it', async () => {
    const path = tempFile();
    const first = new SqliteStore({ path });
    await savedArticle(first);
    await first.close();
    // Back to what version 1 left: no search index, no pauses, no replay window.
    const raw = new Database(path);
    raw.exec(`DROP TRIGGER articles_fts_insert; DROP TRIGGER articles_fts_delete; DROP TRIGGER articles_fts_update; DROP TABLE articles_fts;
      DROP TABLE webhook_pauses; ALTER TABLE deliveries DROP COLUMN window_start; DROP INDEX articles_by_fetched; DROP TABLE watchlist_matches;
      DROP TABLE watchlist_digests; DROP TABLE translation_keys; ALTER TABLE article_fingerprints DROP COLUMN lang;
      ALTER TABLE article_fingerprints DROP COLUMN gist; ALTER TABLE article_fingerprints DROP COLUMN translation_of; DELETE FROM vigie_schema WHERE version >= 2;`);
    raw.close();
    const store = new SqliteStore({ path });
    cleanups.push(() => store.close());
    expect((await store.searchArticles({ q: 'fregate' })).articles.map((a) => a.title)).toEqual(['Exercice Polaris']);
    // Versions 3 to 5 came back with them: watchlist matches are recorded.
    expect(await store.recordWatchlistMatch({ watchlistId: 'w', storyId: 1, articleId: 1, hits: [] }, '2026-12-01T08:00:00.000Z')).toBe(true);
  });

  it('records the schema version once, and opening again applies nothing', async () => {
    const path = tempFile();
    await new SqliteStore({ path }).close();
    await new SqliteStore({ path }).close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT version FROM vigie_schema ORDER BY version').all() as Array<{ version: number }>;
    raw.close();
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a database written by a newer Vigie, naming the file and both versions, and leaves it untouched', async () => {
    const path = tempFile();
    await new SqliteStore({ path }).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO vigie_schema (version, name, applied_at) VALUES (?, 'from the future', '2030-01-01')").run(SCHEMA_VERSION + 1);
    raw.close();
    let error: unknown;
    try {
      new SqliteStore({ path });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect((error as Error).message).toContain(`(${SCHEMA_VERSION})`);
    const check = new Database(path, { readonly: true });
    expect((check.prepare('SELECT MAX(version) AS v FROM vigie_schema').get() as { v: number }).v).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('brings a database from before versioned migrations to version 1, keeping its rows', async () => {
    const path = tempFile();
    const raw = new Database(path);
    // What the first releases created: crawls without lag_ms, http_cache keyed by URL alone.
    raw.exec(`CREATE TABLE sources (id TEXT PRIMARY KEY, url TEXT NOT NULL, added_at TEXT NOT NULL, baseline_at TEXT, last_crawl_at TEXT,
      last_ok_at TEXT, consecutive_failures INTEGER NOT NULL DEFAULT 0, degraded INTEGER NOT NULL DEFAULT 0, list_signature TEXT, removed_at TEXT);
      CREATE TABLE crawls (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, at TEXT NOT NULL, duration_ms INTEGER NOT NULL, status INTEGER,
      outcome TEXT NOT NULL, entries_found INTEGER NOT NULL DEFAULT 0, entries_new INTEGER NOT NULL DEFAULT 0, error TEXT);
      CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, body_hash TEXT, updated_at TEXT NOT NULL);`);
    raw.prepare("INSERT INTO sources (id, url, added_at) VALUES ('old', 'http://old.example/', '2025-01-01')").run();
    raw.prepare("INSERT INTO crawls (source_id, at, duration_ms, status, outcome) VALUES ('old', '2025-01-01', 12, 200, 'baseline')").run();
    raw.close();

    const store = new SqliteStore({ path });
    cleanups.push(() => store.close());
    const crawls = await store.recentCrawls({ sourceId: 'old' });
    expect(crawls).toHaveLength(1);
    expect(crawls[0]!.lagMs).toBeNull();
    await store.saveHttpCache('old', 'http://old.example/', { etag: 'e', lastModified: null, bodyHash: null }, '2026-01-01');
    expect(await store.getHttpCache('old', 'http://old.example/')).toEqual({ etag: 'e', lastModified: null, bodyHash: null });
  });
});

describe('Postgres migrations', () => {
  it('version 1 to 2: articles saved before the search index are found after it, accents folded', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const first = await PostgresStore.open({ url: db.url });
    await savedArticle(first);
    await first.close();
    await pgRows(db.url, `DROP INDEX articles_search; DROP INDEX articles_by_fetched; DROP FUNCTION vigie_fold(text); DROP TABLE webhook_pauses;
      ALTER TABLE deliveries DROP COLUMN window_start; DROP TABLE watchlist_matches; DROP TABLE watchlist_digests; DROP TABLE translation_keys;
      ALTER TABLE article_fingerprints DROP COLUMN lang, DROP COLUMN gist, DROP COLUMN translation_of; DELETE FROM vigie_schema WHERE version >= 2`);
    const store = await PostgresStore.open({ url: db.url });
    cleanups.push(() => store.close());
    expect((await store.searchArticles({ q: 'fregate' })).articles.map((a) => a.title)).toEqual(['Exercice Polaris']);
    // Versions 3 to 5 came back with them: watchlist matches are recorded.
    expect(await store.recordWatchlistMatch({ watchlistId: 'w', storyId: 1, articleId: 1, hits: [] }, '2026-12-01T08:00:00.000Z')).toBe(true);
  });

  it('several processes opening a new database at once: one migrates, all open, the version is recorded once', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url: db.url })));
    cleanups.push(async () => {
      for (const s of stores) await s.close();
    });
    for (const s of stores) expect(await s.ping()).toBe(true);
    const rows = await pgRows(db.url, 'SELECT version FROM vigie_schema ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a database written by a newer Vigie, without its password in the message', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    await (await PostgresStore.open({ url: db.url })).close();
    await pgRows(db.url, `INSERT INTO vigie_schema (version, name, applied_at) VALUES (${SCHEMA_VERSION + 1}, 'from the future', '2030-01-01')`);
    const withPassword = new URL(db.url);
    withPassword.password = 'hunter2-secret';
    // Trust auth on these machines: the password is not checked, so the URL reaches the version check.
    const error = await PostgresStore.open({ url: withPassword.toString() }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect((error as Error).message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect((error as Error).message).not.toContain('hunter2-secret');
    expect((error as Error).message).toContain(withPassword.pathname.slice(1));
  });

  it('a server that does not answer is an error that names it, without the password', async () => {
    const error = await PostgresStore.open({ url: 'postgres://vigie:hunter2-secret@127.0.0.1:1/vigie' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2-secret');
  });
});

/**
 * Tables of the monitor. Plain types and `ON CONFLICT DO NOTHING RETURNING`, which Postgres accepts as well, so a
 * second backend can reuse the statements. Timestamps are ISO 8601 text in UTC.
 */
export const MONITOR_SCHEMA = `
CREATE TABLE IF NOT EXISTS sources (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  added_at TEXT NOT NULL,
  baseline_at TEXT,
  last_crawl_at TEXT,
  last_ok_at TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  degraded INTEGER NOT NULL DEFAULT 0,
  list_signature TEXT,
  removed_at TEXT
);
CREATE TABLE IF NOT EXISTS crawls (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  lag_ms INTEGER,
  status INTEGER,
  outcome TEXT NOT NULL,
  entries_found INTEGER NOT NULL DEFAULT 0,
  entries_new INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX IF NOT EXISTS crawls_by_source ON crawls (source_id, id);
CREATE TABLE IF NOT EXISTS http_cache (
  source_id TEXT NOT NULL,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  body_hash TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source_id, url)
);
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  url TEXT NOT NULL,
  url_key TEXT NOT NULL,
  title TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  baseline INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source_id, url_key)
);
-- Entries that may still need their article, for entriesWithoutArticle on every crawl: baseline entries never do,
-- and they are most of a source's rows.
CREATE INDEX IF NOT EXISTS entries_unread ON entries (source_id, id) WHERE baseline = 0;
CREATE TABLE IF NOT EXISTS articles (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL UNIQUE,
  source_id TEXT NOT NULL,
  url TEXT NOT NULL,
  title TEXT,
  text TEXT,
  html TEXT,
  lang TEXT,
  published_at TEXT,
  byline TEXT,
  canonical_url TEXT,
  fetched_at TEXT NOT NULL,
  error TEXT,
  story_id INTEGER
);
CREATE INDEX IF NOT EXISTS articles_by_story ON articles (story_id);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,
  source_id TEXT,
  story_id INTEGER,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL,
  webhook_id TEXT NOT NULL,
  url TEXT NOT NULL,
  msg_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (event_id, webhook_id)
);
CREATE INDEX IF NOT EXISTS deliveries_by_state ON deliveries (state);
CREATE TABLE IF NOT EXISTS delivery_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  status INTEGER,
  outcome TEXT NOT NULL,
  error TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_delivery ON delivery_attempts (delivery_id);
CREATE TABLE IF NOT EXISTS templates (
  source_id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

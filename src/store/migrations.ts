import type Database from 'better-sqlite3';
import { schemaV1 } from './schema.ts';
import { LOCK_NAMESPACE, type SqlDb, type SqlDialect } from './sql-db.ts';

export interface Migration {
  version: number;
  name: string;
  sql(dialect: SqlDialect['name']): string;
}

/** Every schema change, in order. A new one gets the next version; a released one is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: schemaV1 },
  { version: 2, name: 'article search, webhook pauses, delivery replays', sql: (d) => (d === 'sqlite' ? SQLITE_V2 : POSTGRES_V2) },
];

/**
 * SQLite: an FTS5 index of titles and texts kept by triggers (external content: the text is stored once), accents
 * folded (remove_diacritics 2: "defense" finds "défense"). Postgres: a GIN index on the 'simple' configuration
 * (no stemming: the articles are French and English), which `to_tsvector('simple', ...) @@ ...` queries use.
 */
const SQLITE_V2 = `
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE INDEX IF NOT EXISTS articles_by_fetched ON articles (fetched_at);
CREATE TABLE IF NOT EXISTS webhook_pauses (webhook_id TEXT PRIMARY KEY, paused_at TEXT NOT NULL);
ALTER TABLE deliveries ADD COLUMN window_start TEXT;
`;

const POSTGRES_V2 = `
DO $$
DECLARE ns text;
BEGIN
  -- unaccent is a trusted extension: a database owner may create it. Where it cannot be, search keeps the accents.
  BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent unavailable (%): article search will be accent-sensitive', SQLERRM;
  END;
  SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
  -- Immutable, schema-qualified: an index may use it, whatever the search_path.
  IF ns IS NOT NULL THEN
    EXECUTE format('CREATE OR REPLACE FUNCTION vigie_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
      format('SELECT %1$I.unaccent(%2$L::regdictionary, $1)', ns, ns || '.unaccent'));
  ELSE
    CREATE OR REPLACE FUNCTION vigie_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS 'SELECT $1';
  END IF;
END
$$;
CREATE INDEX IF NOT EXISTS articles_search ON articles USING GIN (to_tsvector('simple', vigie_fold(coalesce(title, '') || ' ' || coalesce(text, ''))));
CREATE INDEX IF NOT EXISTS articles_by_fetched ON articles (fetched_at);
CREATE TABLE IF NOT EXISTS webhook_pauses (webhook_id TEXT PRIMARY KEY, paused_at TEXT NOT NULL);
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS window_start TEXT;
`;

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

const VERSION_TABLE = 'CREATE TABLE IF NOT EXISTS vigie_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
  constructor(
    readonly where: string,
    readonly found: number,
  ) {
    super(
      `${where}: the database is at schema version ${found}, newer than this Vigie knows (${SCHEMA_VERSION}): ` +
        'it was written by a newer Vigie. Upgrade Vigie, or point it at another database.',
    );
  }
}

/** The migrations a database at `current` still needs; a database newer than the code is refused, not touched. */
export function pending(current: number, where: string): readonly Migration[] {
  if (current > SCHEMA_VERSION) throw new SchemaTooNewError(where, current);
  return MIGRATIONS.filter((m) => m.version > current);
}

/** SQLite, at open (synchronous, like the rest of opening a file): all pending migrations in one transaction. */
export function migrateSqlite(raw: Database.Database, where: string): void {
  raw.exec(VERSION_TABLE);
  const current = (raw.prepare('SELECT MAX(version) AS v FROM vigie_schema').get() as { v: number | null }).v ?? 0;
  const todo = pending(current, where);
  if (todo.length === 0) return;
  if (current === 0) upgradeUnversioned(raw);
  raw.transaction(() => {
    for (const m of todo) {
      raw.exec(m.sql('sqlite'));
      raw.prepare('INSERT INTO vigie_schema (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
  }).immediate();
}

/**
 * Databases from before versioned migrations, brought to what version 1 creates (its CREATE ... IF NOT EXISTS then
 * leaves their tables and rows as they are).
 */
function upgradeUnversioned(raw: Database.Database): void {
  const columns = (table: string) => (raw.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as Array<{ name: string }>).map((c) => c.name);
  // http_cache was keyed by URL alone at first; it is only a cache, so it is dropped, not migrated.
  const cache = columns('http_cache');
  if (cache.length > 0 && !cache.includes('source_id')) raw.exec('DROP TABLE http_cache');
  // crawls.lag_ms came later: added in place (NULL for the older rows).
  const crawls = columns('crawls');
  if (crawls.length > 0 && !crawls.includes('lag_ms')) raw.exec('ALTER TABLE crawls ADD COLUMN lag_ms INTEGER');
  const fingerprints = columns('article_fingerprints');
  if (fingerprints.length > 0 && !fingerprints.includes('numbers')) {
    throw new Error(
      'article_fingerprints was created by an older Vigie (no numbers column, text sketch): delete the database or drop the story tables (stories, article_fingerprints, story_bands) to rebuild them',
    );
  }
}

/**
 * Postgres, at open. Several processes may start at once (`vigie start` and its workers): a session advisory lock
 * lets one migrate while the others wait, then find nothing left to do.
 */
export async function migratePostgres(db: SqlDb, where: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.all('SELECT pg_advisory_xact_lock(?::int, 0)', [LOCK_NAMESPACE]);
    await tx.run(VERSION_TABLE);
    const current = ((await tx.get('SELECT MAX(version) AS v FROM vigie_schema')) as { v: number | null }).v ?? 0;
    for (const m of pending(current, where)) {
      for (const statement of splitStatements(m.sql('postgres'))) await tx.run(statement);
      await tx.run('INSERT INTO vigie_schema (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
    }
  });
}

/**
 * A schema text as statements, split on `;` at line ends, except inside a `$$ ... $$` body (a DO block or a
 * function), whose own statements end with `;` too. Our schema texts hold no `;` at a line end inside a string.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inBody) continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.trim().replace(/;$/, ''));
      current = '';
    }
  }
  if (current.trim() !== '') statements.push(current.trim());
  return statements;
}

import type Database from 'better-sqlite3';
import { schemaV1 } from './schema.ts';
import { LOCK_NAMESPACE, type SqlDb, type SqlDialect } from './sql-db.ts';

export interface Migration {
  version: number;
  name: string;
  sql(dialect: SqlDialect['name']): string;
}

/** Every schema change, in order. A new one gets the next version; a released one is never edited. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial schema', sql: schemaV1 }];

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

/** A schema text as statements: ours hold no `;` inside strings, so splitting on `;` at line ends is enough. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

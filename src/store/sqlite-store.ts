import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrateSqlite } from './migrations.ts';
import { SqliteDb } from './sqlite-db.ts';
import { SqlStore } from './sql-store.ts';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throw-away store. Its folder is created. Required. */
  path: string;
  /**
   * How long a writer waits for another process's write lock before failing. Default 10 s. better-sqlite3 waits
   * synchronously, blocking the event loop: one machine with a few processes is fine; many workers belong on Postgres.
   */
  busyTimeoutMs?: number;
}

/**
 * The embedded store: SQLite (better-sqlite3) in one file, the default. Several processes on one machine may share
 * it (WAL, busy timeout); never on a network filesystem, where SQLite's WAL does not work.
 */
export class SqliteStore extends SqlStore {
  readonly path: string;

  constructor(options: SqliteStoreOptions) {
    if (!options?.path) throw new TypeError('SqliteStore: options.path is required');
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const raw = new Database(options.path);
    try {
      // The busy timeout first: switching to WAL waits on a lock too when another process is opening the same file.
      raw.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      migrateSqlite(raw, options.path);
    } catch (err) {
      raw.close();
      throw err;
    }
    super(new SqliteDb(raw));
    this.path = options.path;
  }
}

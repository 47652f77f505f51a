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
      const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
      raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
      walMode(raw, busyTimeoutMs);
      raw.pragma('synchronous = NORMAL');
      // A checkpoint copies every page the WAL holds back into the file, and syncs it. At SQLite's default (every
      // 1,000 pages, 4 MB) the index pages that claims and crawls touch at random were copied again every few
      // dozen commits; at 10,000 pages a hot page is copied once where it was copied ten times. The WAL is cut
      // back to 64 MB after a checkpoint, so the disk it takes stays bounded.
      raw.pragma('wal_autocheckpoint = 10000');
      raw.pragma('journal_size_limit = 67108864');
      migrateSqlite(raw, options.path);
    } catch (err) {
      raw.close();
      throw err;
    }
    super(new SqliteDb(raw));
    this.path = options.path;
  }
}

/**
 * Switches the file to WAL. Switching needs the file to itself, and SQLite answers "database is locked" at once
 * rather than waiting its busy timeout when another process holds it (several processes opening one new file, as
 * `vigie start` and its workers do): so it is tried again, every 20 ms, for up to the busy timeout.
 */
function walMode(raw: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      raw.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      // Opening a store is synchronous (a constructor): a short blocking sleep, not a timer.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

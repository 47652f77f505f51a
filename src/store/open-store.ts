import { join } from 'node:path';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** A `postgres://` URL, or null for the embedded SQLite file. */
  database: string | null;
  /** The storage folder: SQLite's file is `<storage>/vigie.db`. */
  storage: string;
}

/** The configured backend. Each is imported only when chosen: `pg` is not loaded for SQLite, nor better-sqlite3 for Postgres. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.database) {
    const { PostgresStore } = await import('./postgres-store.ts');
    return PostgresStore.open({ url: options.database });
  }
  const { SqliteStore } = await import('./sqlite-store.ts');
  return new SqliteStore({ path: join(options.storage, 'vigie.db') });
}

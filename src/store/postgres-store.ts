import { redactUrl } from '../config/database-url.ts';
import { migratePostgres } from './migrations.ts';
import { postgresDb } from './postgres-db.ts';
import { SqlStore } from './sql-store.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:5432/vigie`. Required. */
  url: string;
  /** Pool size per process. Default 10. */
  maxConnections?: number;
}

/**
 * The store on Postgres, for workers on several machines. Same statements as SQLite (SqlStore); concurrency comes
 * from the database: insert-if-absent with `ON CONFLICT DO NOTHING`, the source row locked while its entries are
 * recorded, and story claims serialised only with claims that share a lookup key (advisory locks).
 */
export class PostgresStore extends SqlStore {
  /** Connects, checks the server answers, and applies pending migrations (one process at a time). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    if (!options?.url) throw new TypeError('PostgresStore: options.url is required');
    const { db } = postgresDb({ url: options.url, max: options.maxConnections });
    const where = redactUrl(options.url);
    try {
      await migratePostgres(db, where);
    } catch (err) {
      await db.close();
      if ((err as Error).name === 'SchemaTooNewError') throw err;
      throw new Error(`Postgres at ${where}: ${(err as Error).message}`, { cause: err });
    }
    return new PostgresStore(db);
  }
}

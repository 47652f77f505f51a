import Database from 'better-sqlite3';
import { searchWords, type Row, type SqlDb, type SqlDialect, type SqlParam } from './sql-db.ts';

export const SQLITE: SqlDialect = {
  name: 'sqlite',
  forUpdate: '',
  jsonNumber: (column, key) => `json_extract(${column}, '$.${key}')`,
  beforeChangeWrite: async () => {},
  beforeChangeRead: async () => {},
  articleMatch: 'a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)',
  // Each word quoted (FTS5 syntax cannot leak in), all required; the last one also as a prefix, for typing.
  matchQuery: (text) => {
    const words = searchWords(text);
    if (words.length === 0) return null;
    return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
  },
};

/**
 * SQLite through better-sqlite3, behind the asynchronous SqlDb. better-sqlite3 runs each statement synchronously,
 * so the promise is settled on return; what needs care is a transaction that awaits between its statements: any
 * other caller would then run inside it (one connection), and be committed or rolled back with it. So while a
 * transaction is open, every call from outside it waits for its end, in order.
 */
export class SqliteDb implements SqlDb {
  readonly dialect = SQLITE;
  /**
   * Prepared statements by SQL text. `prepare` compiles the SQL again on every call (about a third of the store's
   * time per source in a 500-source `--once`); the texts are a fixed set but for a few sized by their input.
   */
  private readonly statements = new Map<string, Database.Statement>();
  /** Settles when the open transaction ends; null when none is open. */
  private busy: Promise<void> | null = null;
  private readonly inside: SqlDb;

  constructor(readonly raw: Database.Database) {
    // The view a transaction's function gets: the same connection, without waiting for itself.
    const self = this;
    this.inside = {
      dialect: SQLITE,
      all: async (sql, params) => self.statement(sql).all(...(params ?? [])) as Row[],
      get: async (sql, params) => self.statement(sql).get(...(params ?? [])) as Row | undefined,
      run: async (sql, params) => ({ changes: self.statement(sql).run(...(params ?? [])).changes }),
      transaction: (fn) => fn(self.inside),
      close: () => self.close(),
    };
  }

  /** A statement prepared once per text; texts built from an input's size are cached like the rest (few sizes). */
  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, (statement = this.raw.prepare(sql)));
    }
    return statement;
  }

  async all(sql: string, params?: readonly SqlParam[]): Promise<Row[]> {
    while (this.busy) await this.busy;
    return this.inside.all(sql, params);
  }

  async get(sql: string, params?: readonly SqlParam[]): Promise<Row | undefined> {
    while (this.busy) await this.busy;
    return this.inside.get(sql, params);
  }

  async run(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }> {
    while (this.busy) await this.busy;
    return this.inside.run(sql, params);
  }

  /** BEGIN IMMEDIATE: the write lock is taken at once, so what `fn` reads stays true until it commits. */
  async transaction<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    while (this.busy) await this.busy;
    let end!: () => void;
    this.busy = new Promise((resolve) => (end = resolve));
    try {
      this.raw.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.inside);
        this.raw.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.busy = null;
      end();
    }
  }

  async close(): Promise<void> {
    while (this.busy) await this.busy;
    if (this.raw.open) this.raw.close();
  }
}

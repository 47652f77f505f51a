/** First key of every advisory lock Vigie takes on Postgres ('VIGI'), so its locks never meet another application's. */
export const LOCK_NAMESPACE = 0x56494749;

/** A row as the driver returns it, by column name. */
export type Row = Record<string, unknown>;

/** What a statement binds: both drivers take these as they are (a Uint8Array becomes a BLOB or a bytea). */
export type SqlParam = string | number | null | Uint8Array;

/**
 * One database connection (or pool), with `?` placeholders on both backends, so the store's SQL is written once.
 * The SQL itself must be what SQLite and Postgres both accept: `ON CONFLICT ... DO NOTHING`, `RETURNING`,
 * `excluded.`, sub-selects with `LIMIT`; what differs (JSON, locks) is asked of `dialect`.
 */
export interface SqlDb {
  readonly dialect: SqlDialect;
  all(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  get(sql: string, params?: readonly SqlParam[]): Promise<Row | undefined>;
  run(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one write transaction on one connection and commits, or rolls back if it throws. Called on the db
   * that `fn` received, it runs inside the open transaction (no nesting of its own).
   */
  transaction<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Appended to a SELECT of one row that the transaction will update: `FOR UPDATE` on Postgres; SQLite's write transaction already holds the whole database. */
  readonly forUpdate: string;
  /** A number read from a JSON text column: `json_extract(col, '$.key')` or `(col::json->>'key')::float8`. */
  jsonNumber(column: string, key: string): string;
  /**
   * Serialises the writers of the same keys until the transaction ends, and no others (Postgres advisory locks,
   * taken in a fixed order so that two such transactions cannot deadlock). Absent on SQLite, where a write
   * transaction already holds the database: a caller then builds no keys.
   */
  lockKeys?(db: SqlDb, keys: readonly string[]): Promise<void>;
  /**
   * Live views read new rows by id, which only works if ids become visible in order. On Postgres they need not: ids are
   * handed out at insert and committed later, so a reader could pass id 11 before id 10 commits and never see 10. A
   * transaction that inserts articles, crawls or attempts calls `beforeChangeWrite` (a shared lock); `beforeChangeRead`
   * (the exclusive one) then waits for those in flight, so what it reads has no hole. SQLite writes one at a time.
   */
  beforeChangeWrite(db: SqlDb): Promise<void>;
  beforeChangeRead(db: SqlDb): Promise<void>;
  /** A condition on the table aliased `a` (articles) with one `?`: its title or text matches a full-text query. */
  readonly articleMatch: string;
  /** Words typed by a user as the backend's full-text query (the `?` of articleMatch); null when nothing is searchable. */
  matchQuery(words: string): string | null;
}

/** The words of a search box: letters and digits, anything else a separator (no operators reach the engine). */
export function searchWords(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu)?.slice(0, 16) ?? [];
}

/**
 * A LIMIT (and OFFSET) clause with its numbers written in, not bound. SQLite as better-sqlite3 builds it (STAT4) pays
 * for a bound `LIMIT ?` on every call: on a store of 25,000 entries, the same empty lookup took 12.7 µs a call with
 * `LIMIT ?` and 2.2 µs with `LIMIT 100`. Only whole numbers >= 0 are written; anything else throws.
 */
export function limitClause(limit: number, offset?: number): string {
  for (const [name, n] of [['limit', limit], ['offset', offset ?? 0]] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${n}`);
  }
  return offset === undefined ? `LIMIT ${limit}` : `LIMIT ${limit} OFFSET ${offset}`;
}

import { createHash } from 'node:crypto';
import pg from 'pg';
import { LOCK_NAMESPACE, searchWords, type Row, type SqlDb, type SqlDialect, type SqlParam } from './sql-db.ts';

/** A namespace of its own, so the change-log lock never meets a story key's lock. */
const CHANGE_LOG_NAMESPACE = LOCK_NAMESPACE + 1;

export const POSTGRES: SqlDialect = {
  name: 'postgres',
  forUpdate: ' FOR UPDATE',
  jsonNumber: (column, key) => `(${column}::json->>'${key}')::float8`,
  lockKeys: async (db, keys) => {
    if (keys.length === 0) return;
    // Sorted, so two transactions wanting overlapping keys take them in one order and cannot deadlock; a hash
    // collision only makes two unrelated claims wait for each other, never merges them.
    const hashes = [...new Set(keys.map((k) => createHash('sha1').update(k).digest().readInt32BE(0)))].sort((a, b) => a - b);
    await db.all('SELECT pg_advisory_xact_lock(?::int, k) FROM unnest(?::int[]) AS k', [LOCK_NAMESPACE, `{${hashes.join(',')}}`]);
  },
  beforeChangeWrite: async (db) => {
    await db.all('SELECT pg_advisory_xact_lock_shared(?::int, ?::int)', [CHANGE_LOG_NAMESPACE, 1]);
  },
  beforeChangeRead: async (db) => {
    await db.all('SELECT pg_advisory_xact_lock(?::int, ?::int)', [CHANGE_LOG_NAMESPACE, 1]);
  },
  // The expression of the articles_search index, so that the index serves the query.
  articleMatch: "to_tsvector('simple', vigie_fold(coalesce(a.title, '') || ' ' || coalesce(a.text, ''))) @@ to_tsquery('simple', vigie_fold(?))",
  // Lower-cased words joined by &, the last one also as a prefix; no user syntax reaches to_tsquery.
  matchQuery: (text) => {
    const words = searchWords(text).map((w) => w.toLowerCase());
    if (words.length === 0) return null;
    return words.map((w, i) => `${w}${i === words.length - 1 ? ':*' : ''}`).join(' & ');
  },
};

/** int8 (COUNT, identity ids) as a JS number, not a string: ids and counts stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const converted = new Map<string, string>();

/** `?` placeholders as `$1, $2, ...`, outside quoted strings and identifiers. */
export function toNumbered(sql: string): string {
  let out = converted.get(sql);
  if (out !== undefined) return out;
  out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  if (converted.size > 1000) converted.clear();
  converted.set(sql, out);
  return out;
}

function bind(params: readonly SqlParam[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
}

type Queryable = pg.Pool | pg.PoolClient;

function onConnection(q: Queryable, close: () => Promise<void>, inTransaction: boolean): SqlDb {
  const query = async (sql: string, params: readonly SqlParam[] = []) => q.query({ text: toNumbered(sql), values: bind(params) });
  const db: SqlDb = {
    dialect: POSTGRES,
    all: async (sql, params) => (await query(sql, params)).rows as Row[],
    get: async (sql, params) => (await query(sql, params)).rows[0] as Row | undefined,
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    transaction: async (fn) => {
      if (inTransaction) return fn(db);
      const client = await (q as pg.Pool).connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(onConnection(client, close, true));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // A connection that cannot roll back is not given back to the pool.
          broken = rollbackErr as Error;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close,
  };
  return db;
}

export interface PostgresDbOptions {
  /** `postgres://user:pass@host:5432/db`. Required. */
  url: string;
  /** Connections in the pool. Default 10: a worker process runs a few jobs at once, each holding one briefly. */
  max?: number;
}

/** Postgres through a node-postgres pool, behind SqlDb. */
export function postgresDb(options: PostgresDbOptions): { db: SqlDb; pool: pg.Pool } {
  if (!options?.url) throw new TypeError('postgresDb: options.url is required');
  // Idle connections kept a minute, not pg's 10 s: a worker's jobs come every few seconds, and reconnecting costs more.
  const pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 10, idleTimeoutMillis: 60_000, types });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await pool.end();
  };
  return { db: onConnection(pool, close, false), pool };
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore, SqliteStore, type Store } from '../../src/store/index.ts';

/** The server the Postgres tests use; each test gets a database of its own on it, dropped after. */
export const POSTGRES_ADMIN_URL = process.env.VIGIE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore<S extends Store = Store> {
  store: S;
  /** Where another process opens the same database: the SQLite file's path, or the Postgres URL. See openStoreAt. */
  target: string;
  /** Another store on the same database (its own connection), closed by close(). */
  reopen(): Promise<Store>;
  /** Closes every store opened here and removes the database. */
  close(): Promise<void>;
}

export interface Backend {
  name: Store['kind'];
  open(): Promise<TestStore>;
}

/** A store on the SQLite file or the Postgres URL `target`, as a second process would open it. */
export async function openStoreAt(target: string, options: { busyTimeoutMs?: number } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(target)) return PostgresStore.open({ url: target });
  return new SqliteStore({ path: target, busyTimeoutMs: options.busyTimeoutMs });
}

/** Closes every store, even when one fails to, then runs `last`. */
function closer(stores: Store[], last: () => Promise<void> | void): () => Promise<void> {
  return async () => {
    const closed = await Promise.allSettled(stores.splice(0).map((s) => s.close()));
    await last();
    const failed = closed.find((c) => c.status === 'rejected');
    if (failed) throw failed.reason;
  };
}

/** A SQLite store on a fresh file in a temp folder, removed on close. */
export async function sqliteBackend(): Promise<TestStore<SqliteStore>> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-store-'));
  const target = join(dir, 'db', 'vigie.db');
  const store = new SqliteStore({ path: target });
  const stores: Store[] = [store];
  return {
    store,
    target,
    async reopen() {
      const other = await openStoreAt(target);
      stores.push(other);
      return other;
    },
    close: closer(stores, () => rmSync(dir, { recursive: true, force: true })),
  };
}

/** Runs one statement on the server's maintenance database (CREATE / DROP DATABASE cannot run in a transaction). */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A Postgres database of its own (`vigie_test_<pid>_<random>`), without a store: for tests that open it themselves. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vigie_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  // FORCE: a store a failed test left open must not keep its database alive.
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A Postgres store on a throwaway database, dropped on close. */
export async function postgresBackend(): Promise<TestStore<PostgresStore>> {
  const database = await createTestDatabase();
  let store: PostgresStore;
  try {
    store = await PostgresStore.open({ url: database.url });
  } catch (err) {
    await database.drop();
    throw err;
  }
  const stores: Store[] = [store];
  return {
    store,
    target: database.url,
    async reopen() {
      const other = await openStoreAt(database.url);
      stores.push(other);
      return other;
    },
    close: closer(stores, () => database.drop()),
  };
}

/** Both backends, for `describe.each(backends)('$name', ({ open }) => ...)`. */
export const backends: Backend[] = [
  { name: 'sqlite', open: sqliteBackend },
  { name: 'postgres', open: postgresBackend },
];

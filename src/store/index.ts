export { openStore, type OpenStoreOptions } from './open-store.ts';
export { PostgresStore, type PostgresStoreOptions } from './postgres-store.ts';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
export { SqlStore } from './sql-store.ts';
export { SchemaTooNewError, SCHEMA_VERSION } from './migrations.ts';
export type { SqlDb } from './sql-db.ts';
export type * from './store.ts';

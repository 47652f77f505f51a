export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
export type * from './store.ts';

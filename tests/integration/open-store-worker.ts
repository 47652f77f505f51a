// A separate process opening a SQLite store (path on argv) at a given wall-clock moment, for the race in
// store-migrations.test.ts: several processes opening one new file at once, as `vigie start` and its workers do.
import { SqliteStore } from '../../src/store/index.ts';

const [path, startAtArg] = process.argv.slice(2);
while (Date.now() < Number(startAtArg)) {
  // Spin: a timer would add milliseconds of jitter between the processes.
}
try {
  const store = new SqliteStore({ path: path as string });
  await store.ping();
  await store.close();
  process.send?.({ ok: true }, () => process.exit(0));
} catch (err) {
  process.send?.({ ok: false, error: (err as Error).message }, () => process.exit(1));
}

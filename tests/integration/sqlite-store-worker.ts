// A separate process recording entries into a shared database file, for the concurrency test in
// sqlite-store.test.ts. It waits for "go" so that both processes write at the same moment.
import { SqliteStore } from '../../src/store/index.ts';

const [dbPath, fromArg, toArg, batchArg] = process.argv.slice(2);
const from = Number(fromArg);
const to = Number(toArg);
const batch = Number(batchArg);
const store = new SqliteStore({ path: dbPath as string, busyTimeoutMs: 20_000 });

process.send?.({ ready: true });
process.on('message', () => {
  const added: string[] = [];
  for (let start = from; start < to; start += batch) {
    const entries = [];
    for (let i = start; i < Math.min(to, start + batch); i++) entries.push({ title: `Entry ${i}`, url: `https://site.example.org/a/${i}`, urlKey: `site.example.org/a/${i}` });
    const result = store.recordEntries('shared', entries, new Date().toISOString());
    if (result.baseline) throw new Error('a later call was taken as the baseline');
    added.push(...result.added.map((e) => e.urlKey));
  }
  store.close();
  process.send?.({ added }, () => process.exit(0));
});

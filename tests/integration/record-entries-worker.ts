// A separate process recording entries into a shared store (SQLite file or Postgres URL on argv), for the race in
// store-races.test.ts. It waits for "go" so that both processes write at the same moment.
import type { NewEntry } from '../../src/store/index.ts';
import { openStoreAt } from '../helpers/stores.ts';

const [target, fromArg, toArg, batchArg] = process.argv.slice(2);
const from = Number(fromArg);
const to = Number(toArg);
const batch = Number(batchArg);
const store = await openStoreAt(target as string, { busyTimeoutMs: 20_000 });
await store.ping();

process.send?.({ ready: true });
process.on('message', async () => {
  const added: string[] = [];
  for (let start = from; start < to; start += batch) {
    const entries: NewEntry[] = [];
    for (let i = start; i < Math.min(to, start + batch); i++) entries.push({ title: `Entry ${i}`, url: `https://site.example.org/a/${i}`, urlKey: `site.example.org/a/${i}` });
    const result = await store.recordEntries('shared', entries, new Date().toISOString());
    if (result.baseline) throw new Error('a later call was taken as the baseline');
    added.push(...result.added.map((e) => e.urlKey));
  }
  await store.close();
  process.send?.({ added }, () => process.exit(0));
});

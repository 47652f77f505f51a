// A separate process claiming stories in a shared store (SQLite file or Postgres URL on argv), for the race in
// store-races.test.ts. Round r starts at `startAt + r * slotMs` (wall clock) in both processes, so that the two
// claims of each round really happen at the same moment, whatever the machine's load.
import { SqliteStore } from '../../src/store/index.ts';
import { openStoreAt } from '../helpers/stores.ts';
import { roundText } from './story-claim-texts.ts';

const [target, workerArg, roundsArg] = process.argv.slice(2);
const worker = Number(workerArg);
const rounds = Number(roundsArg);
const store = await openStoreAt(target as string, { busyTimeoutMs: 20_000 });

// Warm the fingerprint and claim code on a private in-memory store, and the connection to the shared one, so
// that neither process starts its first round late.
const warm = new SqliteStore({ path: ':memory:' });
for (let i = 0; i < 20; i++) {
  const { title, text } = roundText(10_000 + i, worker);
  await warm.claimStory(i + 1, title, text, new Date().toISOString());
}
await warm.close();
await store.ping();

process.send?.({ ready: true });
process.on('message', async ({ startAt, slotMs }: { startAt: number; slotMs: number }) => {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const at = startAt + round * slotMs;
    // Asleep until just before the round, so that the database's own processes have the cores meanwhile; then a
    // spin, as a timer alone would add milliseconds of jitter between the two processes.
    if (at - Date.now() > 4) await new Promise((resolve) => setTimeout(resolve, at - Date.now() - 3));
    while (Date.now() < at) {
      // Spin.
    }
    const { title, text } = roundText(round, worker);
    // Wall-clock times with sub-millisecond precision, comparable between the two processes of one machine.
    const startedAt = performance.timeOrigin + performance.now();
    const claim = await store.claimStory(round * 2 + worker + 1, title, text, new Date().toISOString());
    results.push({ round, ...claim, startedAt, endedAt: performance.timeOrigin + performance.now() });
  }
  await store.close();
  process.send?.({ results }, () => process.exit(0));
});

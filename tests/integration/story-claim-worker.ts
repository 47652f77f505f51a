// A separate process claiming articles against a shared database file, for the concurrency test in
// story-claim.test.ts. Round r starts at `startAt + r * slotMs` (wall clock) in both processes, so that the
// two claims of each round really happen at the same moment, whatever the machine's load.
import Database from 'better-sqlite3';
import { claimStory, STORY_SCHEMA } from '../../src/store/story-claim.ts';
import { roundText } from './story-claim-texts.ts';

const [dbPath, workerArg, roundsArg] = process.argv.slice(2);
const worker = Number(workerArg);
const rounds = Number(roundsArg);
const db = new Database(dbPath as string);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 20000');

// Warm the code paths on a private in-memory database, so neither process starts its first round late.
const warm = new Database(':memory:');
for (let i = 0; i < 20; i++) claimStory(warm, { articleId: i + 1, ...roundText(10_000 + i, worker), now: new Date().toISOString() });
warm.close();
db.exec(STORY_SCHEMA);

process.send?.({ ready: true });
process.on('message', ({ startAt, slotMs }: { startAt: number; slotMs: number }) => {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    while (Date.now() < startAt + round * slotMs) {
      // Spin: a timer would add milliseconds of jitter between the two processes.
    }
    const { title, text } = roundText(round, worker);
    const claim = claimStory(db, { articleId: round * 2 + worker + 1, title, text, now: new Date().toISOString() });
    results.push({ round, ...claim });
  }
  db.close();
  process.send?.({ results }, () => process.exit(0));
});

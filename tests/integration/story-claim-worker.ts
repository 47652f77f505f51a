// A separate process claiming articles against a shared database file, for the concurrency test in
// story-claim.test.ts. It waits for "go" so that both processes start their rounds at the same moment.
import Database from 'better-sqlite3';
import { claimStory } from '../../src/store/story-claim.ts';
import { roundText } from './story-claim-texts.ts';

const [dbPath, workerArg, roundsArg] = process.argv.slice(2);
const worker = Number(workerArg);
const rounds = Number(roundsArg);
const db = new Database(dbPath as string);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 20000');

process.send?.({ ready: true });
process.on('message', () => {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const { title, text } = roundText(round, worker);
    const claim = claimStory(db, { articleId: round * 2 + worker + 1, title, text, now: new Date().toISOString() });
    results.push({ round, ...claim });
  }
  db.close();
  process.send?.({ results }, () => process.exit(0));
});

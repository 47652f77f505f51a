// Two processes writing one database at the same moment, on each backend: the decisions "is this new?" must
// hold across processes (one atomic insert-if-absent), not only across the callers of one store.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostgresStore, SqliteStore, StoryClaim } from '../../src/store/index.ts';
import { backends, type TestStore } from '../helpers/stores.ts';

const spawn = (script: string, args: string[]): ChildProcess =>
  fork(fileURLToPath(new URL(script, import.meta.url)), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

/** Resolves on the child's next message; rejects if it exits first, or later with an error code. */
const nextMessage = <T>(child: ChildProcess): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });

describe.each(backends)('two processes on one $name database', ({ open }) => {
  let opened: TestStore;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    opened = await open();
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await opened?.close();
  });

  it('inserting overlapping entries at once: each entry is new for exactly one', async () => {
    const { store } = opened;
    await store.recordEntries('shared', [{ title: 'Entry -1', url: 'https://site.example.org/a/-1', urlKey: 'site.example.org/a/-1' }], new Date().toISOString());
    children.push(spawn('./record-entries-worker.ts', [opened.target, '0', '300', '7']), spawn('./record-entries-worker.ts', [opened.target, '100', '400', '7']));
    await Promise.all(children.map((c) => nextMessage(c)));
    const done = children.map((c) => nextMessage<{ added: string[] }>(c));
    for (const c of children) c.send('go');
    const [a, b] = await Promise.all(done);
    const all = [...a!.added, ...b!.added];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Array.from({ length: 400 }, (_, i) => `site.example.org/a/${i}`).sort());
    expect(await store.recentEntries({ sourceId: 'shared', limit: 1000 })).toHaveLength(401);
  }, 60_000);

  it('claiming copies of the same stories at once: exactly one new story per round', async () => {
    const rounds = 100;
    children.push(...[0, 1].map((i) => spawn('./story-claim-worker.ts', [opened.target, String(i), String(rounds)])));
    await Promise.all(children.map((c) => nextMessage(c)));
    const done = children.map((c) => nextMessage<{ results: Array<StoryClaim & { round: number; startedAt: number; endedAt: number }> }>(c));
    const slotMs = 25;
    const startAt = Date.now() + 300;
    for (const c of children) c.send({ startAt, slotMs });
    const [a = [], b = []] = (await Promise.all(done)).map((m) => m.results);
    expect(a).toHaveLength(rounds);
    expect(b).toHaveLength(rounds);
    let overlapped = 0;
    for (let round = 0; round < rounds; round++) {
      const x = a[round]!;
      const y = b[round]!;
      expect(x.storyId, `round ${round}`).toBe(y.storyId);
      expect(Number(x.isNew) + Number(y.isNew), `round ${round}`).toBe(1);
      if (x.startedAt < y.endedAt && y.startedAt < x.endedAt) overlapped++;
    }
    expect(new Set(a.map((c) => c.storyId)).size).toBe(rounds);
    // No story was opened beside the ones returned (a lost race must not leave an empty story behind).
    const { db } = opened.store as SqliteStore | PostgresStore;
    expect(Number((await db.get('SELECT count(*) AS n FROM stories', []))!.n)).toBe(rounds);
    // The two claims of a round really ran at the same time, rather than one after the other. (Not "each process
    // won some rounds": one that is steadily a little faster, Postgres's connection warmer, may win them all.)
    expect(overlapped, `the two claims overlapped in ${overlapped} of ${rounds} rounds`).toBeGreaterThanOrEqual(rounds / 10);
  }, 60_000);
});

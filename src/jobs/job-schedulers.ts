import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The keys of a queue's job schedulers. */
export async function schedulerKeys(queue: Queue): Promise<Set<string>> {
  const keys = (await queue.getJobSchedulers(0, -1)).map((s) => s.key ?? (s as { id?: string }).id);
  return new Set(keys.filter((k): k is string => typeof k === 'string' && k !== ''));
}

/** Removes the schedulers among `existing` whose key has `prefix` and is not `wanted`; returns their keys. */
export async function removeSchedulers(queue: Queue, existing: Iterable<string>, prefix: string, wanted: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const key of existing) {
    if (key.startsWith(prefix) && !wanted.has(key)) {
      await queue.removeJobScheduler(key);
      removed.push(key);
    }
  }
  return removed;
}

/**
 * Which of `keys` the queue's schedulers set no longer holds (its data lost: FLUSHALL, a restart without AOF, a
 * failover to an empty replica): one ZMSCORE, cheap enough for every /health.
 */
export async function lostSchedulers(connection: Redis, queue: Queue, keys: readonly string[]): Promise<boolean[]> {
  if (keys.length === 0) return [];
  const scores = await connection.zmscore(queue.toKey('repeat'), ...keys);
  return scores.map((s) => s === null);
}

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../src/jobs/index.ts';

/** Polls `probe` until it returns a value other than undefined; rejects naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Removes every Vigie queue under `prefix` from Redis, and the keys kept beside them (host lines, lag histogram),
 * for tests that ran `vigie` in a child process or a whole monitor.
 */
export async function obliterateQueues(redisUrl: string, prefix: string): Promise<void> {
  for (const name of Object.values(QUEUE_NAMES)) {
    const q = new Queue(name, { connection: { url: redisUrl }, prefix });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

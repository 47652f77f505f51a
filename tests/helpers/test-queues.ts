import type { Redis } from 'ioredis';
import type { Config } from '../../src/config/index.ts';
import { createRedisConnection, VigieQueues } from '../../src/jobs/index.ts';

/**
 * A Redis connection and the queues of `config` (its own prefix), for a test that builds a server or workers in
 * process. The cleanups obliterate the queues and delete every other key of the prefix (host lines, lag), then
 * disconnect.
 */
export function testQueues(cleanups: Array<() => unknown>, config: Config): { connection: Redis; queues: VigieQueues } {
  const connection = createRedisConnection(config.redis);
  cleanups.push(() => connection.disconnect());
  const queues = new VigieQueues(connection, config);
  cleanups.push(async () => {
    for (const q of queues.all) await q.obliterate({ force: true });
    await queues.close();
    const keys = await connection.keys(`${config.queuePrefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
  });
  return { connection, queues };
}

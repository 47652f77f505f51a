import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { createRedisConnection, QUEUE_NAMES, VigieQueues } from '../../src/jobs/index.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let dir: string;
let connection: Redis;
let config: Config;
let queues: VigieQueues;
const stores: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-queues-'));
  config = loadConfig({
    env: {},
    cwd: dir,
    object: {
      redis: REDIS_URL,
      queuePrefix: `vigie-test-${randomBytes(6).toString('hex')}`,
      sources: [{ id: 'src', url: 'https://site.example.org/' }],
      webhooks: [{ url: 'https://hooks.example.org/a', secret: SECRET }],
    },
  });
  connection = createRedisConnection(REDIS_URL);
  queues = new VigieQueues(connection, config);
});

afterEach(async () => {
  for (const q of queues.all) await q.obliterate({ force: true });
  await queues.close();
  connection.disconnect();
  for (const s of stores.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database, as after `storage/` was reset while Redis kept its jobs. */
function freshStore(name: string): SqliteStore {
  const store = new SqliteStore({ path: join(dir, name, 'vigie.db') });
  stores.push(store);
  return store;
}

/** One new entry (after a baseline) and one delivery, in `store`. */
async function work(store: Store, at: string) {
  await store.recordEntries('src', [{ title: 'Old', url: 'https://site.example.org/old', urlKey: 'old' }], at);
  const [entry] = (await store.recordEntries('src', [{ title: 'New', url: 'https://site.example.org/new', urlKey: 'new' }], at)).added;
  const { deliveries } = (await store.createEvent({ type: 'article.new', dedupeKey: 'k1', sourceId: 'src', storyId: null, payload: {}, webhooks: config.webhooks }, at))!;
  return { entries: [entry!], deliveries };
}

describe('VigieQueues', () => {
  it('enqueues each article and delivery once, however often it is asked', async () => {
    const { entries, deliveries } = await work(freshStore('a'), '2026-12-01T08:00:00.000Z');
    for (let i = 0; i < 3; i++) {
      await queues.enqueueArticles(entries);
      await queues.enqueueDeliveries(deliveries);
    }
    expect(await queues.article.count()).toBe(1);
    expect(await queues.delivery.count()).toBe(1);
    const [job] = await queues.delivery.getJobs(['waiting']);
    expect(job!.data).toEqual({ deliveryId: deliveries[0]!.id });
    expect(job!.opts.attempts).toBeGreaterThan(1_000);
  });

  it('a reset database reusing row ids does not collide with the jobs Redis kept', async () => {
    const before = await work(freshStore('before'), '2026-12-01T08:00:00.000Z');
    await queues.enqueueArticles(before.entries);
    await queues.enqueueDeliveries(before.deliveries);
    const after = await work(freshStore('after'), '2026-12-01T09:00:00.000Z');
    expect(after.entries[0]!.id).toBe(before.entries[0]!.id);
    expect(after.deliveries[0]!.id).toBe(before.deliveries[0]!.id);
    await queues.enqueueArticles(after.entries);
    await queues.enqueueDeliveries(after.deliveries);
    expect(await queues.article.count()).toBe(2);
    expect(await queues.delivery.count()).toBe(2);
  });

  it('a job that failed is run again when re-enqueued, though BullMQ keeps its id for 30 days', async () => {
    const { entries, deliveries } = await work(freshStore('a'), '2026-12-01T08:00:00.000Z');
    const runs = new Map<string, number>();
    // Each job fails for good on its first run and succeeds after.
    const processor = async (job: Job) => {
      const n = (runs.get(job.id!) ?? 0) + 1;
      runs.set(job.id!, n);
      if (n === 1) throw new UnrecoverableError('first run fails');
      return 'ok';
    };
    const workerConnection = createRedisConnection(REDIS_URL);
    const workers = [QUEUE_NAMES.article, QUEUE_NAMES.delivery].map((name) => new Worker(name, processor, { connection: workerConnection, prefix: config.queuePrefix }));
    const settled = async (state: 'failed' | 'completed') => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const [a, d] = await Promise.all([queues.article.getJobCounts(state), queues.delivery.getJobCounts(state)]);
        if (a[state] === 1 && d[state] === 1) return;
      }
      throw new Error(`the jobs never became ${state}`);
    };
    try {
      expect(await queues.enqueueArticles(entries)).toHaveLength(1);
      expect(await queues.enqueueDeliveries(deliveries)).toHaveLength(1);
      await settled('failed');
      // The same ids again: the failed jobs are replaced and run.
      expect(await queues.enqueueArticles(entries)).toHaveLength(1);
      expect(await queues.enqueueDeliveries(deliveries)).toHaveLength(1);
      await settled('completed');
      expect([...runs.values()]).toEqual([2, 2]);
      expect((await queues.article.getJobCounts('failed')).failed).toBe(0);
      // Completed, they are not queued a third time.
      expect(await queues.enqueueArticles(entries)).toEqual([]);
      expect(await queues.enqueueDeliveries(deliveries)).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      workerConnection.disconnect();
    }
  });
});

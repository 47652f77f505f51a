import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createRedisConnection, VigieQueues } from '../../src/jobs/index.ts';
import { SqliteStore } from '../../src/store/index.ts';

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
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database, as after `storage/` was reset while Redis kept its jobs. */
function freshStore(name: string): SqliteStore {
  const store = new SqliteStore({ path: join(dir, name, 'vigie.db') });
  stores.push(store);
  return store;
}

/** One new entry (after a baseline) and one delivery, in `store`. */
function work(store: SqliteStore, at: string) {
  store.recordEntries('src', [{ title: 'Old', url: 'https://site.example.org/old', urlKey: 'old' }], at);
  const [entry] = store.recordEntries('src', [{ title: 'New', url: 'https://site.example.org/new', urlKey: 'new' }], at).added;
  const { deliveries } = store.createEvent({ type: 'article.new', dedupeKey: 'k1', sourceId: 'src', storyId: null, payload: {}, webhooks: config.webhooks }, at)!;
  return { entries: [entry!], deliveries };
}

describe('VigieQueues', () => {
  it('enqueues each article and delivery once, however often it is asked', async () => {
    const { entries, deliveries } = work(freshStore('a'), '2026-12-01T08:00:00.000Z');
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
    const before = work(freshStore('before'), '2026-12-01T08:00:00.000Z');
    await queues.enqueueArticles(before.entries);
    await queues.enqueueDeliveries(before.deliveries);
    const after = work(freshStore('after'), '2026-12-01T09:00:00.000Z');
    expect(after.entries[0]!.id).toBe(before.entries[0]!.id);
    expect(after.deliveries[0]!.id).toBe(before.deliveries[0]!.id);
    await queues.enqueueArticles(after.entries);
    await queues.enqueueDeliveries(after.deliveries);
    expect(await queues.article.count()).toBe(2);
    expect(await queues.delivery.count()).toBe(2);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createRedisConnection, missingDigestSchedules, missingSchedules, reconcile, syncDigestSchedules, syncSchedules, VigieQueues, type Logger } from '../../src/jobs/index.ts';
import { digestScheduleKey } from '../../src/jobs/digest-schedules.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { obliterateQueues } from '../helpers/wait.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

let dir: string;
let connection: Redis;
let config: Config;
let queues: VigieQueues;
let store: SqliteStore;
let warnings: string[];

/** Records warn lines, the ones reconcile writes when it had to put something back. */
const log: Logger = {
  info: () => undefined,
  debug: () => undefined,
  error: () => undefined,
  warn: (_obj, msg) => void warnings.push(msg ?? ''),
  child: () => log,
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-reconcile-'));
  config = loadConfig({
    env: {},
    cwd: dir,
    object: {
      redis: REDIS_URL,
      queuePrefix: `vigie-test-${randomBytes(6).toString('hex')}`,
      sources: [
        { id: 'a', url: 'https://a.example.org/', every: '5m' },
        { id: 'b', url: 'https://b.example.org/', cron: '*/10 * * * *' },
      ],
      webhooks: [{ url: 'https://hooks.example.org/a', secret: SECRET }],
    },
  });
  connection = createRedisConnection(REDIS_URL);
  queues = new VigieQueues(connection, config);
  store = new SqliteStore({ path: join(dir, 'vigie.db') });
  warnings = [];
});

afterEach(async () => {
  await queues.close();
  connection.disconnect();
  await obliterateQueues(REDIS_URL, config.queuePrefix);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const OLD = '2026-12-01T08:00:00.000Z';
/** Redis loses every key of this install, as with FLUSHALL. */
const loseRedisData = () => obliterateQueues(REDIS_URL, config.queuePrefix);

describe('reconcile', () => {
  it('puts back lost schedulers, and does nothing (and says nothing) when they are there', async () => {
    await syncSchedules(queues, config);
    expect(await missingSchedules(queues, config)).toEqual([]);
    expect(await reconcile({ config, store, queues, log }, { schedules: true, work: false })).toEqual({ schedules: [], deliveries: 0, articles: 0 });
    expect(warnings).toEqual([]);

    await loseRedisData();
    expect(await missingSchedules(queues, config)).toEqual(['a', 'b']);
    const report = await reconcile({ config, store, queues, log }, { schedules: true, work: false });
    expect(report.schedules).toEqual(['a', 'b']);
    expect((await queues.crawl.getJobSchedulers(0, -1)).map((s) => s.key).sort()).toEqual(['source-a', 'source-b']);
    expect(await missingSchedules(queues, config)).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/2 source schedules were missing from Redis and are back/);

    // Idempotent: a second run finds them and changes nothing.
    expect((await reconcile({ config, store, queues, log }, { schedules: true, work: false })).schedules).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('puts back the job of every pending delivery, past the first 1,000, and of every unread entry', async () => {
    await store.recordEntries('a', [{ title: 'Old', url: 'https://a.example.org/old', urlKey: 'old' }], OLD);
    const entries = Array.from({ length: 3 }, (_, i) => ({ title: `New ${i}`, url: `https://a.example.org/new-${i}`, urlKey: `new-${i}` }));
    const added = (await store.recordEntries('a', entries, OLD)).added;
    // One entry was read; the other two lost their job.
    await store.saveArticle(added[0]!.id, null, 'HTTP 404', OLD);
    const events = 1_200;
    await store.transaction(async (tx) => {
      for (let i = 0; i < events; i++) {
        await tx.createEvent({ type: 'article.new', dedupeKey: `k${i}`, sourceId: 'a', storyId: null, payload: { i }, webhooks: config.webhooks }, OLD);
      }
    });
    // A delivery and an entry just created are their creator's to enqueue: left alone within the grace.
    const fresh = new Date().toISOString();
    await store.createEvent({ type: 'article.new', dedupeKey: 'fresh', sourceId: 'a', storyId: null, payload: {}, webhooks: config.webhooks }, fresh);
    await store.recordEntries('a', [{ title: 'Fresh', url: 'https://a.example.org/fresh', urlKey: 'fresh' }], fresh);

    const report = await reconcile({ config, store, queues, log }, { schedules: false, work: true });
    expect(report).toEqual({ schedules: [], deliveries: events, articles: 2 });
    expect(await queues.delivery.count()).toBe(events);
    expect((await queues.article.getJobs(['waiting'])).map((j) => j.data.entryId).sort()).toEqual([added[1]!.id, added[2]!.id].sort());
    expect(warnings).toEqual(['reconcile (interval): put back 1200 delivery jobs and 2 article jobs missing from Redis']);

    // Everything is queued now: nothing to do, nothing said.
    expect(await reconcile({ config, store, queues, log }, { schedules: false, work: true })).toEqual({ schedules: [], deliveries: 0, articles: 0 });
    expect(warnings).toHaveLength(1);

    // With no grace, the fresh ones are taken too.
    expect(await reconcile({ config, store, queues, log }, { schedules: false, work: true, graceMs: 0 })).toEqual({ schedules: [], deliveries: 1, articles: 1 });
  });
  it('puts back lost digest schedulers, one per schedule, and says so', async () => {
    const digests = loadConfig({
      env: {},
      cwd: dir,
      object: {
        redis: REDIS_URL,
        queuePrefix: config.queuePrefix,
        sources: [{ id: 'a', url: 'https://a.example.org/', every: '5m' }],
        channels: [{ id: 'desk', slack: 'https://hooks.slack.com/services/T0/B0/XX' }],
        watchlists: [
          { id: 'air', terms: ['Patriot'], digest: { cron: '0 7 * * *', tz: 'Europe/Paris', notify: ['desk'] } },
          { id: 'sea', terms: ['frigate'], digest: { cron: '0 7 * * *', tz: 'Europe/Paris', notify: ['desk'] } },
          { id: 'land', terms: ['CAESAR'], digest: { cron: '0 18 * * 1-5', tz: 'UTC', notify: ['desk'] } },
        ],
      },
    });
    const keys = [digestScheduleKey('0 7 * * *', 'Europe/Paris'), digestScheduleKey('0 18 * * 1-5', 'UTC')];
    await syncSchedules(queues, digests);
    await syncDigestSchedules(queues, digests);
    expect(await missingDigestSchedules(queues, digests)).toEqual([]);
    await reconcile({ config: digests, store, queues, log }, { schedules: true, work: false });
    expect(warnings).toEqual([]);

    await loseRedisData();
    expect(await missingDigestSchedules(queues, digests)).toEqual(keys);
    await reconcile({ config: digests, store, queues, log }, { schedules: true, work: false });
    expect(await missingDigestSchedules(queues, digests)).toEqual([]);
    const schedulers = await queues.delivery.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key).sort()).toEqual([...keys].sort());
    expect(schedulers.find((s) => s.key === keys[0])).toMatchObject({ pattern: '0 7 * * *', tz: 'Europe/Paris' });
    expect(warnings.some((w) => /2 digest schedules were missing from Redis and are back/.test(w))).toBe(true);
  });
});

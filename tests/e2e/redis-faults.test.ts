import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { missingSchedules, redisAnswers, type Logger } from '../../src/jobs/index.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.ts';
import { until } from '../helpers/wait.ts';

// Every test here runs its own redis-server on a free port: the machine's Redis is never restarted or flushed.
let harness: Harness | undefined;
let redis: TestRedis | undefined;
let site: NewsSite | undefined;
afterEach(async () => {
  // Up again if a test left it down, so the harness can close its queues.
  if (redis && !(await redisAnswers(redis.url, 300))) await redis.start();
  await harness?.close();
  await site?.close();
  await redis?.close();
  harness = redis = site = undefined;
});

/** Keeps warn lines, where reconcile says what it had to put back. */
function warnLog(lines: string[]): Logger {
  const log: Logger = { info: () => undefined, debug: () => undefined, error: () => undefined, warn: (_o, msg) => void lines.push(msg ?? ''), child: () => log };
  return log;
}

/** How many times each published title reached the receiver with a 2xx, and under which webhook-ids. */
function deliveredByTitle(h: Harness): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const r of h.receiver.delivered()) {
    const title = r.payload!.data.entry.title as string;
    by.set(title, [...(by.get(title) ?? []), String(r.headers['webhook-id'])]);
  }
  return by;
}

async function setup(options: { appendonly: boolean; reconcileEvery: string; warnings: string[] }): Promise<Harness> {
  redis = await startTestRedis({ appendonly: options.appendonly });
  site = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 8) });
  harness = await startHarness({
    redis: redis.url,
    sources: [{ id: 'wp', url: site.listUrl, every: '1s' }],
    reconcile: { every: options.reconcileEvery },
    log: warnLog(options.warnings),
  });
  await harness.until('the baseline', async () => (await harness!.store.health())[0]?.baselineAt != null);
  return harness;
}

/** Publishes a story and waits until it was delivered. */
async function publishAndWait(h: Harness, index: number, timeoutMs = 30_000): Promise<void> {
  const title = toPublish[index]!.title;
  site!.publish(toPublish[index]!);
  await h.until(`the alert for "${title}"`, () => deliveredByTitle(h).has(title), timeoutMs);
}

/** After a quiet moment, every published story was delivered exactly once, each under one webhook-id. */
async function expectEachOnce(h: Harness, count: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 2_500));
  const by = deliveredByTitle(h);
  expect([...by.keys()].sort()).toEqual(toPublish.slice(0, count).map((s) => s.title).sort());
  for (const [title, ids] of by) expect(ids, title).toHaveLength(1);
  expect((await h.store.deliveries()).every((d) => d.state === 'delivered')).toBe(true);
}

describe('Redis faults', () => {
  it('a Redis restart with AOF mid-run loses nothing: every story alerts once, nothing had to be put back', async () => {
    const warnings: string[] = [];
    const h = await setup({ appendonly: true, reconcileEvery: '2s', warnings });
    await publishAndWait(h, 0);

    // A story goes up, and Redis stops while its crawl, article or delivery may be under way; another goes up while
    // Redis is away.
    site!.publish(toPublish[1]!);
    await new Promise((r) => setTimeout(r, 700));
    await redis!.stop();
    site!.publish(toPublish[2]!);
    await new Promise((r) => setTimeout(r, 3_000));
    await redis!.start();

    await h.until('the alerts of the stories published around the restart', () => deliveredByTitle(h).size >= 3, 40_000);
    await publishAndWait(h, 3);
    await expectEachOnce(h, 4);
    expect(await missingSchedules(h.monitor.queues, h.config)).toEqual([]);
    // AOF kept every job and scheduler: the reconcile found nothing missing.
    expect(warnings.filter((w) => w.startsWith('reconcile'))).toEqual([]);
  }, 120_000);

  it('FLUSHALL mid-run: the schedules are back within seconds, and new stories still alert once', async () => {
    const warnings: string[] = [];
    const h = await setup({ appendonly: false, reconcileEvery: '2s', warnings });
    await publishAndWait(h, 0);

    const client = new Redis(redis!.url);
    await client.flushall();
    client.disconnect();
    const flushedAt = Date.now();
    expect(await missingSchedules(h.monitor.queues, h.config)).toEqual(['wp']);
    await until('the schedules back', async () => ((await missingSchedules(h.monitor.queues, h.config)).length === 0 ? true : undefined), 60_000, 200);
    expect(Date.now() - flushedAt).toBeLessThan(60_000);
    expect(warnings.filter((w) => /source schedule was missing from Redis and is back/.test(w))).toHaveLength(1);

    await publishAndWait(h, 1);
    await publishAndWait(h, 2);
    await expectEachOnce(h, 3);
  }, 120_000);

  it('a Redis that restarts empty (no AOF) gets its schedules back on reconnect, without waiting for the minute', async () => {
    const warnings: string[] = [];
    const h = await setup({ appendonly: false, reconcileEvery: '1m', warnings });
    await publishAndWait(h, 0);

    await redis!.stop();
    await redis!.start();
    await h.until('the schedules back after the reconnect', () => warnings.some((w) => /^reconcile \(reconnect\).*missing from Redis and is back/.test(w)), 20_000);
    expect(await missingSchedules(h.monitor.queues, h.config)).toEqual([]);

    await publishAndWait(h, 1);
    await expectEachOnce(h, 2);
  }, 90_000);
});

import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { createRedisConnection, HostGate } from '../../src/jobs/index.ts';
import { MAX_RETRY_AFTER_MS } from '../../src/config/retry-after.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness.ts';
import { until } from '../helpers/wait.ts';

let harness: Harness | undefined;
let site: NewsSite | undefined;
let redis: Redis | undefined;

afterEach(async () => {
  // The harness removes the queues and the host gate's keys (the host would stay closed for hours otherwise).
  await harness?.close();
  harness = undefined;
  redis?.disconnect();
  redis = undefined;
  await site?.close();
  site = undefined;
});

const SIX_HOURS = 6 * 3_600_000;

describe('a host that answers 429 with an absurd Retry-After', () => {
  it('caps the wait at 6 h, and the alert goes out with article null by the article deadline', async () => {
    expect(MAX_RETRY_AFTER_MS).toBe(SIX_HOURS);
    const DEADLINE_MS = 4_000;
    site = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 10) });
    harness = await startHarness({ sources: [{ id: 'wp', url: site.listUrl, every: '1s' }], crawl: { articleDeadline: '4s' } });
    const { store, receiver, monitor } = harness;
    expect(harness.config.crawl.articleDeadline).toBe(DEADLINE_MS);
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);

    const story = toPublish[3]!;
    const url = site.publish(story);
    // 999999 s is eleven days: obeyed as is, it would silence the host and hold the alert that long.
    site.fail({ status: 429, retryAfter: 999_999, pathPrefix: new URL(url).pathname });
    await harness.until('the article page answered 429', () => site!.requests.some((r) => r.status === 429), 10_000);
    const entry = (await store.recentEntries({ sourceId: 'wp' })).find((e) => e.url === url);
    expect(entry).toBeDefined();
    const firstSeenAt = Date.parse(entry!.firstSeenAt);

    // Right after the 429: the host is closed for 6 h at most, and the article job sleeps until its deadline only.
    redis = createRedisConnection(REDIS_URL);
    const gate = new HostGate(redis, { prefix: harness.config.queuePrefix });
    const host = new URL(url).host;
    const line = await until('the host closed by the 429', async () => {
      const l = (await gate.lines()).find((x) => x.host === host);
      return l?.nextFreeAt != null && l.nextFreeAt > Date.now() + 60_000 ? l : undefined;
    }, 5_000);
    let now = Date.now();
    expect(line.nextFreeAt!).toBeLessThanOrEqual(now + SIX_HOURS);
    expect(line.nextFreeAt!).toBeGreaterThan(now + SIX_HOURS - 60_000);
    await until('the article job delayed', async () => ((await monitor.queues.article.getDelayedCount()) > 0 ? true : undefined), 5_000);
    const articleWakes = await delayedWakeTimes(redis, monitor.queues.article);
    expect(articleWakes.length).toBeGreaterThanOrEqual(1);
    for (const wake of articleWakes) expect(wake).toBeLessThanOrEqual(firstSeenAt + DEADLINE_MS);

    const [got] = await receiver.waitFor(1, DEADLINE_MS + 6_000);
    const alertAfterMs = got!.at - firstSeenAt;
    expect(got!.payload!.type).toBe('article.new');
    expect(got!.payload!.data.entry).toMatchObject({ title: story.title, url });
    expect(got!.payload!.data.article).toBeNull();
    // Sent by the deadline (plus the time to deliver), not after the host's 6 h.
    expect(alertAfterMs, `alert ${alertAfterMs} ms after the entry was first seen`).toBeLessThanOrEqual(DEADLINE_MS + 3_000);
    const [article] = await store.recentArticles();
    expect(article).toMatchObject({ url });
    expect(article!.error).toMatch(/before the article deadline/);
    // The article page was asked once: from a second after the 429 on (a crawl already granted may still land just
    // after it), nobody knocked on the host again, although the list is due every second.
    const first429 = site.requests.find((x) => x.status === 429)!.at;
    expect(site.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(site.requests.filter((r) => r.path !== '/robots.txt' && r.at > first429 + 1_000).map((r) => r.path)).toEqual([]);

    // No job anywhere is delayed past the 6 h cap; the crawls wait the capped 6 h for the host.
    now = Date.now();
    const crawlWakes = await delayedWakeTimes(redis, monitor.queues.crawl);
    for (const wake of [...crawlWakes, ...(await delayedWakeTimes(redis, monitor.queues.article))]) expect(wake).toBeLessThanOrEqual(now + SIX_HOURS);
    expect(crawlWakes.some((wake) => wake > now + SIX_HOURS - 60_000)).toBe(true);
    for (const job of [...(await monitor.queues.crawl.getDelayed()), ...(await monitor.queues.article.getDelayed())]) {
      expect(job.delay).toBeLessThanOrEqual(SIX_HOURS);
    }
  }, 30_000);
});

/** When each delayed job of `queue` wakes (epoch ms): BullMQ scores its delayed set by wake time x 4096. */
async function delayedWakeTimes(redis: Redis, queue: Harness['monitor']['queues']['crawl']): Promise<number[]> {
  const scored = await redis.zrange(queue.toKey('delayed'), '0', '-1', 'WITHSCORES');
  const wakes: number[] = [];
  for (let i = 1; i < scored.length; i += 2) wakes.push(Math.floor(Number(scored[i]) / 0x1000));
  return wakes;
}

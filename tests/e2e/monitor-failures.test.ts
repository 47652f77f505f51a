import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { crawlCount, startHarness, type Harness } from '../helpers/harness.ts';

const opened: Array<{ close(): Promise<void> }> = [];
async function site(template: 'reference' | 'wordpress' | 'gov' | 'legacy', options: Parameters<typeof startNewsSite>[0] = {}): Promise<NewsSite> {
  const s = await startNewsSite({ template, articles: initialStories.slice(0, 12), ...options });
  opened.push(s);
  return s;
}
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const o of opened.splice(0)) await o.close();
});

describe('the monitor when things go wrong', () => {
  it('keeps an alert the receiver refused and delivers it once the receiver is back, same webhook-id', async () => {
    const s = await site('wordpress');
    let down = true;
    harness = await startHarness({ sources: [{ id: 'wp', url: s.listUrl, every: '1s' }], respond: () => (down ? 503 : 204) });
    const { store, receiver } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);
    s.publish(toPublish[0]!);
    // The sender logs an attempt once it has read the answer, a moment after the receiver saw the request.
    await harness.until('a refused attempt logged', async () => {
      const [first] = await store.deliveries();
      return first !== undefined && (await store.attempts(first.id)).length >= 1;
    });
    const refused = (await store.deliveries())[0]!;
    expect(refused.state).toBe('pending');
    expect((await store.attempts(refused.id))[0]).toMatchObject({ status: 503, outcome: 'retry' });

    down = false;
    const [delivered] = await receiver.waitFor(1, 20_000);
    expect(delivered!.payload!.data.entry.title).toBe(toPublish[0]!.title);
    // The sender logs the attempt once it has read the answer, a moment after the receiver saw the request.
    await harness.until('the delivery logged as delivered', async () => (await store.deliveries())[0]!.state === 'delivered');
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([refused.msgId]));
    const attempts = await store.attempts(refused.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.at(-1)).toMatchObject({ status: 204, outcome: 'delivered' });
    expect(attempts.slice(0, -1).every((a) => a.outcome === 'retry' && a.status === 503)).toBe(true);
  }, 45_000);

  it('still alerts, with article null, when the article page cannot be read after its retries', async () => {
    const s = await site('wordpress');
    harness = await startHarness({ sources: [{ id: 'wp', url: s.listUrl, every: '1s' }], crawl: { attempts: 2 } });
    const { store, receiver } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);
    const url = s.publish(toPublish[1]!);
    s.fail({ status: 500, pathPrefix: new URL(url).pathname });
    const [got] = await receiver.waitFor(1, 30_000);
    expect(got!.payload!.data.entry).toMatchObject({ title: toPublish[1]!.title, url });
    expect(got!.payload!.data.article).toBeNull();
    // Both attempts reached the site before the alert went out without the article.
    expect(s.requests.filter((r) => r.path === new URL(url).pathname && r.status === 500)).toHaveLength(2);
    expect((await store.recentArticles())[0]!.error).toMatch(/HTTP 500/);
  }, 45_000);

  it('records a source that answers 500 or hangs, and the other sources go on', async () => {
    const healthy = await site('gov');
    const broken = await site('reference');
    const hanging = await site('legacy');
    harness = await startHarness({
      sources: [
        { id: 'healthy', url: healthy.listUrl, every: '1s' },
        { id: 'broken', url: broken.listUrl, every: '1s' },
        { id: 'hanging', url: hanging.listUrl, every: '1s' },
      ],
      crawl: { timeout: '1500ms', attempts: 1 },
    });
    const { store, receiver } = harness;
    await harness.until('all three baselines', async () => (await store.health()).every((h) => h.baselineAt != null));
    broken.fail({ status: 500 });
    hanging.fail({ hang: true });
    healthy.publish(toPublish[1]!);

    const [got] = await receiver.waitFor(1, 20_000);
    expect(got!.payload!.data.source).toBe('healthy');
    await harness.until('a failed crawl of each broken source', async () => {
      const h = await store.health();
      return ['broken', 'hanging'].every((id) => h.find((x) => x.id === id)?.lastCrawl?.outcome === 'failed');
    });
    const health = Object.fromEntries((await store.health()).map((h) => [h.id, h]));
    expect(health.broken!.lastCrawl).toMatchObject({ outcome: 'failed', status: 500 });
    expect(health.broken!.lastCrawl!.error).toMatch(/HTTP 500/);
    expect(health.hanging!.lastCrawl!.error).toMatch(/timed out|timeout/i);
    expect(health.healthy!.lastCrawl!.outcome).not.toBe('failed');
    // The broken sources keep being tried on their schedule.
    const before = await crawlCount(store, 'broken');
    await harness.until('another crawl of the broken source', async () => (await crawlCount(store, 'broken')) > before);
  }, 60_000);

  it('re-crawls an unchanged page with If-None-Match and parses nothing on 304; uses an honest User-Agent', async () => {
    const s = await site('reference');
    harness = await startHarness({ sources: [{ id: 'ref', url: s.listUrl, every: '1s' }] });
    const { store } = harness;
    await harness.until('three crawls', async () => (await crawlCount(store, 'ref')) >= 3);
    const outcomes = (await store.recentCrawls({ sourceId: 'ref' })).map((c) => c.outcome).reverse();
    expect(outcomes[0]).toBe('baseline');
    expect(outcomes.slice(1).every((o) => o === 'not-modified')).toBe(true);
    const pageRequests = s.requests.filter((r) => r.path === new URL(s.listUrl).pathname + new URL(s.listUrl).search);
    expect(pageRequests[0]!.headers['if-none-match']).toBeUndefined();
    expect(pageRequests.slice(1).every((r) => r.headers['if-none-match'] && r.status === 304)).toBe(true);
    for (const r of s.requests) {
      expect(r.headers['user-agent']).toBe(harness.config.crawl.userAgent);
      expect(r.headers['sec-ch-ua']).toBeUndefined();
    }
    expect(s.requests.filter((r) => r.path === '/robots.txt')).toHaveLength(1);
  }, 30_000);

  it('backs off a host that answers 429 for as long as its Retry-After says', async () => {
    const s = await site('gov');
    harness = await startHarness({ sources: [{ id: 'gov', url: s.listUrl, every: '500ms' }] });
    const { store } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);
    s.fail({ status: 429, retryAfter: 3 });
    await harness.until('a 429', () => s.requests.some((r) => r.status === 429));
    const first429 = s.requests.find((r) => r.status === 429)!.at;
    await new Promise((r) => setTimeout(r, 2_000));
    // Within Retry-After, the host sees no request at all, although the source is scheduled every 500 ms.
    expect(s.requests.filter((r) => r.at > first429 + 50 && r.at < first429 + 2_000)).toHaveLength(0);
    s.fail(null);
    s.publish(toPublish[2]!);
    const [got] = await harness.receiver.waitFor(1, 20_000);
    expect(got!.payload!.data.entry.title).toBe(toPublish[2]!.title);
  }, 40_000);
});

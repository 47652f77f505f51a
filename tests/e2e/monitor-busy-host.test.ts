import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let harness: Harness | undefined;
let site: NewsSite | undefined;

afterEach(async () => {
  // The harness removes the queues and the host gate's keys under its prefix.
  await harness?.close();
  harness = undefined;
  await site?.close();
  site = undefined;
});

const SOURCES = ['first', 'second', 'third'] as const;

describe('a busy host: many sources on one host, a short schedule and a burst of news', () => {
  it('alerts every new entry exactly once and keeps crawling every source, at the default 1 s host interval', async () => {
    // Ten stories never seen by the site, published at once: the eight usual ones and the two newest initial ones.
    const burst = [...initialStories.slice(0, 2).reverse(), ...toPublish];
    expect(burst).toHaveLength(10);
    site = await startNewsSite({ template: 'reference', articles: initialStories.slice(2) });
    // Every article page of the reference site carries the "Derniers articles" list: three list pages, one host.
    const ids = [...site.listUrl.matchAll(/id=(\d+)/g)].map((m) => Number(m[1]));
    expect(ids).toHaveLength(1);
    const listUrls = SOURCES.map((_, i) => new URL(`/n_index.php?id=${ids[0]! + i}`, site!.url).href);
    expect(new Set(listUrls.map((u) => new URL(u).host)).size).toBe(1);

    harness = await startHarness({
      sources: SOURCES.map((id, i) => ({ id, url: listUrls[i]!, every: '2s' })),
      // The default spacing, not the harness's 10 ms: a burst then takes longer to read than the schedule's period.
      crawl: { hostInterval: '1s' },
    });
    const { store, receiver } = harness;
    expect(harness.config.crawl.hostInterval).toBe(1_000);
    await harness.until('the three baselines', async () => (await store.health()).every((h) => h.baselineAt != null), 20_000);

    const burstAt = Date.now();
    const published = burst.map((a) => ({ title: a.title, url: site!.publish(a) }));

    // Each source sees the ten entries: 30 article pages and the crawls, one request a second on this host.
    const crawlsAfterBurst = async (id: string) => (await store.recentCrawls({ sourceId: id, limit: 10_000 })).filter((c) => Date.parse(c.at) > burstAt);
    const newEntries = async () => {
      let n = 0;
      for (const id of SOURCES) n += (await store.recentEntries({ sourceId: id, limit: 10_000 })).filter((e) => !e.baseline).length;
      return n;
    };
    const unread = async () => {
      let n = 0;
      for (const id of SOURCES) n += (await store.entriesWithoutArticle(id)).length;
      return n;
    };
    await harness.until(
      'every entry of every source read',
      async () => (await newEntries()) === 3 * burst.length && (await unread()) === 0,
      40_000,
    );
    // Then the crawls that waited behind the article pages go, one a second: every source within a few seconds.
    const drainedAt = Date.now();
    await harness.until(
      'every source crawled again once the articles were read',
      async () => (await Promise.all(SOURCES.map(crawlsAfterBurst))).every((crawls) => crawls.some((c) => Date.parse(c.at) >= drainedAt)),
      SOURCES.length * 1_000 + 2_000 + 3_000,
    );
    await harness.until('every delivery made', async () => (await store.deliveries()).length > 0 && (await store.deliveries()).every((d) => d.state === 'delivered'), 5_000);

    // Exactly one signed article.new per published story: none missing, none twice.
    const delivered = receiver.delivered();
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect(delivered.map((r) => r.payload!.type)).toEqual(burst.map(() => 'article.new'));
    const key = (e: { title: string; url: string }) => `${e.title} <${e.url}>`;
    expect(delivered.map((r) => key(r.payload!.data.entry)).sort()).toEqual(published.map(key).sort());
    expect(delivered.every((r) => r.payload!.data.article !== null)).toBe(true);
    expect(await store.deliveries()).toHaveLength(burst.length);

    // Every source found all ten entries and went on being crawled after reading them.
    for (const id of SOURCES) {
      expect((await store.recentEntries({ sourceId: id, limit: 10_000 })).filter((e) => !e.baseline)).toHaveLength(burst.length);
      expect((await crawlsAfterBurst(id)).length).toBeGreaterThanOrEqual(2);
      expect((await crawlsAfterBurst(id)).every((c) => c.outcome !== 'failed')).toBe(true);
    }
  }, 60_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { crawlCount, startHarness, type Harness } from '../helpers/harness.ts';

let site: NewsSite | undefined;
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  await site?.close();
  harness = undefined;
  site = undefined;
});

describe('the monitor, end to end, on a site modelled on the reference page', () => {
  it('sends nothing for the baseline, then exactly one signed alert per new entry of v2', async () => {
    site = await startNewsSite({ template: 'reference', articles: initialStories });
    harness = await startHarness({ sources: [{ id: 'reference', url: site.listUrl, every: '1s' }] });
    const { store, receiver } = harness;

    await harness.until('the baseline crawl', async () => (await store.health())[0]?.baselineAt != null);
    const baselineEntries = await store.recentEntries({ sourceId: 'reference', limit: 500 });
    expect(baselineEntries.length).toBe(site.latestEntries().length);
    expect(baselineEntries.every((e) => e.baseline)).toBe(true);
    // Two more crawls of an unchanged v1 must still send nothing.
    const after = await crawlCount(store, 'reference');
    await harness.until('two more crawls', async () => (await crawlCount(store, 'reference')) >= after + 2);
    expect(receiver.received).toHaveLength(0);

    // v2: three new entries, the old ones reordered, a new ad, a new counter, a session id on an old link.
    const published = toPublish.slice(0, 3);
    for (const a of published) site.publish(a);
    site.reorder();
    site.setAd('Salon Eurosatory : réservez votre stand');
    site.bumpCounter();
    site.sessionIdOn(initialStories[4]!.slug, 'f3a9c2e1b7');

    const got = await receiver.waitFor(3, 25_000);
    // Let several more crawls of v2 run: nothing else may arrive.
    const seen = await crawlCount(store, 'reference');
    await harness.until('three more crawls of v2', async () => (await crawlCount(store, 'reference')) >= seen + 3);
    expect(receiver.received).toHaveLength(3);
    expect(got.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(3);

    const titles = got.map((r) => r.payload!.data.entry.title).sort();
    expect(titles).toEqual(published.map((a) => a.title).sort());
    for (const r of got) {
      const p = r.payload!;
      expect(p.type).toBe('article.new');
      expect(p.data.source).toBe('reference');
      const story = published.find((a) => a.title === p.data.entry.title)!;
      expect(p.data.entry.url).toBe(site.articleUrl(story.slug));
      expect(p.data.article.title).toBe(story.title);
      expect(p.data.article.text).toContain(story.paragraphs[0]!.slice(0, 60));
      expect(p.data.article.text).not.toContain('Derniers articles');
      expect(p.data.article.text).not.toContain('Directeur de la publication');
      expect(typeof p.data.story.id).toBe('number');
    }
    // Every attempt is in the store.
    await harness.until('three deliveries logged', async () => (await store.deliveries()).filter((d) => d.state === 'delivered').length === 3);
    const deliveries = await store.deliveries();
    expect(deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    for (const d of deliveries) expect(await store.attempts(d.id)).toHaveLength(1);
  }, 60_000);
});

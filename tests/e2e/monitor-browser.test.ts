import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let site: NewsSite | undefined;
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  await site?.close();
});

describe('a render: browser source', () => {
  it('reads a latest list built by script in Debian chromium and alerts its new entry once', async () => {
    site = await startNewsSite({ template: 'scripted', articles: initialStories.slice(0, 10) });
    const raw = await (await fetch(site.listUrl)).text();
    // The list really is not in the HTML: an http source would see nothing here.
    for (const e of site.latestEntries()) expect(raw).not.toContain(new URL(e.url).pathname);

    // Chromium drops its sandbox only when asked and running as root, as these tests may.
    harness = await startHarness({ sources: [{ id: 'scripted', url: site.listUrl, every: '2s', render: 'browser' }], crawl: { chromiumNoSandbox: process.getuid?.() === 0 } });
    const { store, receiver } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null, 40_000);
    expect((await store.recentEntries({ sourceId: 'scripted', limit: 100 })).length).toBe(site.latestEntries().length);

    site.publish(toPublish[3]!);
    const [got] = await receiver.waitFor(1, 40_000);
    expect(got!.signatureValid).toBe(true);
    expect(got!.payload!.data.entry).toMatchObject({ title: toPublish[3]!.title, url: site.articleUrl(toPublish[3]!.slug) });
    expect(got!.payload!.data.article.text).toContain(toPublish[3]!.paragraphs[0]!.slice(0, 50));
    await new Promise((r) => setTimeout(r, 4_000));
    expect(receiver.received).toHaveLength(1);
  }, 90_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { pageCounts, pageScore } from '../../bench/metric.ts';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let site: NewsSite | undefined;
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  await site?.close();
  harness = undefined;
  site = undefined;
});

function f1(truth: string, predicted: string): number {
  const s = pageScore(pageCounts(truth, predicted));
  const p = s.precision ?? 0;
  const r = s.recall ?? 0;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

describe('the first alert from a site laid out like the reference page', () => {
  it('carries the whole article and its date, though the latest list shares the article cell (windows-1252)', async () => {
    site = await startNewsSite({ template: 'reference-cell', articles: initialStories });
    harness = await startHarness({ sources: [{ id: 'reference-cell', url: site.listUrl, every: '1s' }] });
    const { store, receiver } = harness;
    await harness.until('the baseline crawl', async () => (await store.health())[0]?.baselineAt != null);

    const story = toPublish[0]!;
    site.publish(story);
    const [got] = await receiver.waitFor(1, 25_000);
    const article = got!.payload!.data.article!;
    const truth = [...(story.lead ? [story.lead] : []), ...story.paragraphs].join('\n\n');
    expect(got!.payload!.type).toBe('article.new');
    expect(article.title).toBe(story.title);
    expect(f1(truth, article.text)).toBeGreaterThanOrEqual(0.95);
    // Whole: the last paragraph is there, and nothing of the list, print links or footer.
    expect(article.text).toContain(story.paragraphs.at(-1)!);
    expect(article.text).not.toContain('Derniers articles');
    expect(article.text).not.toContain(initialStories[0]!.title);
    expect(article.text).not.toContain('Directeur de la publication');
    // The date line under the title ("2026-11-30 — Author") gives the date; no zone is written, so no time.
    expect(article.publishedAt).toBe(story.publishedAt.slice(0, 10));
  });
});

// One story across languages, end to end: a French site publishes an article, an English site its translation a
// little later. The receiver gets one article.new (the French copy) and, having subscribed to duplicates, one
// article.duplicate carrying translationOf; the story lists both copies with fr and en, in the webhook payload,
// in /api/stories/:id and on the dashboard's story page. Another event on the same topic stays a story of its own.
import * as cheerio from 'cheerio';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories } from '../fixtures/stories.ts';
import { minehunterEn, minehunterFr, minehunterLaterEn } from '../fixtures/translated-stories.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

const opened: NewsSite[] = [];
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const s of opened.splice(0)) await s.close();
});

async function site(template: 'reference' | 'wordpress', lang: 'fr' | 'en'): Promise<NewsSite> {
  const s = await startNewsSite({ template, articles: initialStories.filter((a) => a.lang === lang).slice(0, 6) });
  opened.push(s);
  return s;
}

describe('a French article and its English translation', () => {
  it('give one article.new and one story with both copies, fr and en; the translation arrives as an article.duplicate with translationOf', async () => {
    const [fr, en] = [await site('reference', 'fr'), await site('wordpress', 'en')];
    harness = await startHarness({
      sources: [
        { id: 'marine-fr', url: fr.listUrl, every: '1s' },
        { id: 'naval-en', url: en.listUrl, every: '1s' },
      ],
      events: ['article.new', 'article.duplicate'],
      server: true,
    });
    const { store, receiver } = harness;
    await harness.until('two baselines', async () => (await store.health()).every((h) => h.baselineAt != null));

    fr.publish({ ...minehunterFr, publishedAt: new Date().toISOString() });
    await harness.until('the French article claimed', async () => (await store.recentArticles()).some((a) => a.storyId !== null), 25_000);
    en.publish({ ...minehunterEn, publishedAt: new Date().toISOString() });
    await harness.until('the translation claimed', async () => (await store.recentArticles()).filter((a) => a.storyId !== null).length === 2, 25_000);
    await harness.until('both deliveries sent', async () => receiver.delivered().length === 2, 20_000);

    const byType = (t: string) => receiver.delivered().filter((r) => r.payload!.type === t).map((r) => r.payload!);
    const [alert] = byType('article.new');
    const [duplicate] = byType('article.duplicate');
    expect(byType('article.new')).toHaveLength(1);
    expect(alert!.data.source).toBe('marine-fr');
    expect(alert!.data.article.lang).toBe('fr');
    expect(duplicate!.data.source).toBe('naval-en');
    expect(duplicate!.data.article.lang).toBe('en');
    expect(duplicate!.data.story.id).toBe(alert!.data.story.id);
    expect(duplicate!.data.translationOf).toEqual({ source: 'marine-fr', url: fr.articleUrl(minehunterFr.slug), lang: 'fr' });
    expect(duplicate!.data.story.languages).toEqual(['fr', 'en']);
    expect(duplicate!.data.story.copies).toEqual([
      { source: 'marine-fr', url: fr.articleUrl(minehunterFr.slug), lang: 'fr' },
      { source: 'naval-en', url: en.articleUrl(minehunterEn.slug), lang: 'en' },
    ]);
    expect(alert!.data.translationOf).toBeUndefined();

    const storyId = alert!.data.story.id as number;
    const api = (await (await fetch(`${harness.monitor.url}/api/stories/${storyId}`)).json()) as {
      languages: string[];
      copies: Array<{ sourceId: string; lang: string; translationOf: number | null; articleId: number }>;
    };
    expect(api.languages).toEqual(['fr', 'en']);
    expect(api.copies.map((c) => [c.sourceId, c.lang])).toEqual([
      ['marine-fr', 'fr'],
      ['naval-en', 'en'],
    ]);
    expect(api.copies[1]!.translationOf).toBe(api.copies[0]!.articleId);

    const $ = cheerio.load(await (await fetch(`${harness.monitor.url}/stories/${storyId}`)).text());
    expect($('#story-languages').text()).toMatch(/In 2 languages/);
    expect($('#copies tbody tr').map((_, tr) => $(tr).find('[data-field="lang"]').text().trim()).get()).toHaveLength(2);
    const translated = $(`#copies tbody tr[data-article-id="${api.copies[1]!.articleId}"]`);
    expect(translated.find('[data-field="translation"]').text().trim()).toBe('translation');
    expect(translated.find('[data-field="translation"]').attr('title')).toContain(minehunterFr.title);

    // Another event on the same topic (the same ship, two years later) is a story of its own, with its own alert.
    en.publish({ ...minehunterLaterEn, publishedAt: new Date().toISOString() });
    await harness.until('the other event alerted', async () => byType('article.new').length === 2, 25_000);
    expect(byType('article.new')[1]!.data.story.id).not.toBe(storyId);
    expect((await store.storyCopies(storyId)).length).toBe(2);
  }, 90_000);
});

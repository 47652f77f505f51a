import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { decodeHtml } from '../../src/extract/decode-html.ts';
import { readPage } from '../../src/extract/read-page.ts';
import type { SiteTemplate } from '../../src/extract/site-template.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';

let site: NewsSite | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  return decodeHtml(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type')).html;
}

describe('a template learned after the article was published', () => {
  // Every page fetched since then lists the article's headline, so the template knows the headline as a
  // recurring line; the article's own headline must still be found, or its rubric and date line stay in the text.
  for (const lang of ['en', 'fr'] as const) {
    it(`still finds the headline, trims the lines around it and reads the date (warm-up pages in ${lang})`, async () => {
      site = await startNewsSite({ template: 'reference-cell', articles: initialStories });
      const story = toPublish[0]!;
      site.publish(story);
      let template: SiteTemplate | null = null;
      for (const other of initialStories.filter((s) => s.lang === lang).slice(0, 3)) {
        const url = site.articleUrl(other.slug);
        template = readPage(await get(url), { url, template, latest: false }).template;
      }
      const url = site.articleUrl(story.slug);
      const { article } = readPage(await get(url), { url, template, latest: false });
      expect(article.title).toBe(story.title);
      expect(article.text.split('\n\n')[0]).toBe(story.lead ?? story.paragraphs[0]);
      expect(article.publishedAt).toBe(story.publishedAt.slice(0, 10));
    });
  }
});

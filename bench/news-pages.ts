import type { NewsArticle } from '../src/demo/news-site.ts';
import { stories } from '../tests/fixtures/stories.ts';

/**
 * Realistic article pages for the fixture site: paragraphs of the hand-written fixture stories, in a varying order
 * and count, so pages weigh 30-54 KB on the reference template. Same generator as bench/crawl.ts.
 */
export function generateArticles(count: number): NewsArticle[] {
  const paragraphs = stories.flatMap((s) => s.paragraphs);
  const out: NewsArticle[] = [];
  for (let i = 0; i < count; i++) {
    const story = stories[i % stories.length]!;
    const n = 85 + ((i * 7) % 95);
    const body = Array.from({ length: n }, (_, j) => paragraphs[(i * 13 + j * 5) % paragraphs.length]!);
    const minute = String(i % 60).padStart(2, '0');
    out.push({
      ...story,
      slug: `${story.slug}-${i}`,
      title: `${story.title} (${i})`,
      paragraphs: body,
      publishedAt: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T08:${minute}:00Z`,
    });
  }
  return out;
}

import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import type { Logger } from '../../src/jobs/index.ts';
import { initialStories } from '../fixtures/stories.ts';
import { crawlCount, startHarness, type Harness } from '../helpers/harness.ts';

let harness: Harness | undefined;
let site: NewsSite | undefined;
afterEach(async () => {
  await harness?.close();
  await site?.close();
  harness = site = undefined;
});

/** `n` sources on one host: the list page under `?section=<i>` (the site serves it for any query). */
function sections(s: NewsSite, n: number, every: string) {
  return Array.from({ length: n }, (_, i) => {
    const url = new URL(s.listUrl);
    url.searchParams.set('section', String(i));
    return { id: `sec-${i}`, url: url.href, every };
  });
}

/**
 * A gap between two requests as the site received them can come out a few ms under the interval: the interval
 * runs from when each request left, and the site's clock also counts each request's own transit, which varies by
 * a few ms on a loaded machine.
 */
const JITTER_MS = 20;

/** Gaps in ms between the page requests the site received, robots.txt (fetched outside the spacing) aside. */
function pageGaps(s: NewsSite): number[] {
  const at = s.requests.filter((r) => r.path !== '/robots.txt').map((r) => r.at);
  return at.slice(1).map((t, i) => t - at[i]!);
}

describe('politeness per host', () => {
  it("honours robots.txt's Crawl-delay when it is longer than hostInterval", async () => {
    site = await startNewsSite({ template: 'gov', articles: initialStories.slice(0, 8), robotsTxt: 'User-agent: *\nCrawl-delay: 1.5\n' });
    harness = await startHarness({ sources: sections(site, 3, '500ms') });
    await harness.until('five page requests', () => site!.requests.filter((r) => r.path !== '/robots.txt').length >= 5, 20_000);
    const gaps = pageGaps(site);
    // The harness asks for 10 ms between requests; the site asked for 1.5 s, and gets it.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_500 - JITTER_MS);
    // Every source is still crawled, in turn.
    await harness.until('each section crawled twice', async () => (await Promise.all([0, 1, 2].map((i) => crawlCount(harness!.store, `sec-${i}`)))).every((n) => n >= 2), 20_000);
  }, 45_000);

  it('says once at start, with the figures, that a host cannot serve what its sources ask', async () => {
    site = await startNewsSite({ template: 'gov', articles: initialStories.slice(0, 4) });
    const lines: Array<{ level: string; msg: string; fields: object }> = [];
    const log: Logger = {
      info: (fields, msg = '') => void lines.push({ level: 'info', msg, fields }),
      warn: (fields, msg = '') => void lines.push({ level: 'warn', msg, fields }),
      error: (fields, msg = '') => void lines.push({ level: 'error', msg, fields }),
      debug: () => undefined,
      child: () => log,
    };
    harness = await startHarness({ sources: sections(site, 4, '2s'), crawl: { hostInterval: '1s' }, log });
    const host = new URL(site.url).host;
    const warned = lines.filter((l) => l.level === 'warn' && l.msg.startsWith('host over capacity'));
    expect(warned.map((l) => l.msg)).toEqual([`host over capacity: 4 sources every 2s need 2 req/s; ${host} allows 1 req/s: each is crawled about every 4 s`]);
    expect(warned[0]!.fields).toMatchObject({ host, sources: 4, overCapacity: true, crawledEveryMs: 4_000 });
    // And each crawl gets its info line, with the figures a user follows.
    await harness.until('a crawl logged', () => lines.some((l) => l.level === 'info' && /^crawl sec-\d: baseline, \d+ listed, 0 new, \d+ ms$/.test(l.msg)));
  }, 30_000);

  it('applies a per-host interval from the config over crawl.hostInterval', async () => {
    site = await startNewsSite({ template: 'wordpress', articles: initialStories.slice(0, 8) });
    const host = new URL(site.url).host;
    harness = await startHarness({ sources: sections(site, 3, '200ms'), crawl: { hostInterval: '0s' }, hosts: { [host]: { interval: '700ms' } } });
    await harness.until('six page requests', () => site!.requests.filter((r) => r.path !== '/robots.txt').length >= 6, 20_000);
    const gaps = pageGaps(site);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(700 - JITTER_MS);
    // Demand (3 sources every 200 ms) is far above what 700 ms allows: the host is kept busy, a slot at a time.
    expect(gaps.slice(0, 5).reduce((a, b) => a + b, 0) / 5).toBeLessThan(1_000);
  }, 45_000);
});

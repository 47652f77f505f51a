// The Store contract, run on every backend through the Store interface only: what one backend does, the other
// must do too. Backend-specific checks live in sqlite-store.test.ts; the two-process races in store-races.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteTemplate } from '../../src/extract/site-template.ts';
import type { NewsArticle } from '../../src/demo/news-site.ts';
import type { ArticleInput, CrawlRecord, EventInput, NewEntry, RecordedEntries, Store } from '../../src/store/index.ts';
import { editedLead, mineWarfareStories, stories, templatedNotices } from '../fixtures/stories.ts';
import { backends, type TestStore } from '../helpers/stores.ts';
import { storyText } from './story-claim-texts.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const entry = (n: number, url = `https://site.example.org/a/${n}`): NewEntry => ({ title: `Entry ${n}`, url, urlKey: `site.example.org/a/${n}` });
const entries = (...ns: number[]) => ns.map((n) => entry(n));
const range = (from: number, count: number): NewEntry[] =>
  Array.from({ length: count }, (_, i) => ({ title: `Story ${from + i}`, url: `https://site.test/news/${from + i}`, urlKey: `site.test/news/${from + i}` }));
const keys = (rows: Array<{ urlKey: string }>) => rows.map((r) => r.urlKey).sort();
const bodyOf = (a: NewsArticle): string => [...(a.lead === undefined ? [] : [a.lead]), ...a.paragraphs].join('\n\n');

const hooks = [
  { id: 'wh_a', url: 'https://a.example.org/hook' },
  { id: 'wh_b', url: 'https://b.example.org/hook' },
];
const event = (dedupeKey: string, payload: unknown = { type: 'article.new', n: 1 }): EventInput => ({
  type: 'article.new',
  dedupeKey,
  sourceId: 'src',
  storyId: null,
  payload,
  webhooks: hooks,
});

const articleFor = (e: { url: string }, title: string, text: string): ArticleInput => ({
  url: e.url,
  title,
  text,
  html: `<p>${text}</p>`,
  lang: 'en',
  publishedAt: null,
  byline: null,
  canonicalUrl: e.url,
});

/** A promise's outcome, kept without letting a rejection go unhandled while the test waits elsewhere. */
type Settled<T> = Promise<{ value: T } | { error: unknown }>;
const settle = <T>(p: Promise<T>): Settled<T> => p.then((value) => ({ value }), (error: unknown) => ({ error }));

describe.each(backends)('Store contract on $name', ({ name, open }) => {
  let opened: TestStore;
  let store: Store;

  beforeEach(async () => {
    opened = await open();
    store = opened.store;
    await store.syncSources([{ id: 'src', url: 'https://site.example.org/' }], T0);
  });

  afterEach(async () => {
    await opened?.close();
  });

  it('says which backend it is, and answers ping', async () => {
    expect(store.kind).toBe(name);
    expect(await store.ping()).toBe(true);
  });

  describe('recordEntries', () => {
    it('takes the first list as the silent baseline, then returns only never-seen url keys', async () => {
      const first = await store.recordEntries('src', entries(1, 2, 3), at(0));
      expect(first).toEqual({ baseline: true, relisted: false, added: [] });
      const stored = await store.recentEntries({ sourceId: 'src' });
      expect(keys(stored)).toEqual(keys(entries(1, 2, 3)));
      expect(stored.every((e) => e.baseline)).toBe(true);
      expect((await store.health())[0]!.baselineAt).toBe(at(0));

      // 2 is seen again under another URL with the same key (say, a session id): not new.
      const second = await store.recordEntries('src', [entry(4), entry(2, 'https://site.example.org/a/2?sid=x'), entry(1), entry(5)], at(1));
      expect(second.baseline).toBe(false);
      expect(keys(second.added)).toEqual(keys(entries(4, 5)));
      expect(second.added.every((e) => !e.baseline && e.sourceId === 'src' && e.firstSeenAt === at(1))).toBe(true);
      expect(await store.getEntry(second.added[0]!.id)).toEqual(second.added[0]);
      expect(await store.getEntry(999_999)).toBeNull();

      expect(await store.recordEntries('src', [entry(5), entry(4), entry(3)], at(2))).toEqual({ baseline: false, relisted: false, added: [] });
      expect(await store.recentEntries({ sourceId: 'src', limit: 100 })).toHaveLength(5);
    });

    it('does not set the baseline on an empty list', async () => {
      expect(await store.recordEntries('src', [], at(0))).toEqual({ baseline: false, relisted: false, added: [] });
      expect((await store.health())[0]!.baselineAt).toBeNull();
      expect(await store.recordEntries('src', entries(1, 2), at(1))).toEqual({ baseline: true, relisted: false, added: [] });
      expect(await store.recordEntries('src', [], at(2))).toEqual({ baseline: false, relisted: false, added: [] });
      expect(keys((await store.recordEntries('src', entries(1, 2, 3), at(3))).added)).toEqual(keys(entries(3)));
    });

    it('a list found another way (new listSignature) is a silent new baseline; the same signature alerts again', async () => {
      expect((await store.recordEntries('src', entries(1, 2), at(0), { listSignature: 'heading:a' })).baseline).toBe(true);
      expect(keys((await store.recordEntries('src', entries(1, 2, 3), at(1), { listSignature: 'heading:a' })).added)).toEqual(keys(entries(3)));
      const relisted = await store.recordEntries('src', entries(7, 8, 9), at(2), { listSignature: 'fallback:b' });
      expect(relisted).toEqual({ baseline: false, relisted: true, added: [] });
      expect((await store.recentEntries({ sourceId: 'src', limit: 3 })).every((e) => e.baseline)).toBe(true);
      expect(keys((await store.recordEntries('src', entries(7, 8, 9, 10), at(3), { listSignature: 'fallback:b' })).added)).toEqual(keys(entries(10)));
      // No signature given: nothing to compare, so not a relisting.
      expect(keys((await store.recordEntries('src', entries(11), at(4))).added)).toEqual(keys(entries(11)));
    });

    it('a url key listed twice in one list is one entry, returned once', async () => {
      await store.recordEntries('src', entries(1), at(0));
      const { added } = await store.recordEntries('src', [entry(2), entry(2, 'https://site.example.org/a/2#comments'), entry(3)], at(1));
      expect(keys(added)).toEqual(keys(entries(2, 3)));
      expect(added.find((e) => e.urlKey === entry(2).urlKey)!.url).toBe(entry(2).url);
    });

    it('keeps sources apart: a url key seen by one source is new for another', async () => {
      await store.recordEntries('src', entries(1), at(0));
      await store.recordEntries('other', entries(9), at(0));
      expect(keys((await store.recordEntries('other', entries(1, 9), at(1))).added)).toEqual(keys(entries(1)));
      expect((await store.recordEntries('src', entries(1), at(1))).added).toEqual([]);
    });

    it('overlapping lists recorded at once by one process: each entry is new for exactly one call', async () => {
      await store.recordEntries('src', entries(-1), at(0));
      const lists = [0, 5, 10].map((from) => Array.from({ length: 10 }, (_, i) => entry(from + i)));
      const results = await Promise.all(lists.map((list) => store.recordEntries('src', list, at(1))));
      const added = results.flatMap((r) => r.added.map((e) => e.urlKey));
      expect(results.every((r) => !r.baseline && !r.relisted)).toBe(true);
      expect(added.sort()).toEqual(keys(Array.from({ length: 20 }, (_, i) => entry(i))));
    });
  });

  describe('relistJump', () => {
    /** A crawl as check-source records it: entries, then the crawl with what it found. */
    async function crawl(list: NewEntry[], when: string) {
      const result = await store.recordEntries('s', list, when, { listSignature: 'heading:latest', relistJump: 100 });
      const outcome = result.baseline ? 'baseline' : result.relisted ? 'relisted' : result.added.length > 0 ? 'changed' : 'unchanged';
      await store.recordCrawl({ sourceId: 's', at: when, durationMs: 1, status: 200, outcome, entriesFound: list.length, entriesNew: result.added.length, error: null }, 3);
      return result;
    }

    it('records more than 100 new entries at once, on a list of 10, as a silent baseline', async () => {
      await crawl(range(0, 10), '2026-05-01T00:00:00Z');
      expect((await crawl(range(5, 10), '2026-05-01T00:01:00Z')).added).toHaveLength(5);
      const jump = await crawl(range(1000, 101), '2026-05-01T00:02:00Z');
      expect(jump).toMatchObject({ relisted: true, added: [], jump: { count: 101, usual: 10 } });
      // Silent: none of them waits for an article.
      expect(await store.entriesWithoutArticle('s')).toHaveLength(5);
      // Entries after the jump are news again.
      expect((await crawl([...range(1000, 101), ...range(5000, 1)], '2026-05-01T00:03:00Z')).added.map((e) => e.title)).toEqual(['Story 5000']);
    });

    it('keeps a large burst as news when the list is usually long enough for it', async () => {
      await crawl(range(0, 20), '2026-05-01T00:00:00Z');
      const burst = await crawl(range(1000, 150), '2026-05-01T00:01:00Z');
      expect(burst.relisted).toBe(false);
      expect(burst.added).toHaveLength(150);
    });

    it('keeps 100 new entries as news, the jump must be more than limits.relistJump', async () => {
      await crawl(range(0, 5), '2026-05-01T00:00:00Z');
      expect((await crawl(range(1000, 100), '2026-05-01T00:01:00Z')).added).toHaveLength(100);
    });
  });

  describe('recordCrawl', () => {
    const crawl = (minutes: number, outcome: CrawlRecord['outcome'], error: string | null = null): CrawlRecord => ({
      sourceId: 'src',
      at: at(minutes),
      durationMs: 12,
      // Schedule lag, kept with each crawl (null when unknown, as for the failed ones here).
      lagMs: outcome === 'failed' ? null : minutes * 100,
      status: outcome === 'failed' ? 500 : 200,
      outcome,
      entriesFound: outcome === 'failed' ? 0 : 4,
      entriesNew: 0,
      error,
    });

    it('turns degraded on the 3rd failure in a row, once, and recovered on the next success', async () => {
      expect(await store.recordCrawl(crawl(0, 'baseline'), 3)).toBeNull();
      expect(await store.recordCrawl(crawl(1, 'failed', 'HTTP 500'), 3)).toBeNull();
      expect(await store.recordCrawl(crawl(2, 'failed', 'HTTP 500'), 3)).toBeNull();
      expect((await store.health())[0]).toMatchObject({ consecutiveFailures: 2, degraded: false });
      expect(await store.recordCrawl(crawl(3, 'failed', 'HTTP 500'), 3)).toBe('degraded');
      expect(await store.recordCrawl(crawl(4, 'failed', 'timeout'), 3)).toBeNull();
      expect((await store.health())[0]).toMatchObject({ consecutiveFailures: 4, degraded: true, lastCrawlAt: at(4), lastOkAt: at(0) });
      expect((await store.health())[0]!.lastCrawl).toEqual({ id: 5, ...crawl(4, 'failed', 'timeout') });

      expect(await store.recordCrawl(crawl(5, 'unchanged'), 3)).toBe('recovered');
      expect((await store.health())[0]).toMatchObject({ consecutiveFailures: 0, degraded: false, lastOkAt: at(5) });
      expect(await store.recordCrawl(crawl(6, 'unchanged'), 3)).toBeNull();
    });

    it('a success between failures resets the count', async () => {
      await store.recordCrawl(crawl(1, 'failed'), 3);
      await store.recordCrawl(crawl(2, 'failed'), 3);
      await store.recordCrawl(crawl(3, 'not-modified'), 3);
      expect(await store.recordCrawl(crawl(4, 'failed'), 3)).toBeNull();
      expect(await store.recordCrawl(crawl(5, 'failed'), 3)).toBeNull();
      expect(await store.recordCrawl(crawl(6, 'failed'), 3)).toBe('degraded');
      expect((await store.recentCrawls({ sourceId: 'src' })).map((c) => c.at)).toEqual([6, 5, 4, 3, 2, 1].map(at));
    });
  });

  describe('http cache, templates, sources', () => {
    it('http cache round trip, per source, updated in place', async () => {
      const url = 'https://site.example.org/news';
      expect(await store.getHttpCache('src', url)).toBeNull();
      await store.saveHttpCache('src', url, { etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT', bodyHash: 'abc' }, at(0));
      expect(await store.getHttpCache('src', url)).toEqual({ etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT', bodyHash: 'abc' });
      await store.saveHttpCache('src', url, { etag: null, lastModified: null, bodyHash: 'def' }, at(1));
      expect(await store.getHttpCache('src', url)).toEqual({ etag: null, lastModified: null, bodyHash: 'def' });
      expect(await store.getHttpCache('src', 'https://site.example.org/other')).toBeNull();
      // Another source watching the same page has validators of its own.
      expect(await store.getHttpCache('other', url)).toBeNull();
      await store.saveHttpCache('other', url, { etag: '"o"', lastModified: null, bodyHash: null }, at(2));
      expect((await store.getHttpCache('src', url))!.bodyHash).toBe('def');
      expect(await store.getHttpCache('other', url)).toEqual({ etag: '"o"', lastModified: null, bodyHash: null });
    });

    it('template round trip, and templateSizes reads each one\'s seen', async () => {
      expect(await store.loadTemplate('src')).toBeNull();
      expect(await store.templateSizes()).toEqual([]);
      const template: SiteTemplate = { version: 1, pages: 2.7, seen: 3, blocks: { 'p:ab12': [1.85, 3], 'nav:ff': [0.85, 1] }, recent: ['f1', 'f2', 'f3'] };
      await store.saveTemplate('src', template, at(0));
      expect(await store.loadTemplate('src')).toEqual(template);
      const next: SiteTemplate = { version: 1, pages: 3.3, seen: 4, blocks: {}, recent: ['f4'] };
      await store.saveTemplate('src', next, at(1));
      expect(await store.loadTemplate('src')).toEqual(next);
      expect(await store.loadTemplate('other')).toBeNull();
      await store.saveTemplate('other', { version: 1, pages: 1, seen: 1, blocks: {}, recent: [] }, at(2));
      expect(await store.templateSizes()).toEqual([
        { sourceId: 'other', seen: 1 },
        { sourceId: 'src', seen: 4 },
      ]);
    });

    it('syncSources marks removed sources, keeps their history, and brings them back when re-added', async () => {
      await store.syncSources(
        [
          { id: 'src', url: 'https://site.example.org/' },
          { id: 'b', url: 'https://b.example.org/' },
        ],
        at(0),
      );
      await store.recordEntries('b', entries(1), at(0));
      expect((await store.health()).map((s) => s.id)).toEqual(['b', 'src']);
      await store.syncSources([{ id: 'src', url: 'https://site.example.org/moved' }], at(1));
      expect((await store.health()).map((s) => [s.id, s.url])).toEqual([['src', 'https://site.example.org/moved']]);
      expect(await store.recentEntries({ sourceId: 'b' })).toHaveLength(1);
      await store.syncSources([], at(2));
      expect(await store.health()).toEqual([]);
      await store.syncSources([{ id: 'b', url: 'https://b.example.org/' }], at(3));
      expect((await store.health()).map((s) => [s.id, s.baselineAt, s.entries])).toEqual([['b', at(0), 1]]);
      expect(await store.ping()).toBe(true);
    });

    it('health: each source with its counters, its last crawl and its number of entries', async () => {
      await store.syncSources(
        [
          { id: 'src', url: 'https://site.example.org/' },
          { id: 'quiet', url: 'https://quiet.example.org/' },
        ],
        at(0),
      );
      await store.recordEntries('src', entries(1, 2), at(0));
      await store.recordEntries('src', entries(1, 2, 3), at(1));
      const ok: CrawlRecord = { sourceId: 'src', at: at(1), durationMs: 40, lagMs: 250, status: 200, outcome: 'changed', entriesFound: 3, entriesNew: 1, error: null };
      await store.recordCrawl(ok, 3);
      expect(await store.health()).toEqual([
        { id: 'quiet', url: 'https://quiet.example.org/', baselineAt: null, lastCrawlAt: null, lastOkAt: null, consecutiveFailures: 0, degraded: false, lastCrawl: null, entries: 0 },
        { id: 'src', url: 'https://site.example.org/', baselineAt: at(0), lastCrawlAt: at(1), lastOkAt: at(1), consecutiveFailures: 0, degraded: false, lastCrawl: { id: 1, ...ok }, entries: 3 },
      ]);
    });

    it('recentEntries, recentCrawls and recentArticles: newest first, per source when asked, limited', async () => {
      await store.recordEntries('src', entries(1, 2), at(0));
      await store.recordEntries('other', entries(7), at(0));
      const { added } = await store.recordEntries('src', entries(1, 2, 3, 4), at(1));
      expect((await store.recentEntries()).map((e) => e.urlKey)).toEqual([...keys(added)].reverse().concat(entry(7).urlKey, entry(2).urlKey, entry(1).urlKey));
      expect((await store.recentEntries({ sourceId: 'src', limit: 2 })).map((e) => e.urlKey)).toEqual([entry(4).urlKey, entry(3).urlKey]);
      expect((await store.recentEntries({ sourceId: 'other' })).map((e) => e.urlKey)).toEqual([entry(7).urlKey]);

      const crawl = (sourceId: string, minutes: number): CrawlRecord => ({
        sourceId,
        at: at(minutes),
        durationMs: minutes,
        lagMs: null,
        status: 200,
        outcome: 'unchanged',
        entriesFound: 2,
        entriesNew: 0,
        error: null,
      });
      for (const [sourceId, minutes] of [['src', 1], ['other', 2], ['src', 3]] as const) await store.recordCrawl(crawl(sourceId, minutes), 3);
      expect(await store.recentCrawls()).toEqual([{ id: 3, ...crawl('src', 3) }, { id: 2, ...crawl('other', 2) }, { id: 1, ...crawl('src', 1) }]);
      expect(await store.recentCrawls({ sourceId: 'src', limit: 1 })).toEqual([{ id: 3, ...crawl('src', 3) }]);

      for (const [i, e] of added.entries()) await store.saveArticle(e.id, articleFor(e, `Title ${i}`, `Text ${i}.`), null, at(2 + i));
      expect((await store.recentArticles()).map((a) => a.title)).toEqual(['Title 1', 'Title 0']);
      expect((await store.recentArticles({ limit: 1 })).map((a) => a.entryId)).toEqual([added[1]!.id]);
    });
  });

  describe('articles', () => {
    it('saveArticle is idempotent per entry; entriesWithoutArticle lists new entries without one, by pages', async () => {
      await store.recordEntries('src', entries(1, 2), at(0));
      const added = (await store.recordEntries('src', entries(1, 2, 3, 4, 5), at(1))).added;
      expect((await store.entriesWithoutArticle('src')).map((e) => e.urlKey)).toEqual(added.map((e) => e.urlKey));
      expect((await store.entriesWithoutArticle('src', 2, added[0]!.id)).map((e) => e.id)).toEqual([added[1]!.id, added[2]!.id]);

      const article: ArticleInput = {
        url: added[0]!.url,
        title: 'Le titre',
        text: 'Premier paragraphe.\n\nSecond.',
        html: '<p>Premier paragraphe.</p><p>Second.</p>',
        lang: 'fr',
        publishedAt: '2026-11-30T10:00:00.000Z',
        byline: 'A. Auteur',
        canonicalUrl: added[0]!.url,
      };
      const first = await store.saveArticle(added[0]!.id, article, null, at(2));
      expect(first).toMatchObject({ ...article, entryId: added[0]!.id, sourceId: 'src', fetchedAt: at(2), error: null, storyId: null });
      const second = await store.saveArticle(added[0]!.id, { ...article, title: 'Le titre corrigé' }, null, at(3));
      expect(second.id).toBe(first.id);
      expect(second.title).toBe('Le titre corrigé');
      expect(await store.recentArticles()).toHaveLength(1);
      expect((await store.recentArticles())[0]).toEqual(second);

      // An article that could not be read is still saved, with the entry's title and the error.
      const failed = await store.saveArticle(added[1]!.id, null, 'HTTP 404', at(3));
      expect(failed).toMatchObject({ entryId: added[1]!.id, url: added[1]!.url, title: added[1]!.title, text: '', error: 'HTTP 404' });
      expect((await store.entriesWithoutArticle('src')).map((e) => e.id)).toEqual([added[2]!.id]);
      expect(await store.entriesWithoutArticle('src', 0)).toEqual([]);
      await expect(store.saveArticle(9999, article, null, at(4))).rejects.toThrow(/9999/);
    });
  });

  describe('claimStory', () => {
    const [original, second] = [stories[0] as NewsArticle, stories[1] as NewsArticle];
    const claim = (articleId: number, title: string, text: string) => store.claimStory(articleId, title, text, T0);

    it('opens a story with the first copy and joins later copies to it', async () => {
      const first = await claim(1, original.title, bodyOf(original));
      expect(first).toEqual({ storyId: first.storyId, isNew: true, matchedArticleId: null, distance: null, translationOf: null });

      const syndicated = editedLead(original);
      const near = await claim(2, syndicated.title, bodyOf(syndicated));
      expect(near.isNew).toBe(false);
      expect(near.storyId).toBe(first.storyId);
      expect(near.matchedArticleId).toBe(1);
      expect(near.distance).toBeGreaterThan(0);

      const exact = await claim(3, original.title.toUpperCase(), bodyOf(original).replace(/’/g, "'"));
      expect(exact).toEqual({ storyId: first.storyId, isNew: false, matchedArticleId: 1, distance: 0, translationOf: null });
    });

    it('joins a copy cut to its first 70%', async () => {
      const body = bodyOf(second);
      const first = await claim(10, second.title, body);
      const cut = await claim(11, second.title, body.slice(0, Math.floor(body.length * 0.7)));
      expect(cut).toMatchObject({ storyId: first.storyId, isNew: false, matchedArticleId: 10 });
    });

    it('keeps two distinct mine-warfare stories of one week apart', async () => {
      const [a, b] = mineWarfareStories;
      const first = await claim(1, a.title, bodyOf(a));
      const other = await claim(2, b.title, bodyOf(b));
      expect(other.isNew).toBe(true);
      expect(other.storyId).not.toBe(first.storyId);
      const again = editedLead(b);
      expect(await claim(3, again.title, bodyOf(again))).toMatchObject({ storyId: other.storyId, isNew: false });
    });

    it('keeps two short notices sharing a template sentence apart, and joins a copy to the right one', async () => {
      const [a, b] = templatedNotices;
      const first = await claim(1, a.title, bodyOf(a));
      const other = await claim(2, b.title, bodyOf(b));
      expect(other.isNew).toBe(true);
      const copyOfB = editedLead(b);
      expect(await claim(3, copyOfB.title, bodyOf(copyOfB))).toMatchObject({ storyId: other.storyId, matchedArticleId: 2 });
      expect(first.storyId).not.toBe(other.storyId);
    });

    it('keeps generated distinct stories apart', async () => {
      const claims = [];
      for (let seed = 0; seed < 20; seed++) {
        const { title, sentences } = storyText(seed);
        claims.push(await claim(seed + 1, title, sentences.join(' ')));
      }
      expect(claims.every((c) => c.isNew)).toBe(true);
      expect(new Set(claims.map((c) => c.storyId)).size).toBe(20);
    });

    it('merges short texts only when body and title are both the same', async () => {
      const body = 'The ministry will publish the list of selected projects next week.';
      const first = await claim(1, 'Defence innovation call', body);
      expect(await claim(2, 'DEFENCE INNOVATION CALL', body)).toMatchObject({ storyId: first.storyId, isNew: false });
      expect((await claim(3, 'Naval drones call', body)).isNew).toBe(true);
      expect((await claim(4, 'Defence innovation call', `${body} Source: ministry.`)).isNew).toBe(true);
    });

    it('gives an article with no text a story of its own', async () => {
      const a = await claim(1, 'Communiqué de presse', '');
      const b = await claim(2, 'Communiqué de presse', '   \n ');
      expect(a.isNew && b.isNew).toBe(true);
      expect(a.storyId).not.toBe(b.storyId);
    });

    it('is idempotent per article', async () => {
      const first = await claim(1, original.title, bodyOf(original));
      const copy = editedLead(original);
      const joined = await claim(2, copy.title, bodyOf(copy));
      expect(await claim(1, original.title, bodyOf(original))).toEqual(first);
      expect(await claim(2, 'anything', 'else entirely')).toEqual(joined);
      // A third article with the same text joins the first copy: the replays added no copy of their own.
      expect(await claim(3, original.title, bodyOf(original))).toMatchObject({ storyId: first.storyId, isNew: false, matchedArticleId: 1 });
    });

    it('claims of saved articles: storyCopies lists each copy with its source; claiming again changes nothing', async () => {
      await store.recordEntries('src', entries(1), at(0));
      await store.recordEntries('other', [entry(9, 'https://other.example.org/9')], at(0));
      const [fromSrc] = (await store.recordEntries('src', entries(1, 2), at(1))).added;
      const [fromOther] = (await store.recordEntries('other', [entry(9, 'https://other.example.org/9'), entry(8, 'https://other.example.org/8')], at(1))).added;
      const copy = editedLead(original);
      const a = await store.saveArticle(fromSrc!.id, articleFor(fromSrc!, original.title, bodyOf(original)), null, at(2));
      const b = await store.saveArticle(fromOther!.id, articleFor(fromOther!, copy.title, bodyOf(copy)), null, at(3));

      const opened = await store.claimStory(a.id, a.title, a.text, at(2));
      expect(opened).toMatchObject({ isNew: true, matchedArticleId: null });
      const joined = await store.claimStory(b.id, b.title, b.text, at(3));
      expect(joined).toMatchObject({ storyId: opened.storyId, isNew: false, matchedArticleId: a.id });
      expect((await store.recentArticles()).map((r) => [r.id, r.storyId])).toEqual([
        [b.id, opened.storyId],
        [a.id, opened.storyId],
      ]);
      expect(await store.storyCopies(opened.storyId)).toEqual([
        { articleId: a.id, sourceId: 'src', url: fromSrc!.url, title: original.title, lang: 'en', translationOf: null, fetchedAt: at(2) },
        { articleId: b.id, sourceId: 'other', url: fromOther!.url, title: copy.title, lang: 'en', translationOf: null, fetchedAt: at(3) },
      ]);
      expect(await store.claimStory(a.id, a.title, a.text, at(4))).toEqual(opened);
      expect(await store.claimStory(b.id, b.title, b.text, at(4))).toEqual(joined);
      expect(await store.storyCopies(opened.storyId)).toHaveLength(2);
      expect(await store.storyCopies(opened.storyId + 1000)).toEqual([]);
    });
  });

  describe('events and deliveries', () => {
    it('createEvent is idempotent per dedupeKey and makes one pending delivery per webhook, each with its own msgId', async () => {
      const created = await store.createEvent(event('article.new:1'), at(0));
      expect(created).not.toBeNull();
      expect(created!.deliveries.map((d) => [d.webhookId, d.url, d.state, d.attempts, d.eventId, d.createdAt])).toEqual([
        ['wh_a', hooks[0]!.url, 'pending', 0, created!.eventId, at(0)],
        ['wh_b', hooks[1]!.url, 'pending', 0, created!.eventId, at(0)],
      ]);
      const [a, b] = created!.deliveries;
      expect(a!.msgId).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(a!.msgId).not.toBe(b!.msgId);
      expect(await store.createEvent(event('article.new:1', { other: true }), at(1))).toBeNull();
      expect(await store.deliveries({ eventId: created!.eventId })).toHaveLength(2);
      expect(await store.deliveries()).toHaveLength(2);

      const work = (await store.getDeliveryWork(a!.id))!;
      expect(work.eventType).toBe('article.new');
      expect(JSON.parse(work.body)).toEqual({ type: 'article.new', n: 1 });
      expect(work.msgId).toBe(a!.msgId);
      expect(await store.getDeliveryWork(999_999)).toBeNull();

      const again = (await store.createEvent(event('article.new:2'), at(1)))!;
      const msgIds = [...created!.deliveries, ...again.deliveries].map((d) => d.msgId);
      expect(new Set(msgIds).size).toBe(4);
      expect((await store.pendingDeliveriesForKey('article.new:1')).map((d) => d.id)).toEqual([a!.id, b!.id]);
      expect(await store.pendingDeliveriesForKey('article.new:none')).toEqual([]);
      expect((await store.deliveries({ limit: 3 })).map((d) => d.id)).toEqual([again.deliveries[1]!.id, again.deliveries[0]!.id, b!.id]);
    });

    it('one event per key even when created at once by several callers', async () => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => store.createEvent(event('same', { i }), at(0))));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await store.deliveries()).toHaveLength(2);
    });

    it('recordAttempt logs attempts in order and moves the state; pendingDeliveries and deliveryCounts follow', async () => {
      expect(await store.deliveryCounts()).toEqual({ pending: 0, delivered: 0, failed: 0 });
      const [a, b] = (await store.createEvent(event('k'), at(0)))!.deliveries;
      expect(await store.deliveryCounts()).toEqual({ pending: 2, delivered: 0, failed: 0 });
      expect((await store.pendingDeliveries()).map((d) => d.id)).toEqual([a!.id, b!.id]);
      // Paged by id, so a caller can walk every pending delivery, not only the first page.
      expect((await store.pendingDeliveries(1)).map((d) => d.id)).toEqual([a!.id]);
      expect((await store.pendingDeliveries(1, a!.id)).map((d) => d.id)).toEqual([b!.id]);
      expect(await store.pendingDeliveries(1, b!.id)).toEqual([]);

      await store.recordAttempt({ deliveryId: a!.id, at: at(1), status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 30 });
      expect(await store.getDeliveryWork(a!.id)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
      await store.recordAttempt({ deliveryId: a!.id, at: at(2), status: null, outcome: 'retry', error: 'ECONNREFUSED', durationMs: 2 });
      await store.recordAttempt({ deliveryId: a!.id, at: at(3), status: 204, outcome: 'delivered', error: null, durationMs: 8 });
      expect(await store.getDeliveryWork(a!.id)).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204, lastError: null });
      expect(await store.attempts(a!.id)).toEqual([
        { deliveryId: a!.id, at: at(1), status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 30 },
        { deliveryId: a!.id, at: at(2), status: null, outcome: 'retry', error: 'ECONNREFUSED', durationMs: 2 },
        { deliveryId: a!.id, at: at(3), status: 204, outcome: 'delivered', error: null, durationMs: 8 },
      ]);
      expect((await store.pendingDeliveries()).map((d) => d.id)).toEqual([b!.id]);
      expect((await store.pendingDeliveriesForKey('k')).map((d) => d.id)).toEqual([b!.id]);
      expect(await store.deliveryCounts()).toEqual({ pending: 1, delivered: 1, failed: 0 });

      await store.recordAttempt({ deliveryId: b!.id, at: at(4), status: 410, outcome: 'gave-up', error: 'HTTP 410', durationMs: 5 });
      expect(await store.getDeliveryWork(b!.id)).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 410 });
      expect(await store.pendingDeliveries()).toEqual([]);
      expect(await store.attempts(b!.id)).toHaveLength(1);
      expect(await store.deliveryCounts()).toEqual({ pending: 0, delivered: 1, failed: 1 });
      await expect(store.recordAttempt({ deliveryId: 9999, at: at(5), status: null, outcome: 'retry', error: null, durationMs: 0 })).rejects.toThrow(/9999/);
      expect(await store.attempts(9999)).toEqual([]);
    });

    it('pendingDeliveries walks more than one page', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push(...(await store.createEvent(event(`k${i}`), at(0)))!.deliveries.map((d) => d.id));
      const walked: number[] = [];
      for (let page = await store.pendingDeliveries(5); page.length > 0; page = await store.pendingDeliveries(5, page.at(-1)!.id)) {
        expect(page.length).toBeLessThanOrEqual(5);
        walked.push(...page.map((d) => d.id));
      }
      expect(walked).toEqual(ids);
      expect(await store.pendingDeliveries()).toHaveLength(12);
    });
  });

  describe('transaction', () => {
    /** An entry, its article, its story and its event, as readArticle files them. */
    async function file(tx: Store, n: number, text: string) {
      const [e] = (await tx.recordEntries('src', entries(n), at(1))).added;
      const article = await tx.saveArticle(e!.id, articleFor(e!, `Story ${n}`, text), null, at(1));
      const claim = await tx.claimStory(article.id, article.title, article.text, at(1));
      const created = await tx.createEvent(event(`article.new:${n}`), at(1));
      return { entry: e!, article, claim, created };
    }
    const text = (seed: number) => storyText(seed).sentences.join(' ');

    it('commits everything written through tx together, and returns what fn returns', async () => {
      await store.recordEntries('src', entries(0), at(0));
      const filed = await store.transaction((tx) => file(tx, 1, text(1)));
      expect(filed.claim.isNew).toBe(true);
      expect(filed.created).not.toBeNull();
      expect((await store.recentArticles()).map((a) => [a.id, a.storyId])).toEqual([[filed.article.id, filed.claim.storyId]]);
      expect(await store.entriesWithoutArticle('src')).toEqual([]);
      expect((await store.pendingDeliveriesForKey('article.new:1')).map((d) => d.id)).toEqual(filed.created!.deliveries.map((d) => d.id));
      expect(await store.storyCopies(filed.claim.storyId)).toHaveLength(1);
    });

    it('rolls everything back on a throw, nested transactions included, and rethrows', async () => {
      await store.recordEntries('src', entries(0), at(0));
      const failure = new Error('crash after filing');
      await expect(
        store.transaction(async (tx) => {
          await file(tx, 1, text(1));
          // Joins the outer transaction: rolled back with it.
          await tx.transaction(async (inner) => inner.saveTemplate('src', { version: 1, pages: 1, seen: 1, blocks: {}, recent: [] }, at(1)));
          await tx.recordCrawl({ sourceId: 'src', at: at(1), durationMs: 1, status: 500, outcome: 'failed', entriesFound: 0, entriesNew: 0, error: 'x' }, 1);
          throw failure;
        }),
      ).rejects.toBe(failure);

      expect(await store.recentArticles()).toEqual([]);
      expect(await store.recentEntries({ sourceId: 'src' })).toHaveLength(1);
      expect(await store.deliveries()).toEqual([]);
      expect(await store.loadTemplate('src')).toBeNull();
      expect(await store.recentCrawls()).toEqual([]);
      expect((await store.health())[0]).toMatchObject({ consecutiveFailures: 0, degraded: false });
      // The story claim went too: the same text opens a story again, and the event can be created again.
      const again = await file(store, 1, text(1));
      expect(again.claim).toMatchObject({ isNew: true, matchedArticleId: null });
      expect(again.created).not.toBeNull();
    });

    it('another caller of the store during a transaction is neither lost nor rolled back with it', async () => {
      await store.recordEntries('src', entries(0), at(0));
      let outside: Settled<RecordedEntries> | undefined;
      let crawlOutside: Settled<unknown> | undefined;
      await expect(
        store.transaction(async (tx) => {
          await file(tx, 1, text(1));
          // Not awaited inside: on SQLite it waits for the transaction to end.
          outside = settle(store.recordEntries('other', entries(9), at(1)));
          crawlOutside = settle(store.recordCrawl({ sourceId: 'src', at: at(1), durationMs: 1, status: 200, outcome: 'unchanged', entriesFound: 1, entriesNew: 0, error: null }, 3));
          await new Promise((r) => setTimeout(r, 50));
          await file(tx, 2, text(2));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await outside).toEqual({ value: { baseline: true, relisted: false, added: [] } });
      expect(await crawlOutside).toEqual({ value: null });
      expect(await store.recentEntries({ sourceId: 'other' })).toHaveLength(1);
      expect(await store.recentCrawls({ sourceId: 'src' })).toHaveLength(1);
      expect(await store.recentArticles()).toEqual([]);

      // And with a transaction that commits: both are kept.
      let during: Settled<unknown> | undefined;
      await store.transaction(async (tx) => {
        await file(tx, 3, text(3));
        during = settle(store.saveHttpCache('src', 'https://site.example.org/', { etag: '"e"', lastModified: null, bodyHash: null }, at(2)));
        await new Promise((r) => setTimeout(r, 50));
      });
      expect(await during).toEqual({ value: undefined });
      expect((await store.getHttpCache('src', 'https://site.example.org/'))!.etag).toBe('"e"');
      expect(await store.recentArticles()).toHaveLength(1);
    });

    it('two transactions at once both commit', async () => {
      await store.recordEntries('src', entries(0), at(0));
      const [x, y] = await Promise.all([store.transaction((tx) => file(tx, 1, text(1))), store.transaction((tx) => file(tx, 2, text(2)))]);
      expect(x.claim.storyId).not.toBe(y.claim.storyId);
      expect((await store.recentArticles()).map((a) => a.id).sort((p, q) => p - q)).toEqual([x.article.id, y.article.id].sort((p, q) => p - q));
    });
  });

  it('a second store on the same database sees what the first wrote', async () => {
    const other = await opened.reopen();
    await store.recordEntries('src', entries(1), at(0));
    const { added } = await other.recordEntries('src', entries(1, 2), at(1));
    expect(keys(added)).toEqual(keys(entries(2)));
    expect(await store.getEntry(added[0]!.id)).toEqual(added[0]);
    expect(other.kind).toBe(name);
  });
});

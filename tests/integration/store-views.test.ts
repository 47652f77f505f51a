// What the dashboard, the feeds and the live updates read from the store, on every backend: stories with their
// copies, search, events and deliveries lists, replays, pauses and the change cursor.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleInput, EntryRow, Store } from '../../src/store/index.ts';
import { backends, type TestStore } from '../helpers/stores.ts';
import { storyText } from './story-claim-texts.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const hook = { id: 'wh_a', url: 'https://a.example.org/hook' };
/** A long article body (about 120 words), distinct per seed. */
const body = (seed: number) => storyText(seed).sentences.join(' ');

const article = (e: EntryRow, title: string, text: string, lang = 'en'): ArticleInput => ({
  url: e.url,
  title,
  text,
  html: `<p>${text}</p>`,
  lang,
  publishedAt: null,
  byline: null,
  canonicalUrl: e.url,
});

describe.each(backends)('Store views on $name', ({ open }) => {
  let opened: TestStore;
  let store: Store;

  beforeEach(async () => {
    opened = await open();
    store = opened.store;
    await store.syncSources(
      [
        { id: 'fr', url: 'https://fr.example.org/' },
        { id: 'en', url: 'https://en.example.org/' },
      ],
      T0,
    );
  });
  afterEach(async () => {
    await opened?.close();
  });

  /** Baselines both sources, then lists one new entry on each (minute 10 and 11) and reads them. */
  async function twoNewArticles(frText: string, enText: string): Promise<{ fr: EntryRow; en: EntryRow }> {
    await store.recordEntries('fr', [{ title: 'old', url: 'https://fr.example.org/old', urlKey: 'fr.example.org/old' }], at(0));
    await store.recordEntries('en', [{ title: 'old', url: 'https://en.example.org/old', urlKey: 'en.example.org/old' }], at(0));
    const [fr] = (await store.recordEntries('fr', [{ title: 'Frégate', url: 'https://fr.example.org/a', urlKey: 'fr.example.org/a' }], at(10))).added;
    const [en] = (await store.recordEntries('en', [{ title: 'Frigate', url: 'https://en.example.org/a', urlKey: 'en.example.org/a' }], at(11))).added;
    const a1 = await store.saveArticle(fr!.id, article(fr!, 'La frégate Forbin en mer Rouge', frText, 'fr'), null, at(10));
    await store.claimStory(a1.id, a1.title, a1.text, at(10));
    const a2 = await store.saveArticle(en!.id, article(en!, 'Frigate Forbin in the Red Sea', enText), null, at(11));
    await store.claimStory(a2.id, a2.title, a2.text, at(11));
    return { fr: fr!, en: en! };
  }

  it('dailyEntries counts new (non-baseline) entries per source and UTC day', async () => {
    await twoNewArticles(body(1), body(2));
    expect(await store.dailyEntries('2026-11-20')).toEqual([
      { sourceId: 'en', day: '2026-12-01', count: 1 },
      { sourceId: 'fr', day: '2026-12-01', count: 1 },
    ]);
    expect(await store.dailyEntries('2026-12-02')).toEqual([]);
  });

  it('stories: newest first, each with its copies oldest first, the first one marked; per source; one story', async () => {
    const text = body(3);
    await twoNewArticles(text, text);
    const all = await store.stories();
    expect(all).toHaveLength(1);
    expect(all[0]!.title).toBe('La frégate Forbin en mer Rouge');
    expect(all[0]!.copies.map((c) => [c.sourceId, c.lang, c.first, c.html])).toEqual([
      ['fr', 'fr', true, ''],
      ['en', 'en', false, ''],
    ]);
    expect(all[0]!.copies[0]!.text).toBe(text);
    expect((await store.stories({ sourceId: 'en' })).map((s) => s.id)).toEqual([all[0]!.id]);
    expect(await store.stories({ sourceId: 'nobody' })).toEqual([]);
    expect(await store.story(all[0]!.id)).toEqual(all[0]);
    expect(await store.story(999)).toBeNull();

    const apart = await twoMoreStories();
    const newest = await store.stories({ limit: 2 });
    expect(newest.map((s) => s.id)).toEqual([apart[1], apart[0]]);
    expect((await store.stories({ beforeId: apart[0] })).map((s) => s.id)).toEqual([all[0]!.id]);
  });

  async function twoMoreStories(): Promise<number[]> {
    const ids: number[] = [];
    for (const n of [20, 21]) {
      const [e] = (await store.recordEntries('en', [{ title: `S${n}`, url: `https://en.example.org/${n}`, urlKey: `en.example.org/${n}` }], at(n))).added;
      const a = await store.saveArticle(e!.id, article(e!, `Story ${n}`, body(n)), null, at(n));
      ids.push((await store.claimStory(a.id, a.title, a.text, at(n))).storyId);
    }
    return ids;
  }

  it('searchArticles: words in title or text, all required, the last as a prefix; filters; paging; no syntax leaks', async () => {
    await twoNewArticles(`${body(4)} Le patrouilleur rejoint la frégate.`, `${body(5)} The gunboat Zephyr joins.`);
    const titles = async (q: Parameters<Store['searchArticles']>[0]) => (await store.searchArticles(q)).articles.map((a) => a.title);
    expect(await titles({ q: 'Forbin' })).toEqual(['Frigate Forbin in the Red Sea', 'La frégate Forbin en mer Rouge']);
    expect(await titles({ q: 'patrouilleur' })).toEqual(['La frégate Forbin en mer Rouge']);
    // Accents folded both ways: a user types "fregate" or "Frégate".
    expect(await titles({ q: 'fregate forbin' })).toEqual(['La frégate Forbin en mer Rouge']);
    expect(await titles({ q: 'FRÉGATE' })).toEqual(['La frégate Forbin en mer Rouge']);
    expect(await titles({ q: 'Zephyr gunb' })).toEqual(['Frigate Forbin in the Red Sea']);
    expect(await titles({ q: 'gunboat patrouilleur' })).toEqual([]);
    expect(await titles({ q: 'Forbin', lang: 'fr' })).toEqual(['La frégate Forbin en mer Rouge']);
    expect(await titles({ q: 'Forbin', sourceId: 'en' })).toEqual(['Frigate Forbin in the Red Sea']);
    expect(await titles({ from: at(11) })).toEqual(['Frigate Forbin in the Red Sea']);
    expect(await titles({ to: at(11) })).toEqual(['La frégate Forbin en mer Rouge']);
    const page = await store.searchArticles({ q: 'Forbin', limit: 1, offset: 1 });
    expect(page.total).toBe(2);
    expect(page.articles.map((a) => a.title)).toEqual(['La frégate Forbin en mer Rouge']);
    // Quotes, brackets and operators are separators, not syntax: no error, and the words still match.
    expect(await titles({ q: '"Forbin" ( * : - ^' })).toEqual(['Frigate Forbin in the Red Sea', 'La frégate Forbin en mer Rouge']);
    expect(await store.searchArticles({ q: '!!! ---' })).toEqual({ total: 0, articles: [] });
    // An article saved again is found by its new words only.
    const [row] = (await store.searchArticles({ q: 'patrouilleur' })).articles;
    await store.saveArticle(row!.entryId, article({ url: row!.url } as EntryRow, 'Titre corrigé', 'Texte remplacé sans navire.', 'fr'), null, at(30));
    expect(await titles({ q: 'patrouilleur' })).toEqual([]);
    expect(await titles({ q: 'remplacé' })).toEqual(['Titre corrigé']);
  });

  it('events and deliveryList: by story, source and type; failing deliveries only when asked', async () => {
    const ev = (key: string, type: string, storyId: number | null, sourceId: string) =>
      store.createEvent({ type, dedupeKey: key, sourceId, storyId, payload: { key }, webhooks: [hook] }, at(1));
    const a = (await ev('k1', 'article.new', 1, 'fr'))!;
    const b = (await ev('k2', 'source.degraded', null, 'fr'))!;
    await ev('k3', 'article.new', 2, 'en');
    expect((await store.events({ storyId: 1 })).map((e) => e.dedupeKey)).toEqual(['k1']);
    expect((await store.events({ sourceId: 'fr' })).map((e) => e.dedupeKey)).toEqual(['k2', 'k1']);
    expect((await store.events({ types: ['source.degraded', 'source.recovered'] })).map((e) => e.dedupeKey)).toEqual(['k2']);
    expect(await store.events({ types: [] })).toEqual([]);
    expect(JSON.parse((await store.events({ storyId: 1 }))[0]!.payload)).toEqual({ key: 'k1' });

    await store.recordAttempt({ deliveryId: a.deliveries[0]!.id, at: at(2), status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 5 });
    await store.recordAttempt({ deliveryId: b.deliveries[0]!.id, at: at(2), status: 200, outcome: 'delivered', error: null, durationMs: 5 });
    const failing = await store.deliveryList({ failing: true });
    expect(failing.map((d) => [d.id, d.eventType, d.storyId, d.sourceId, d.state])).toEqual([[a.deliveries[0]!.id, 'article.new', 1, 'fr', 'pending']]);
    expect((await store.deliveryList({ eventIds: [a.eventId, b.eventId] })).map((d) => d.eventId)).toEqual([b.eventId, a.eventId]);
    expect(await store.deliveryList({ eventIds: [] })).toEqual([]);
  });

  it('replayDelivery puts a finished delivery back to pending with a new retry window; its attempts go on', async () => {
    const { deliveries } = (await store.createEvent({ type: 'article.new', dedupeKey: 'k', sourceId: 'fr', storyId: null, payload: {}, webhooks: [hook] }, at(0)))!;
    const id = deliveries[0]!.id;
    expect(deliveries[0]!.windowStart).toBe(at(0));
    await store.recordAttempt({ deliveryId: id, at: at(1), status: 410, outcome: 'gave-up', error: 'HTTP 410', durationMs: 5 });
    const replayed = await store.replayDelivery(id, at(60));
    expect(replayed).toMatchObject({ id, state: 'pending', attempts: 1, windowStart: at(60), createdAt: at(0) });
    await store.recordAttempt({ deliveryId: id, at: at(61), status: 200, outcome: 'delivered', error: null, durationMs: 5 });
    expect((await store.attempts(id)).map((a) => a.outcome)).toEqual(['gave-up', 'delivered']);
    expect(await store.replayDelivery(9999, at(62))).toBeNull();
  });

  it('webhook pauses: set twice is one pause; resumed, gone', async () => {
    expect(await store.pausedWebhooks()).toEqual(new Set());
    await store.setWebhookPaused('wh_a', true, at(0));
    await store.setWebhookPaused('wh_a', true, at(1));
    await store.setWebhookPaused('wh_b', true, at(1));
    expect(await store.pausedWebhooks()).toEqual(new Set(['wh_a', 'wh_b']));
    await store.setWebhookPaused('wh_a', false, at(2));
    expect(await store.pausedWebhooks()).toEqual(new Set(['wh_b']));
  });

  it('changesSince never skips a row that commits late: a transaction in flight holds the read until it ends', async () => {
    await store.recordEntries('fr', [{ title: 'old', url: 'https://fr.example.org/old', urlKey: 'fr.example.org/old' }], at(0));
    const { added } = await store.recordEntries('fr', [1, 2].map((n) => ({ title: `n${n}`, url: `https://fr.example.org/${n}`, urlKey: `fr.example.org/${n}` })), at(1));
    const start = await store.changeCursor();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let savedInside!: () => void;
    const inside = new Promise<void>((r) => (savedInside = r));
    // A: saves the first article (its id is taken now), then waits before committing.
    const slow = store.transaction(async (tx) => {
      await tx.saveArticle(added[0]!.id, article(added[0]!, 'slow', body(7)), null, at(2));
      savedInside();
      await held;
    });
    await inside;
    // B: another connection saves the second article (a higher id) while A is open; a reader polls meanwhile. On
    // SQLite a second connection in this process would block the event loop on A's lock (one store per process).
    const other = store.kind === 'postgres' ? await opened.reopen() : store;
    const fast = other.saveArticle(added[1]!.id, article(added[1]!, 'fast', body(8)), null, at(3));
    const read = other.changesSince(start);
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([slow, fast]);
    const first = await read;
    const ids = first.articles.map((a) => a.id);
    // Whatever the read saw, it has no hole: its ids follow the cursor one by one, so a later read starting after
    // them cannot miss the one that committed late.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => start.article + 1 + i));
    const next = await other.changesSince(first.cursor);
    expect([...ids, ...next.articles.map((a) => a.id)].sort()).toEqual([start.article + 1, start.article + 2]);
  });

  it('changesSince: articles (with first-copy flag), crawls and attempts after a cursor, in order, paged', async () => {
    const start = await store.changeCursor();
    expect(start).toEqual({ article: 0, crawl: 0, attempt: 0 });
    const text = body(6);
    await twoNewArticles(text, text);
    await store.recordCrawl({ sourceId: 'fr', at: at(12), durationMs: 9, status: 200, outcome: 'changed', entriesFound: 2, entriesNew: 1, error: null }, 3);
    const { deliveries } = (await store.createEvent({ type: 'article.new', dedupeKey: 'k', sourceId: 'fr', storyId: 1, payload: {}, webhooks: [hook] }, at(12)))!;
    await store.recordAttempt({ deliveryId: deliveries[0]!.id, at: at(13), status: 200, outcome: 'delivered', error: null, durationMs: 7 });

    const first = await store.changesSince(start, 1);
    expect(first.articles.map((a) => [a.sourceId, a.first])).toEqual([['fr', true]]);
    const rest = await store.changesSince(first.cursor);
    expect(rest.articles.map((a) => [a.sourceId, a.first])).toEqual([['en', false]]);
    expect(rest.crawls).toEqual([]);
    expect(first.crawls.map((c) => [c.sourceId, c.outcome])).toEqual([['fr', 'changed']]);
    expect(first.attempts.map((a) => [a.deliveryId, a.outcome, a.eventType, a.webhookId])).toEqual([[deliveries[0]!.id, 'delivered', 'article.new', 'wh_a']]);
    expect(await store.changeCursor()).toEqual(rest.cursor);
    const none = await store.changesSince(rest.cursor);
    expect([none.articles, none.crawls, none.attempts]).toEqual([[], [], []]);
    expect(none.cursor).toEqual(rest.cursor);
  });
});

// Translations on every backend: a French article and its English translation claimed with translations on are one
// story (the translation joins, does not open one, and says what it translates); not so with translations off,
// past the window, for another event on the same topic, or for a language the matcher does not cover. Claiming
// again changes nothing; two connections claiming both copies at once still make one story.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lexiconTranslations } from '../../src/dedupe/translation-matcher.ts';
import type { ClaimOptions, SqlDb, SqlStore, Store } from '../../src/store/index.ts';
import { CandidateCache, findTranslation, type TranslationClaim } from '../../src/store/story-index.ts';
import { minehunterEn, minehunterFr, minehunterLaterEn, textOf } from '../fixtures/translated-stories.ts';
import { backends, type TestStore } from '../helpers/stores.ts';
import type { NewsArticle } from '../../src/demo/news-site.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const on = (lang: string): ClaimOptions => ({ lang, translations: { windowMs: 7 * DAY } });

describe.each(backends)('Store translations on $name', ({ open }) => {
  let opened: TestStore;
  let store: Store;
  let next = 0;

  beforeEach(async () => {
    opened = await open();
    store = opened.store;
    await store.syncSources(
      [
        { id: 'fr-site', url: 'https://defense.example.fr/' },
        { id: 'en-site', url: 'https://naval.example.com/' },
      ],
      at(0),
    );
    // Baselines, so that later entries are new.
    await store.recordEntries('fr-site', [{ title: 'old', url: 'https://defense.example.fr/old', urlKey: 'defense.example.fr/old' }], at(0));
    await store.recordEntries('en-site', [{ title: 'old', url: 'https://naval.example.com/old', urlKey: 'naval.example.com/old' }], at(0));
  });
  afterEach(async () => {
    await opened?.close();
  });

  /** Saves `a` as read on `sourceId`, as readArticle does before it claims; returns the article's id. */
  async function saved(sourceId: string, a: NewsArticle, when: string, on: Store = store): Promise<number> {
    const host = sourceId === 'fr-site' ? 'defense.example.fr' : 'naval.example.com';
    const url = `https://${host}/${a.slug}-${++next}`;
    const old = { title: 'old', url: `https://${host}/old`, urlKey: `${host}/old` };
    const { added } = await on.recordEntries(sourceId, [old, { title: a.title, url, urlKey: url.slice(8) }], when);
    const row = await on.saveArticle(
      added[0]!.id,
      { url, title: a.title, text: textOf(a), html: '', lang: a.lang, publishedAt: a.publishedAt, byline: null, canonicalUrl: null },
      null,
      when,
    );
    return row.id;
  }

  it('the English translation joins the French story, as a translation of it; storyCopies gives both languages', async () => {
    const fr = await saved('fr-site', minehunterFr, at(1_000));
    const opened = await store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(1_000), on('fr'));
    expect(opened).toEqual({ storyId: opened.storyId, isNew: true, matchedArticleId: null, distance: null, translationOf: null });

    const en = await saved('en-site', minehunterEn, at(DAY));
    const joined = await store.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(DAY), on('en-GB'));
    expect(joined).toEqual({ storyId: opened.storyId, isNew: false, matchedArticleId: fr, distance: null, translationOf: fr });

    expect((await store.storyCopies(opened.storyId)).map((c) => [c.articleId, c.sourceId, c.lang, c.translationOf])).toEqual([
      [fr, 'fr-site', 'fr', null],
      [en, 'en-site', 'en', fr],
    ]);
    const story = await store.story(opened.storyId);
    expect(story!.copies.map((c) => [c.lang, c.first, c.translationOf])).toEqual([
      ['fr', true, null],
      ['en', false, fr],
    ]);
    // Claimed again (a retried job): the same answers.
    expect(await store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(2 * DAY), on('fr'))).toEqual(opened);
    expect(await store.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(2 * DAY), on('en'))).toEqual(joined);
  });

  it('it works the other way round too: the French translation of an English story joins it', async () => {
    const en = await saved('en-site', minehunterEn, at(0));
    const first = await store.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(0), on('en'));
    const fr = await saved('fr-site', minehunterFr, at(3 * DAY));
    expect(await store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(3 * DAY), on('fr'))).toMatchObject({ storyId: first.storyId, isNew: false, translationOf: en });
  });

  it('stays apart: with translations off, past the window, another event on the same topic, a language not covered', async () => {
    const fr = await saved('fr-site', minehunterFr, at(0));
    const story = (await store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(0), on('fr'))).storyId;
    const claim = async (a: NewsArticle, when: number, options: ClaimOptions) => store.claimStory(await saved('en-site', a, at(when)), a.title, textOf(a), at(when), options);

    // Each of these is claimed first of its own text (the later ones would join it as a same-language copy).
    const off = await claim(minehunterEn, DAY, { lang: 'en', translations: null });
    expect(off).toMatchObject({ isNew: true, translationOf: null });
    const other = await claim(minehunterLaterEn, 2 * DAY, on('en'));
    expect(other).toMatchObject({ isNew: true, translationOf: null });
    expect(new Set([story, off.storyId, other.storyId]).size).toBe(3);
  });

  it('past the window, or in a language not covered, a translation opens a story of its own', async () => {
    const fr = await saved('fr-site', minehunterFr, at(0));
    const story = (await store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(0), on('fr'))).storyId;
    const en = await saved('en-site', minehunterEn, at(8 * DAY));
    expect(await store.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(8 * DAY), on('en'))).toMatchObject({ isNew: true, translationOf: null });
    const de = await saved('en-site', minehunterEn, at(DAY));
    const german = await store.claimStory(de, minehunterEn.title, `${textOf(minehunterEn)} Ein Satz auf Deutsch.`, at(DAY), on('de'));
    expect(german.translationOf).toBeNull();
    expect(german.storyId).not.toBe(story);
  });

  it('a candidate read once is kept, decoded: the next lookup does not read it again, and the window still applies', async () => {
    const fr = await saved('fr-site', minehunterFr, at(0));
    const story = (await store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(0), on('fr'))).storyId;
    const { db } = store as SqlStore;
    const seen: string[] = [];
    const spy: SqlDb = {
      dialect: db.dialect,
      all: (sql, params) => (seen.push(sql), db.all(sql, params)),
      get: (sql, params) => (seen.push(sql), db.get(sql, params)),
      run: (sql, params) => (seen.push(sql), db.run(sql, params)),
      transaction: (fn) => db.transaction(fn),
      close: () => db.close(),
    };
    const matcher = lexiconTranslations();
    const gist = matcher.gist(minehunterEn.title, textOf(minehunterEn), 'en');
    const keys = matcher.lookupKeys(gist, 'en');
    const cache = new CandidateCache();
    const lookup = (since: string, withCache: CandidateCache | undefined): Promise<unknown> => {
      seen.length = 0;
      const claim: TranslationClaim = { matcher, lang: 'en', gist, since, cache: withCache };
      return findTranslation(spy, claim, keys);
    };
    const readsRows = () => seen.some((sql) => /FROM article_fingerprints/.test(sql));

    expect(await lookup(at(-DAY), cache)).toEqual({ articleId: fr, storyId: story });
    expect(readsRows()).toBe(true);
    expect(cache.size).toBe(1);
    expect(await lookup(at(-DAY), cache)).toEqual({ articleId: fr, storyId: story });
    expect(readsRows()).toBe(false);
    // Claimed before the window's start: the kept copy is out of it too, as the row would be.
    expect(await lookup(at(1), cache)).toBeNull();
    expect(await lookup(at(1), undefined)).toBeNull();
    expect(await lookup(at(0), undefined)).toEqual({ articleId: fr, storyId: story });
  });

  /** A matcher that counts the gists it reads back from a row. */
  function counting(): { options: (lang: string) => ClaimOptions; decoded: () => number } {
    const base = lexiconTranslations();
    let decoded = 0;
    const matcher = { ...base, decode: (bytes: Uint8Array, lang: string) => (decoded++, base.decode(bytes, lang)) };
    return { options: (lang) => ({ lang, translations: { windowMs: 7 * DAY, matcher } }), decoded: () => decoded };
  }

  it('a claimed article is kept as a candidate once committed, claims in transactions included', async () => {
    const { options, decoded } = counting();
    // Claimed in a transaction (as readArticle claims), then its translation in another: the French gist is never
    // read back from its row.
    const fr = await saved('fr-site', minehunterFr, at(0));
    const story = (await store.transaction((tx) => tx.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(0), options('fr')))).storyId;
    const en = await saved('en-site', minehunterEn, at(DAY));
    expect(await store.transaction((tx) => tx.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(DAY), options('en')))).toMatchObject({
      storyId: story,
      translationOf: fr,
    });
    expect(decoded()).toBe(0);
  });

  it('a claim rolled back is not kept as a candidate: its story does not exist', async () => {
    const { options, decoded } = counting();
    const fr = await saved('fr-site', minehunterFr, at(0));
    await expect(
      store.transaction(async (tx) => {
        await tx.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(0), options('fr'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Another process claims the article later, in a story of another id (its first story took the id the rollback
    // freed); the translation claimed here joins that story, read from the database.
    const other = await opened.reopen();
    const unrelated = await saved('en-site', minehunterLaterEn, at(HOUR), other);
    const unrelatedStory = (await other.claimStory(unrelated, minehunterLaterEn.title, textOf(minehunterLaterEn), at(HOUR), options('en'))).storyId;
    const frStory = (await other.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(HOUR), options('fr'))).storyId;
    expect(frStory).not.toBe(unrelatedStory);
    const en = await saved('en-site', minehunterEn, at(DAY));
    expect(await store.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(DAY), options('en'))).toMatchObject({ storyId: frStory, translationOf: fr });
    expect(decoded()).toBe(1);
  });
});

describe('CandidateCache', () => {
  const candidate = (storyId: number) => ({ storyId, lang: 'fr', gist: null, createdAt: at(0) });

  it('drops the least recently used candidate past its size', () => {
    const cache = new CandidateCache(2);
    cache.set(1, candidate(1));
    cache.set(2, candidate(2));
    expect(cache.get(1)?.storyId).toBe(1);
    cache.set(3, candidate(3));
    expect([cache.get(1)?.storyId, cache.get(2), cache.get(3)?.storyId]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new CandidateCache(0)).toThrow('CandidateCache: max must be an integer >= 1, got 0');
  });
});

// Two connections in one process race only on Postgres: on SQLite a second writer's BEGIN waits on the file lock
// synchronously, in this same event loop, so claims there are serial by construction (store-races.test.ts runs
// SQLite's races from two processes).
describe('Store translations racing on postgres', () => {
  let opened: TestStore;
  let store: Store;
  afterEach(async () => {
    await opened?.close();
  });

  it('two connections claiming a story and its translation at once make one story, and exactly one of them opens it', async () => {
    opened = await backends.find((b) => b.name === 'postgres')!.open();
    store = opened.store;
    await store.syncSources([{ id: 'fr-site', url: 'https://defense.example.fr/' }, { id: 'en-site', url: 'https://naval.example.com/' }], at(0));
    const other = await opened.reopen();
    const save = async (on: Store, sourceId: string, a: NewsArticle) => {
      const url = `https://${sourceId}.example/${a.slug}`;
      await on.recordEntries(sourceId, [{ title: 'old', url: `https://${sourceId}.example/old`, urlKey: `${sourceId}.example/old` }], at(0));
      const { added } = await on.recordEntries(sourceId, [{ title: a.title, url, urlKey: url.slice(8) }], at(0));
      return (await on.saveArticle(added[0]!.id, { url, title: a.title, text: textOf(a), html: '', lang: a.lang, publishedAt: null, byline: null, canonicalUrl: null }, null, at(0))).id;
    };
    const fr = await save(store, 'fr-site', minehunterFr);
    const en = await save(other, 'en-site', minehunterEn);
    const [a, b] = await Promise.all([
      store.claimStory(fr, minehunterFr.title, textOf(minehunterFr), at(1), on('fr')),
      other.claimStory(en, minehunterEn.title, textOf(minehunterEn), at(1), on('en')),
    ]);
    expect(a.storyId).toBe(b.storyId);
    expect([a.isNew, b.isNew].filter(Boolean)).toHaveLength(1);
  });
});

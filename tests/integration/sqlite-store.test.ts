import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore, type ArticleInput, type CrawlRecord, type NewEntry } from '../../src/store/index.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const entry = (n: number, url = `https://site.example.org/a/${n}`): NewEntry => ({ title: `Entry ${n}`, url, urlKey: `site.example.org/a/${n}` });
const entries = (...ns: number[]) => ns.map((n) => entry(n));
const keys = (rows: Array<{ urlKey: string }>) => rows.map((r) => r.urlKey).sort();

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-store-'));
  store = new SqliteStore({ path: join(dir, 'db', 'vigie.db') });
  store.syncSources([{ id: 'src', url: 'https://site.example.org/' }], T0);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('recordEntries', () => {
  it('takes the first list as the silent baseline, then returns only never-seen url keys', () => {
    const first = store.recordEntries('src', entries(1, 2, 3), at(0));
    expect(first).toEqual({ baseline: true, relisted: false, added: [] });
    const stored = store.recentEntries({ sourceId: 'src' });
    expect(keys(stored)).toEqual(keys(entries(1, 2, 3)));
    expect(stored.every((e) => e.baseline)).toBe(true);
    expect(store.health()[0]!.baselineAt).toBe(at(0));

    // 2 is seen again under another URL with the same key (say, a session id): not new.
    const second = store.recordEntries('src', [entry(4), entry(2, 'https://site.example.org/a/2?sid=x'), entry(1), entry(5)], at(1));
    expect(second.baseline).toBe(false);
    expect(keys(second.added)).toEqual(keys(entries(4, 5)));
    expect(second.added.every((e) => !e.baseline && e.sourceId === 'src' && e.firstSeenAt === at(1))).toBe(true);
    expect(store.getEntry(second.added[0]!.id)).toEqual(second.added[0]);

    expect(store.recordEntries('src', [entry(5), entry(4), entry(3)], at(2))).toEqual({ baseline: false, relisted: false, added: [] });
    expect(store.recentEntries({ sourceId: 'src', limit: 100 })).toHaveLength(5);
  });

  it('does not set the baseline on an empty list', () => {
    expect(store.recordEntries('src', [], at(0))).toEqual({ baseline: false, relisted: false, added: [] });
    expect(store.health()[0]!.baselineAt).toBeNull();
    expect(store.recordEntries('src', entries(1, 2), at(1))).toEqual({ baseline: true, relisted: false, added: [] });
    expect(store.recordEntries('src', [], at(2))).toEqual({ baseline: false, relisted: false, added: [] });
    expect(keys(store.recordEntries('src', entries(1, 2, 3), at(3)).added)).toEqual(keys(entries(3)));
  });

  it('a list found another way (new listSignature) is a silent new baseline; the same signature alerts again', () => {
    expect(store.recordEntries('src', entries(1, 2), at(0), { listSignature: 'heading:a' }).baseline).toBe(true);
    expect(keys(store.recordEntries('src', entries(1, 2, 3), at(1), { listSignature: 'heading:a' }).added)).toEqual(keys(entries(3)));
    const relisted = store.recordEntries('src', entries(7, 8, 9), at(2), { listSignature: 'fallback:b' });
    expect(relisted).toEqual({ baseline: false, relisted: true, added: [] });
    expect(store.recentEntries({ sourceId: 'src', limit: 3 }).every((e) => e.baseline)).toBe(true);
    expect(keys(store.recordEntries('src', entries(7, 8, 9, 10), at(3), { listSignature: 'fallback:b' }).added)).toEqual(keys(entries(10)));
    // No signature given: nothing to compare, so not a relisting.
    expect(keys(store.recordEntries('src', entries(11), at(4)).added)).toEqual(keys(entries(11)));
  });

  it('a url key listed twice in one list is one entry, returned once', () => {
    store.recordEntries('src', entries(1), at(0));
    const { added } = store.recordEntries('src', [entry(2), entry(2, 'https://site.example.org/a/2#comments'), entry(3)], at(1));
    expect(keys(added)).toEqual(keys(entries(2, 3)));
    expect(added.find((e) => e.urlKey === entry(2).urlKey)!.url).toBe(entry(2).url);
  });

  it('keeps sources apart: a url key seen by one source is new for another', () => {
    store.recordEntries('src', entries(1), at(0));
    store.recordEntries('other', entries(9), at(0));
    expect(keys(store.recordEntries('other', entries(1, 9), at(1)).added)).toEqual(keys(entries(1)));
    expect(store.recordEntries('src', entries(1), at(1)).added).toEqual([]);
  });

  it('two processes inserting overlapping entries into one file at once: each entry is new for exactly one', async () => {
    const path = join(dir, 'db', 'vigie.db');
    store.recordEntries('shared', entries(-1), at(0));
    const worker = fileURLToPath(new URL('./sqlite-store-worker.ts', import.meta.url));
    const spawnWorker = (from: number, to: number) =>
      fork(worker, [path, String(from), String(to), '7'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const children: ChildProcess[] = [spawnWorker(0, 300), spawnWorker(100, 400)];
    const ready = children.map((c) => new Promise<void>((resolve, reject) => {
      c.once('message', () => resolve());
      c.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    }));
    await Promise.all(ready);
    const done = children.map(
      (c) =>
        new Promise<string[]>((resolve, reject) => {
          c.once('message', (m) => resolve((m as { added: string[] }).added));
          c.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
        }),
    );
    for (const c of children) c.send('go');
    const [a, b] = await Promise.all(done);
    const all = [...a!, ...b!];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Array.from({ length: 400 }, (_, i) => `site.example.org/a/${i}`).sort());
    expect(store.recentEntries({ sourceId: 'shared', limit: 1000 })).toHaveLength(401);
  }, 20_000);
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

  it('turns degraded on the 3rd failure in a row, once, and recovered on the next success', () => {
    expect(store.recordCrawl(crawl(0, 'baseline'), 3)).toBeNull();
    expect(store.recordCrawl(crawl(1, 'failed', 'HTTP 500'), 3)).toBeNull();
    expect(store.recordCrawl(crawl(2, 'failed', 'HTTP 500'), 3)).toBeNull();
    expect(store.health()[0]).toMatchObject({ consecutiveFailures: 2, degraded: false });
    expect(store.recordCrawl(crawl(3, 'failed', 'HTTP 500'), 3)).toBe('degraded');
    expect(store.recordCrawl(crawl(4, 'failed', 'timeout'), 3)).toBeNull();
    expect(store.health()[0]).toMatchObject({ consecutiveFailures: 4, degraded: true, lastCrawlAt: at(4), lastOkAt: at(0) });
    expect(store.health()[0]!.lastCrawl).toEqual(crawl(4, 'failed', 'timeout'));

    expect(store.recordCrawl(crawl(5, 'unchanged'), 3)).toBe('recovered');
    expect(store.health()[0]).toMatchObject({ consecutiveFailures: 0, degraded: false, lastOkAt: at(5) });
    expect(store.recordCrawl(crawl(6, 'unchanged'), 3)).toBeNull();
  });

  it('a success between failures resets the count', () => {
    store.recordCrawl(crawl(1, 'failed'), 3);
    store.recordCrawl(crawl(2, 'failed'), 3);
    store.recordCrawl(crawl(3, 'not-modified'), 3);
    expect(store.recordCrawl(crawl(4, 'failed'), 3)).toBeNull();
    expect(store.recordCrawl(crawl(5, 'failed'), 3)).toBeNull();
    expect(store.recordCrawl(crawl(6, 'failed'), 3)).toBe('degraded');
    expect(store.recentCrawls({ sourceId: 'src' }).map((c) => c.at)).toEqual([6, 5, 4, 3, 2, 1].map(at));
  });
});

describe('events and deliveries', () => {
  const hooks = [
    { id: 'wh_a', url: 'https://a.example.org/hook' },
    { id: 'wh_b', url: 'https://b.example.org/hook' },
  ];
  const event = (dedupeKey: string, payload: unknown = { type: 'article.new', n: 1 }) => ({
    type: 'article.new',
    dedupeKey,
    sourceId: 'src',
    storyId: null,
    payload,
    webhooks: hooks,
  });

  it('createEvent is idempotent per dedupeKey and makes one pending delivery per webhook, each with its own msgId', () => {
    const created = store.createEvent(event('article.new:1'), at(0));
    expect(created).not.toBeNull();
    expect(created!.deliveries.map((d) => [d.webhookId, d.url, d.state, d.attempts])).toEqual([
      ['wh_a', hooks[0]!.url, 'pending', 0],
      ['wh_b', hooks[1]!.url, 'pending', 0],
    ]);
    const [a, b] = created!.deliveries;
    expect(a!.msgId).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(a!.msgId).not.toBe(b!.msgId);
    expect(store.createEvent(event('article.new:1', { other: true }), at(1))).toBeNull();
    expect(store.deliveries({ eventId: created!.eventId })).toHaveLength(2);
    expect(store.deliveries()).toHaveLength(2);

    const work = store.getDeliveryWork(a!.id)!;
    expect(work.eventType).toBe('article.new');
    expect(JSON.parse(work.body)).toEqual({ type: 'article.new', n: 1 });
    expect(work.msgId).toBe(a!.msgId);

    const again = store.createEvent(event('article.new:2'), at(1))!;
    const msgIds = [...created!.deliveries, ...again.deliveries].map((d) => d.msgId);
    expect(new Set(msgIds).size).toBe(4);
    expect(store.pendingDeliveriesForKey('article.new:1').map((d) => d.id)).toEqual([a!.id, b!.id]);
  });

  it('recordAttempt logs attempts in order and moves the state; pendingDeliveries follows', () => {
    const [a, b] = store.createEvent(event('k'), at(0))!.deliveries;
    expect(store.pendingDeliveries().map((d) => d.id)).toEqual([a!.id, b!.id]);
    // Paged by id, so a caller can walk every pending delivery, not only the first page.
    expect(store.pendingDeliveries(1).map((d) => d.id)).toEqual([a!.id]);
    expect(store.pendingDeliveries(1, a!.id).map((d) => d.id)).toEqual([b!.id]);
    expect(store.pendingDeliveries(1, b!.id)).toEqual([]);

    store.recordAttempt({ deliveryId: a!.id, at: at(1), status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 30 });
    expect(store.getDeliveryWork(a!.id)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    store.recordAttempt({ deliveryId: a!.id, at: at(2), status: null, outcome: 'retry', error: 'ECONNREFUSED', durationMs: 2 });
    store.recordAttempt({ deliveryId: a!.id, at: at(3), status: 204, outcome: 'delivered', error: null, durationMs: 8 });
    expect(store.getDeliveryWork(a!.id)).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204, lastError: null });
    expect(store.attempts(a!.id)).toEqual([
      { deliveryId: a!.id, at: at(1), status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 30 },
      { deliveryId: a!.id, at: at(2), status: null, outcome: 'retry', error: 'ECONNREFUSED', durationMs: 2 },
      { deliveryId: a!.id, at: at(3), status: 204, outcome: 'delivered', error: null, durationMs: 8 },
    ]);
    expect(store.pendingDeliveries().map((d) => d.id)).toEqual([b!.id]);
    expect(store.pendingDeliveriesForKey('k').map((d) => d.id)).toEqual([b!.id]);

    store.recordAttempt({ deliveryId: b!.id, at: at(4), status: 410, outcome: 'gave-up', error: 'HTTP 410', durationMs: 5 });
    expect(store.getDeliveryWork(b!.id)).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 410 });
    expect(store.pendingDeliveries()).toEqual([]);
    expect(store.attempts(b!.id)).toHaveLength(1);
    expect(() => store.recordAttempt({ deliveryId: 9999, at: at(5), status: null, outcome: 'retry', error: null, durationMs: 0 })).toThrow(/9999/);
  });
});

describe('small tables', () => {
  it('http cache round trip, per source, updated in place', () => {
    const url = 'https://site.example.org/news';
    expect(store.getHttpCache('src', url)).toBeNull();
    store.saveHttpCache('src', url, { etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT', bodyHash: 'abc' }, at(0));
    expect(store.getHttpCache('src', url)).toEqual({ etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT', bodyHash: 'abc' });
    store.saveHttpCache('src', url, { etag: null, lastModified: null, bodyHash: 'def' }, at(1));
    expect(store.getHttpCache('src', url)).toEqual({ etag: null, lastModified: null, bodyHash: 'def' });
    expect(store.getHttpCache('src', 'https://site.example.org/other')).toBeNull();
    // Another source watching the same page has validators of its own.
    expect(store.getHttpCache('other', url)).toBeNull();
    store.saveHttpCache('other', url, { etag: '"o"', lastModified: null, bodyHash: null }, at(2));
    expect(store.getHttpCache('src', url)!.bodyHash).toBe('def');
  });

  it('opens a database whose http cache was keyed by URL alone (the cache is dropped, the rest kept)', () => {
    const path = join(dir, 'old', 'vigie.db');
    const first = new SqliteStore({ path });
    first.syncSources([{ id: 'src', url: 'https://site.example.org/' }], at(0));
    first.recordEntries('src', entries(1), at(0));
    first.close();
    const raw = new Database(path);
    raw.exec('DROP TABLE http_cache; CREATE TABLE http_cache (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, body_hash TEXT, updated_at TEXT NOT NULL);');
    raw.prepare('INSERT INTO http_cache VALUES (?, ?, NULL, NULL, ?)').run('https://site.example.org/', '"old"', 'x');
    raw.close();
    const reopened = new SqliteStore({ path });
    try {
      expect(reopened.getHttpCache('src', 'https://site.example.org/')).toBeNull();
      reopened.saveHttpCache('src', 'https://site.example.org/', { etag: '"new"', lastModified: null, bodyHash: null }, at(1));
      expect(reopened.getHttpCache('src', 'https://site.example.org/')!.etag).toBe('"new"');
      expect(reopened.recentEntries({ sourceId: 'src' })).toHaveLength(1);
    } finally {
      reopened.close();
    }
  });

  it('template round trip', () => {
    expect(store.loadTemplate('src')).toBeNull();
    const template = { version: 1, furniture: ['a', 'b'], nested: { n: 3, ok: true, none: null } };
    store.saveTemplate('src', template, at(0));
    expect(store.loadTemplate('src')).toEqual(template);
    store.saveTemplate('src', { version: 2 }, at(1));
    expect(store.loadTemplate('src')).toEqual({ version: 2 });
    expect(store.loadTemplate('other')).toBeNull();
  });

  it('saveArticle is idempotent per entry; entriesWithoutArticle lists new entries without one', () => {
    store.recordEntries('src', entries(1, 2), at(0));
    const added = store.recordEntries('src', entries(1, 2, 3, 4, 5), at(1)).added;
    expect(store.entriesWithoutArticle('src').map((e) => e.urlKey)).toEqual(added.map((e) => e.urlKey));
    expect(store.entriesWithoutArticle('src', 2, added[0]!.id).map((e) => e.id)).toEqual([added[1]!.id, added[2]!.id]);

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
    const first = store.saveArticle(added[0]!.id, article, null, at(2));
    expect(first).toMatchObject({ ...article, entryId: added[0]!.id, sourceId: 'src', fetchedAt: at(2), error: null, storyId: null });
    const second = store.saveArticle(added[0]!.id, { ...article, title: 'Le titre corrigé' }, null, at(3));
    expect(second.id).toBe(first.id);
    expect(second.title).toBe('Le titre corrigé');
    expect(store.recentArticles()).toHaveLength(1);

    // An article that could not be read is still saved, with the entry's title and the error.
    const failed = store.saveArticle(added[1]!.id, null, 'HTTP 404', at(3));
    expect(failed).toMatchObject({ entryId: added[1]!.id, url: added[1]!.url, title: added[1]!.title, text: '', error: 'HTTP 404' });
    expect(store.entriesWithoutArticle('src').map((e) => e.id)).toEqual([added[2]!.id]);
    expect(store.entriesWithoutArticle('src', 0)).toEqual([]);
    expect(() => store.saveArticle(9999, article, null, at(4))).toThrow(/9999/);
  });

  it('syncSources marks removed sources, keeps their history, and brings them back when re-added', () => {
    store.syncSources(
      [
        { id: 'src', url: 'https://site.example.org/' },
        { id: 'b', url: 'https://b.example.org/' },
      ],
      at(0),
    );
    store.recordEntries('b', entries(1), at(0));
    expect(store.health().map((s) => s.id)).toEqual(['b', 'src']);
    store.syncSources([{ id: 'src', url: 'https://site.example.org/moved' }], at(1));
    expect(store.health().map((s) => [s.id, s.url])).toEqual([['src', 'https://site.example.org/moved']]);
    expect(store.recentEntries({ sourceId: 'b' })).toHaveLength(1);
    store.syncSources([], at(2));
    expect(store.health()).toEqual([]);
    store.syncSources([{ id: 'b', url: 'https://b.example.org/' }], at(3));
    expect(store.health().map((s) => [s.id, s.baselineAt, s.entries])).toEqual([['b', at(0), 1]]);
    expect(store.ping()).toBe(true);
  });
});

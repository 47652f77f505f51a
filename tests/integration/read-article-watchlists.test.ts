// readArticle and watchlists, on both backends: the match, its event and its deliveries are filed in the article's
// transaction; sources filter, exclusions, the entry's title when the page is unreadable, and re-runs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/create-logger.ts';
import type { PageResult } from '../../src/crawlers/index.ts';
import type { UseCaseDeps } from '../../src/jobs/use-cases/deps.ts';
import { readArticle } from '../../src/jobs/use-cases/read-article.ts';
import { crashingStore, type CrashStep } from '../helpers/crashing-store.ts';
import { backends, type TestStore } from '../helpers/stores.ts';

const AT = '2026-12-01T08:00:00.000Z';
const secret = () => `whsec_${randomBytes(24).toString('base64')}`;

const dirs: string[] = [];
const opened: TestStore[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(open: () => Promise<TestStore>) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-read-watch-'));
  dirs.push(dir);
  const config = loadConfig({
    env: {},
    object: {
      storage: dir,
      sources: [
        { id: 'site', url: 'https://site.example.org/' },
        { id: 'other', url: 'https://other.example.org/' },
      ],
      webhooks: [
        { url: 'https://hooks.example.org/news', secret: secret(), events: ['article.new'] },
        { url: 'https://hooks.example.org/watch', secret: secret(), events: ['watchlist.match'] },
      ],
      channels: [
        { id: 'desk', slack: 'https://hooks.slack.com/services/T0/B0/XX' },
        { id: 'mail', email: { to: ['desk@example.org'], from: 'vigie@example.org', smtp: 'smtp://vigie:s3cretpass@mail.example.org:587' } },
      ],
      watchlists: [
        { id: 'only-other', terms: ['frigate'], sources: ['other'], notify: ['desk'] },
        { id: 'frigates', terms: ['frigate', 'sea trial | sea trials', 'submarine'], notify: ['desk', 'mail'] },
        { id: 'vetoed', terms: ['navy'], exclude: ['shipyard'], notify: ['desk'] },
        { id: 'silent', terms: ['launched'] },
      ],
    },
  });
  const backend = await open();
  opened.push(backend);
  const plan: { crashIn: CrashStep | null } = { crashIn: null };
  const store = crashingStore(backend.store, plan);
  await store.recordEntries('site', [{ title: 'Old', url: 'https://site.example.org/old', urlKey: 'old' }], AT);
  const [entry] = (await store.recordEntries('site', [{ title: 'Frigate launched', url: 'https://site.example.org/frigate', urlKey: 'frigate' }], AT)).added;
  const html = `<html><head><title>Frigate launched</title></head><body><article><h1>Frigate launched</h1>
    <p>The navy launched its new frigate on Monday at the shipyard, the first of a class of five ships ordered in 2021.</p>
    <p>Sea trials start next spring, and the ship is due to enter service in two years with a crew of 120.</p></article></body></html>`;
  // No network: the page comes from here.
  const fetchPages = async (requests: Array<{ url: string }>): Promise<PageResult[]> =>
    requests.map((r) => ({
      ok: true as const,
      url: r.url,
      page: { url: r.url, finalUrl: r.url, status: 200, notModified: false, html, charset: 'utf-8', etag: null, lastModified: null, bodyHash: null, bytes: html.length },
    }));
  const deps: UseCaseDeps = { config, store, log: createLogger('silent'), robots: null, browser: null, fetchPages: fetchPages as never, now: () => new Date(AT) };
  return { deps, store, plan, entryId: entry!.id, config };
}

describe.each(backends)('readArticle with watchlists on $name', ({ open }) => {
  it('a match creates one watchlist.match event with deliveries to the notify channels and the subscribed webhook', async () => {
    const { deps, store, entryId, config } = await setup(open);
    const result = await readArticle(deps, entryId, true);
    const watchHook = config.webhooks.find((w) => w.events.includes('watchlist.match'))!;
    const newsHook = config.webhooks.find((w) => w.events.includes('article.new'))!;
    // `silent` has no channel, but the webhook subscribed to watchlist.match gets its match too.
    expect(result!.deliveries.map((d) => d.webhookId)).toEqual([newsHook.id, 'desk', 'mail', watchHook.id, watchHook.id]);
    const byId = new Map(result!.deliveries.map((d) => [d.webhookId, d.url]));
    expect(byId.get('desk')).toBe('https://hooks.slack.com/services/T0/B0/XX');
    // The SMTP password stays in the config.
    expect(byId.get('mail')).toBe('smtp://vigie@mail.example.org:587');

    // `only-other` watches another source; `vetoed` is excluded by "shipyard"; `silent` matches with no channel.
    const matches = await store.watchlistMatches();
    expect(matches.map((m) => m.watchlistId).sort()).toEqual(['frigates', 'silent']);
    const events = await store.events({ types: ['watchlist.match'] });
    expect(events.map((e) => e.dedupeKey).sort()).toEqual([`watchlist.match:frigates:story:${result!.storyId}`, `watchlist.match:silent:story:${result!.storyId}`]);
    const body = JSON.parse(events.find((e) => e.dedupeKey.includes(':frigates:'))!.payload);
    expect(body.type).toBe('watchlist.match');
    expect(body.data.watchlist).toEqual({ id: 'frigates' });
    expect(body.data.hits.map((h: { term: string; matched: string }) => [h.term, h.matched])).toEqual([
      ['frigate', 'frigate'], // the text's occurrence, before the title's
      ['sea trial | sea trials', 'Sea trials'],
    ]);
    expect(body.data.hits[1].excerpt.text).toContain('Sea trials start next spring');
    expect(body.data.story).toEqual({ id: result!.storyId, copies: [{ source: 'site', url: 'https://site.example.org/frigate', lang: 'en' }] });
    expect(body.data.article).toMatchObject({ title: 'Frigate launched', url: 'https://site.example.org/frigate' });
    expect(body.data.article.text).toContain('Sea trials');

    // A run of the same job after its commit finds the same pending deliveries and creates nothing.
    const again = await readArticle(deps, entryId, true);
    expect(again!.deliveries.map((d) => d.msgId)).toEqual(result!.deliveries.map((d) => d.msgId));
    expect(await store.deliveries({ limit: 100 })).toHaveLength(5);
    expect(await store.watchlistMatches()).toHaveLength(2);
  });

  it('a crash while creating the match event rolls the match back with the article; the retry sends once', async () => {
    const { deps, store, plan, entryId } = await setup(open);
    plan.crashIn = 'createEvent';
    await expect(readArticle(deps, entryId, true)).rejects.toThrow('crash in createEvent');
    expect(await store.watchlistMatches()).toEqual([]);
    expect(await store.deliveries()).toEqual([]);
    const retry = await readArticle(deps, entryId, true);
    expect(retry!.deliveries).toHaveLength(5);
    expect((await store.watchlistMatches()).map((m) => m.watchlistId).sort()).toEqual(['frigates', 'silent']);
  });

  it('an unreadable page is matched on the entry title, and the event says article: null', async () => {
    const { deps, store, entryId } = await setup(open);
    const result = await readArticle(deps, entryId, true, { unreadable: new Error('host busy') });
    expect(result!.deliveries.map((d) => d.webhookId)).toContain('desk');
    const [event] = (await store.events({ types: ['watchlist.match'] })).filter((e) => e.dedupeKey.includes(':frigates:'));
    const body = JSON.parse(event!.payload);
    expect(body.data.article).toBeNull();
    expect(body.data.hits.map((h: { term: string }) => h.term)).toEqual(['frigate']);
    expect(body.data.hits[0].excerpt.field).toBe('title');
  });
});

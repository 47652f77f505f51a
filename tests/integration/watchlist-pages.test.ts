// The watchlists on the dashboard and in feeds, on a real store (SQLite) and real queues (Redis), through the
// server's own routes: /watchlists, /watchlists/:id (config, matches, the hit marked and a hostile excerpt kept as
// text), the nav link, /feeds/watchlists/<id>.{xml,atom,json} (only the matching stories, stable GUIDs), 404s, token.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/create-server.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';
import { storyText } from './story-claim-texts.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const SLACK = 'https://hooks.slack.com/services/T0/B0/SECRETSLACKPATH';
const HOSTILE = 'said <script>alert(1)</script> frigate & "more"';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: { token?: string; watchlists?: boolean } = {}) {
  const config = tempDirConfig(cleanups, 'watchlist-pages', {
    server: { port: 0, ...(options.token ? { token: options.token } : {}) },
    sources: [
      { id: 'alpha', url: 'https://alpha.example.org/news' },
      { id: 'beta', url: 'https://beta.example.org/news' },
    ],
    channels: [{ id: 'desk', slack: SLACK }],
    watchlists:
      options.watchlists === false
        ? []
        : [
            { id: 'frigates', terms: ['frigate | frégate', 'submarine'], exclude: ['jeu vidéo'], notify: ['desk'], digest: { cron: '0 7 * * 1-5', tz: 'Europe/Paris', notify: ['desk'] } },
            { id: 'beta-only', terms: ['tank'], sources: ['beta'] },
          ],
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  const { queues } = testQueues(cleanups, config);
  const log = { info() {}, warn() {}, error() {}, debug() {}, child: () => log };
  const app = await createServer({ config, store, queues, redisOk: async () => true, log: log as never });
  cleanups.push(() => app.close());
  await store.syncSources(config.sources, T0);
  for (const id of ['alpha', 'beta']) await store.recordEntries(id, [{ title: 'old', url: `https://${id}.example.org/old`, urlKey: `${id}/old` }], T0);
  return { app, store, config };
}

async function addStory(store: Store, source: string, slug: string, title: string, text: string, when: string, lang = 'en') {
  const url = `https://${source}.example.org/a/${slug}`;
  const [entry] = (await store.recordEntries(source, [{ title, url, urlKey: `${source}/${slug}` }], when)).added;
  const a = await store.saveArticle(entry!.id, { url, title, text, html: '', lang, publishedAt: null, byline: null, canonicalUrl: null }, null, when);
  const { storyId } = await store.claimStory(a.id, a.title, a.text, when);
  return { storyId, articleId: a.id };
}

/** A hit as the matcher stores it: the excerpt and the hit's offsets in it. */
function hit(term: string, excerpt: string, matched: string) {
  const hitStart = excerpt.indexOf(matched);
  return { term, termIndex: 0, alias: matched, matched, aliases: [matched], excerpt: { field: 'text', start: 0, end: 0, from: 0, to: 0, text: excerpt, hitStart, hitEnd: hitStart + matched.length, cutBefore: true, cutAfter: false } };
}

/** Three stories: two match "frigates" (one with a hostile excerpt), one matches "beta-only", one matches nothing. */
async function seed(store: Store) {
  const now = new Date().toISOString();
  const a = await addStory(store, 'alpha', 'a', 'Frigate sails', storyText(1).sentences.join(' '), at(10));
  const b = await addStory(store, 'beta', 'b', 'Frégate en mer', storyText(2).sentences.join(' '), at(20), 'fr');
  const c = await addStory(store, 'beta', 'c', 'Tank news', storyText(3).sentences.join(' '), at(30));
  const none = await addStory(store, 'alpha', 'n', 'Nothing here', storyText(4).sentences.join(' '), at(40));
  expect(await store.recordWatchlistMatch({ watchlistId: 'frigates', ...a, hits: [hit('frigate | frégate', 'The frigate sails today', 'frigate')] }, now)).toBe(true);
  expect(await store.recordWatchlistMatch({ watchlistId: 'frigates', ...b, hits: [hit('frigate | frégate', HOSTILE, 'frigate'), hit('submarine', 'a submarine too', 'submarine')] }, now)).toBe(true);
  expect(await store.recordWatchlistMatch({ watchlistId: 'beta-only', ...c, hits: [hit('tank', 'Tank news', 'Tank')] }, now)).toBe(true);
  return { a: a.storyId, b: b.storyId, c: c.storyId, none: none.storyId };
}

async function page(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body, $: cheerio.load(res.body) };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => ['item', 'entry', 'category'].includes(name) });

describe('watchlists on the dashboard', () => {
  it('/watchlists lists each watchlist with its terms, recent matches and links; the nav links it', async () => {
    const r = await serve();
    await seed(r.store);
    const { status, $ } = await page(r.app, '/watchlists');
    expect(status).toBe(200);
    expect($('nav a').map((_, a) => `${$(a).text()} ${$(a).attr('href')}`).get()).toEqual(['Overview /', 'Articles /articles', 'Watchlists /watchlists', 'Queues /queues', 'Feeds /feeds/all.xml']);
    expect($('nav a[aria-current="page"]').text()).toBe('Watchlists');
    const rows = $('#watchlists tbody tr').map((_, tr) => [[$(tr).attr('data-watchlist-id'), $(tr).find('[data-field="terms"]').text(), $(tr).find('[data-field="recent"]').text(), $(tr).find('[data-field="id"] a').attr('href'), $(tr).find('[data-field="feed"] a').attr('href')]]).get();
    expect(rows).toEqual([
      ['frigates', 'frigate | frégate, submarine', '2', '/watchlists/frigates', '/feeds/watchlists/frigates.xml'],
      ['beta-only', 'tank', '1', '/watchlists/beta-only', '/feeds/watchlists/beta-only.xml'],
    ]);
    // The overview too has the link; without watchlists, no page has it.
    expect((await page(r.app, '/')).$('nav a[href="/watchlists"]').length).toBe(1);
    const bare = await serve({ watchlists: false });
    expect((await page(bare.app, '/')).$('nav a[href="/watchlists"]').length).toBe(0);
    expect((await page(bare.app, '/watchlists')).$('#no-watchlists').length).toBe(1);
  });

  it('/watchlists/:id shows the config (channels by id only, the digest and its last run) and the matches, newest first, the hit marked and escaped', async () => {
    const r = await serve();
    const s = await seed(r.store);
    const { status, body, $ } = await page(r.app, '/watchlists/frigates');
    expect(status).toBe(200);
    expect($('body').attr('data-page')).toBe('watchlist');
    expect($('body').attr('data-watchlist-id')).toBe('frigates');
    expect($('[data-field="terms"] li').map((_, li) => $(li).text()).get()).toEqual(['frigate | frégate', 'submarine']);
    expect($('[data-field="exclude"] li').map((_, li) => $(li).text()).get()).toEqual(['jeu vidéo']);
    expect($('[data-field="sources"]').text()).toBe('all sources');
    expect($('[data-field="notify"]').text()).toBe('desk');
    expect($('[data-field="digest"]').text()).toContain('0 7 * * 1-5');
    expect($('[data-field="digest"]').text()).toContain('Europe/Paris');
    expect($('[data-field="digest"]').text()).toContain('No digest has run yet.');
    await r.store.startDigest({ watchlistId: 'frigates', dueAt: '2026-12-01T06:00:00.000Z', firstFrom: '2026-11-30T06:00:00.000Z' }, '2026-12-01T06:00:01.000Z');
    const after = (await page(r.app, '/watchlists/frigates')).$;
    expect(after('[data-field="last-digest"] time').attr('datetime')).toBe('2026-12-01T06:00:00.000Z');
    expect(after('[data-field="last-digest"]').text()).toMatch(/\b2 stories\.$/);
    expect(body).not.toContain('hooks.slack.com');
    expect(body).not.toContain('SECRETSLACKPATH');
    // Its feeds in the head, after the feeds of every story.
    expect($('head link[rel="alternate"]').map((_, l) => `${$(l).attr('type')} ${$(l).attr('href')}`).get()).toEqual([
      'application/rss+xml /feeds/all.xml',
      'application/atom+xml /feeds/all.atom',
      'application/rss+xml /feeds/watchlists/frigates.xml',
      'application/atom+xml /feeds/watchlists/frigates.atom',
      'application/feed+json /feeds/watchlists/frigates.json',
    ]);
    // Newest match first (b was recorded after a); only this watchlist's.
    const rows = $('#matches tbody tr');
    expect(rows.map((_, tr) => Number($(tr).attr('data-story-id'))).get()).toEqual([s.b, s.a]);
    const first = rows.first();
    expect(first.find('[data-field="title"] a').attr('href')).toBe(`/stories/${s.b}`);
    expect(first.find('[data-field="title"] a').text()).toBe('Frégate en mer');
    expect(first.find('[data-field="source"]').text()).toBe('beta');
    expect(first.find('[data-field="lang"]').text()).toBe('FR');
    expect(first.find('[data-field="time"] time').attr('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    const hits = first.find('[data-field="hits"] li');
    expect(hits.map((_, li) => $(li).attr('data-term')).get()).toEqual(['frigate | frégate', 'submarine']);
    // The hostile excerpt is text: the <script> is shown, not run; only the hit is in <mark>.
    expect(hits.first().find('q').text()).toBe(`…${HOSTILE}`);
    expect(hits.first().find('mark').text()).toBe('frigate');
    expect(hits.first().find('mark').length).toBe(1);
    expect(body).toContain('said &lt;script>alert(1)&lt;/script> <mark>frigate</mark> &amp; &quot;more&quot;');
    expect($('script').map((_, el) => $(el).attr('src') ?? 'inline').get()).toEqual([expect.stringMatching(/^\/assets\/live\.js/)]);
    expect(hits.eq(1).find('mark').text()).toBe('submarine');

    const other = await page(r.app, '/watchlists/beta-only');
    expect(other.$('[data-field="sources"] a').map((_, a) => $(a).attr('href')).get()).toEqual(['/sources/beta']);
    expect(other.$('[data-field="notify"]').text()).toContain('no channel');
    expect(other.$('[data-field="digest"]').length).toBe(0);
    expect(other.$('#matches tbody tr').map((_, tr) => Number(other.$(tr).attr('data-story-id'))).get()).toEqual([s.c]);
  });

  it('404 for an unknown watchlist, page and feed', async () => {
    const r = await serve();
    const p = await page(r.app, '/watchlists/nope');
    expect(p.status).toBe(404);
    expect(p.$('#not-found').text()).toBe('No watchlist "nope" is configured.');
    for (const url of ['/feeds/watchlists/nope.xml', '/feeds/watchlists/frigates.html', '/feeds/watchlists/Frigates.xml', '/feeds/watchlists/frigates']) {
      expect((await page(r.app, url)).status, url).toBe(404);
    }
  });

  it('the feeds hold the matching stories only, newest first, with stable GUIDs and the matched terms', async () => {
    const r = await serve();
    const s = await seed(r.store);
    const guid = async (id: number) => `urn:vigie:story:${id}:${Date.parse((await r.store.story(id))!.createdAt)}`;

    const rss = await page(r.app, '/feeds/watchlists/frigates.xml');
    expect(rss.status).toBe(200);
    expect(rss.type).toBe('application/rss+xml; charset=utf-8');
    expect(XMLValidator.validate(rss.body)).toBe(true);
    const channel = xml.parse(rss.body).rss.channel;
    expect(channel.title).toBe('Vigie: watchlist frigates');
    const items = channel.item as Array<Record<string, any>>;
    expect(items.map((i) => (typeof i.guid === 'string' ? i.guid : i.guid['#text']))).toEqual([await guid(s.b), await guid(s.a)]);
    expect(items[0]!['content:encoded']).toContain('Matched: <strong>frigate | frégate</strong>, <strong>submarine</strong>');
    // The same bytes again: the GUIDs and the ETag hold.
    const again = await page(r.app, '/feeds/watchlists/frigates.xml');
    expect(again.body).toBe(rss.body);

    const atom = await page(r.app, '/feeds/watchlists/frigates.atom');
    expect(XMLValidator.validate(atom.body)).toBe(true);
    const feed = xml.parse(atom.body).feed;
    expect((feed.entry as Array<Record<string, any>>).map((e) => e.id)).toEqual([await guid(s.b), await guid(s.a)]);

    const json = await page(r.app, '/feeds/watchlists/beta-only.json');
    expect(json.type).toBe('application/feed+json; charset=utf-8');
    const doc = JSON.parse(json.body) as { title: string; items: Array<{ id: string; content_html: string }> };
    expect(doc.title).toBe('Vigie: watchlist beta-only');
    expect(doc.items.map((i) => i.id)).toEqual([await guid(s.c)]);
    expect(doc.items[0]!.content_html).toContain('Matched: <strong>tank</strong>');
    expect(json.body).not.toContain(String(await guid(s.none)));
  });

  it('with a server token, the watchlist pages and feeds need it', async () => {
    const token = `wl-token-${randomBytes(12).toString('hex')}`;
    const r = await serve({ token });
    await seed(r.store);
    for (const url of ['/watchlists', '/watchlists/frigates', '/feeds/watchlists/frigates.xml', '/feeds/watchlists/frigates.atom', '/feeds/watchlists/frigates.json']) {
      expect((await page(r.app, url)).status, url).toBe(401);
      expect((await page(r.app, `${url}?token=${token}`)).status, url).toBe(200);
      expect((await page(r.app, url, { authorization: `Bearer ${token}` })).status, url).toBe(200);
    }
  });
});

// The dashboard's pages (overview, source, story, articles) on a real store (SQLite) and real queues (Redis),
// through the server's own routes: what each page shows of the fixture data, 404s, escaping of strangers' text
// and URLs, the Content-Security-Policy, the assets, and the search's filters and pages.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceEvent } from '../../src/alerts/article-event.ts';
import type { Config } from '../../src/config/index.ts';
import { VigieQueues } from '../../src/jobs/index.ts';
import { createServer } from '../../src/server/create-server.ts';
import { csrfToken } from '../../src/server/csrf.ts';
import { DASHBOARD_CSP, QUEUES_CSP } from '../../src/server/dashboard-routes.ts';
import { SqliteStore, type ArticleInput, type EntryRow } from '../../src/store/index.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';
import { storyText } from './story-claim-texts.ts';

const HOOK = 'https://hooks.example.org/services/T000/B000/SECRETPATH';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const DAY = 86_400_000;
const XSS_TITLE = '<script>alert(1)</script>';
const XSS_TEXT = 'Before "><img src=x onerror="window.__xss=1"> after.';
const XSS_URL = 'javascript:alert(1)';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Running {
  app: FastifyInstance;
  store: SqliteStore;
  config: Config;
  queues: VigieQueues;
  now: number;
}

async function serve(options: { token?: string; more?: Array<{ id: string; url: string }> } = {}): Promise<Running> {
  const config = tempDirConfig(cleanups, 'pages', {
    server: { port: 0, ...(options.token ? { token: options.token } : {}) },
    sources: [
      { id: 'alpha', url: 'https://alpha.example.org/actualites', every: '15m' },
      { id: 'beta', url: 'https://beta.example.org/news', cron: '0 * * * *' },
      ...(options.more ?? []),
    ],
    webhooks: [{ url: HOOK, secret: SECRET }],
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  const { connection, queues } = testQueues(cleanups, config);
  const app = await createServer({ config, store, queues, redisOk: async () => true, log: silentLog() });
  cleanups.push(() => app.close());
  return { app, store, config, queues, now: Date.now() };
}

function silentLog() {
  const log = { info() {}, warn() {}, error() {}, debug() {}, child: () => log };
  return log as never;
}

const iso = (ms: number) => new Date(ms).toISOString();

const article = (e: EntryRow, title: string, text: string, lang: string, url = e.url): ArticleInput => ({
  url,
  title,
  text,
  html: '',
  lang,
  publishedAt: null,
  byline: null,
  canonicalUrl: url,
});

interface Seeded {
  storyId: number;
  hostileStoryId: number;
  frId: number;
  enId: number;
  deliveryId: number;
}

/**
 * alpha (French) and beta (English) each list one new article of one story; alpha also lists a hostile one. alpha's
 * crawls went well, beta's last failed; beta crossed the failure threshold once. The story's alert has one delivery
 * that failed once (its error quoting the webhook's whole URL), then went through.
 */
async function seed({ store, config, now }: Running): Promise<Seeded> {
  await store.syncSources(config.sources, iso(now - 30 * DAY));
  await store.recordEntries('alpha', [{ title: 'old', url: 'https://alpha.example.org/old', urlKey: 'alpha/old' }], iso(now - 20 * DAY));
  await store.recordEntries('beta', [{ title: 'old', url: 'https://beta.example.org/old', urlKey: 'beta/old' }], iso(now - 20 * DAY));
  const text = storyText(1).sentences.join(' ');
  const paragraphs = `${text}\n\nLa frégate a rejoint le port.`;
  const [fr] = (await store.recordEntries('alpha', [{ title: 'Frégate', url: 'https://alpha.example.org/fregate', urlKey: 'alpha/fregate' }], iso(now - 2 * 3_600_000))).added;
  const a1 = await store.saveArticle(fr!.id, article(fr!, 'La frégate Forbin en mer Rouge', paragraphs, 'fr'), null, iso(now - 2 * 3_600_000));
  const { storyId } = await store.claimStory(a1.id, a1.title, a1.text, iso(now - 2 * 3_600_000));
  const [en] = (await store.recordEntries('beta', [{ title: 'Frigate', url: 'https://beta.example.org/frigate', urlKey: 'beta/frigate' }], iso(now - 3_600_000))).added;
  const a2 = await store.saveArticle(en!.id, article(en!, 'Frigate Forbin in the Red Sea', text, 'en'), null, iso(now - 3_600_000));
  expect((await store.claimStory(a2.id, a2.title, a2.text, iso(now - 3_600_000))).storyId).toBe(storyId);

  const [bad] = (await store.recordEntries('alpha', [{ title: XSS_TITLE, url: XSS_URL, urlKey: 'alpha/xss' }], iso(now - 1_800_000))).added;
  const a3 = await store.saveArticle(bad!.id, article(bad!, XSS_TITLE, `${XSS_TEXT} ${storyText(2).sentences.join(' ')}`, 'fr'), null, iso(now - 1_800_000));
  const hostileStoryId = (await store.claimStory(a3.id, a3.title, a3.text, iso(now - 1_800_000))).storyId;

  await store.recordCrawl({ sourceId: 'alpha', at: iso(now - 60_000), durationMs: 42, lagMs: 900, status: 200, outcome: 'changed', entriesFound: 3, entriesNew: 1, error: null }, 3);
  await store.recordCrawl({ sourceId: 'beta', at: iso(now - 120_000), durationMs: 15, lagMs: 2_000, status: 500, outcome: 'failed', entriesFound: 0, entriesNew: 0, error: 'HttpStatusError: https://beta.example.org/news answered HTTP 500' }, 3);

  const hook = config.webhooks[0]!;
  const created = (await store.createEvent({ type: 'article.new', dedupeKey: 'story-1', sourceId: 'alpha', storyId, payload: { type: 'article.new', data: { title: a1.title } }, webhooks: [hook] }, iso(now - 2 * 3_600_000)))!;
  const deliveryId = created.deliveries[0]!.id;
  await store.recordAttempt({ deliveryId, at: iso(now - 2 * 3_600_000), status: 500, outcome: 'retry', error: `POST ${HOOK}: HTTP 500`, durationMs: 9 });
  await store.recordAttempt({ deliveryId, at: iso(now - 3_500_000), status: 204, outcome: 'delivered', error: null, durationMs: 7 });
  // A delivery failing now (pending after a failed attempt), of the hostile story.
  const failing = (await store.createEvent({ type: 'article.new', dedupeKey: 'story-2', sourceId: 'alpha', storyId: hostileStoryId, payload: { type: 'article.new' }, webhooks: [hook] }, iso(now - 1_800_000)))!;
  await store.recordAttempt({ deliveryId: failing.deliveries[0]!.id, at: iso(now - 1_700_000), status: 503, outcome: 'retry', error: 'HTTP 503', durationMs: 11 });
  await store.createEvent(
    { type: 'source.degraded', dedupeKey: 'beta-degraded', sourceId: 'beta', storyId: null, payload: sourceEvent('source.degraded', 'beta', 'https://beta.example.org/news', 'HTTP 500 three times', iso(now - DAY)), webhooks: [] },
    iso(now - DAY),
  );
  return { storyId, hostileStoryId, frId: a1.id, enId: a2.id, deliveryId };
}

async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, html: res.body, $: cheerio.load(res.body) };
}

/** No markup a stranger's text could have brought in: no script but ours, no event handler, no javascript: link. */
function expectNoInjection($: cheerio.CheerioAPI, page: string): void {
  expect($('script').map((_, s) => $(s).attr('src') ?? 'inline').get(), page).toEqual([expect.stringMatching(/^\/assets\/live\.js/)]);
  expect($('img').length, page).toBe(0);
  const handlers = $('*')
    .toArray()
    .flatMap((el) => Object.keys((el as { attribs?: Record<string, string> }).attribs ?? {}).filter((name) => name.startsWith('on')));
  expect(handlers, page).toEqual([]);
  for (const el of $('[href], [src], [action]').toArray()) {
    const $el = $(el);
    for (const url of [$el.attr('href'), $el.attr('src'), $el.attr('action')]) if (url !== undefined) expect(url, page).toMatch(/^(\/|https?:\/\/|#)/);
  }
}

describe('the dashboard pages', () => {
  it('overview: each source with its state, times, next run, lag, sparkline and error; queues; failing deliveries; latest stories', async () => {
    const r = await serve();
    const s = await seed(r);
    const { status, headers, $ } = await get(r.app, '/');
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/html/);
    expect($('nav a').map((_, a) => `${$(a).text()} ${$(a).attr('href')}`).get()).toEqual(['Overview /', 'Articles /articles', 'Queues /queues', 'Feeds /feeds/all.xml']);
    expect($('nav a[aria-current="page"]').text()).toBe('Overview');

    const alpha = $('tbody[data-live="sources"] tr[data-source-id="alpha"]');
    const beta = $('tbody[data-live="sources"] tr[data-source-id="beta"]');
    expect(alpha.find('th a').attr('href')).toBe('/sources/alpha');
    expect(alpha.find('td[data-field="state"]').attr('data-state')).toBe('ok');
    expect(alpha.find('td[data-field="state"]').text()).toBe('ok');
    expect(beta.find('td[data-field="state"]').attr('data-state')).toBe('failing');
    const lastCrawl = alpha.find('td[data-field="last-crawl"] time');
    expect(lastCrawl.attr('datetime')).toBe(iso(r.now - 60_000));
    expect(lastCrawl.text()).toBe('1 minute ago');
    expect(lastCrawl.attr('title')).toBe(`${iso(r.now - 60_000).slice(0, 19).replace('T', ' ')} UTC`);
    // No scheduler in Redis for these sources: next run from the last crawl and the period.
    expect(alpha.find('td[data-field="next-run"] time').attr('datetime')).toBe(iso(r.now - 60_000 + 15 * 60_000));
    expect(alpha.find('td[data-field="lag"]').text()).toBe('900 ms / 900 ms');
    expect(beta.find('td[data-field="error"]').text()).toBe('The site has a server error (https://beta.example.org/news answered HTTP 500)');
    expect(alpha.find('td[data-field="error"]').text()).toBe('–');

    // Latest stories: newest first; French and English titles side by side, each with its language.
    const rows = $('tbody[data-live="stories"] tr');
    expect(rows.map((_, tr) => $(tr).attr('data-story-id')).get()).toEqual([String(s.hostileStoryId), String(s.storyId)]);
    const story = $(`tr[data-story-id="${s.storyId}"]`);
    expect(story.find('td[data-field="title"] a').attr('href')).toBe(`/stories/${s.storyId}`);
    expect(story.find('td[data-field="title"] a').attr('lang')).toBe('fr');
    expect(story.find('td[data-field="title"] a').text()).toBe('La frégate Forbin en mer Rouge');
    expect(story.find('td[data-field="source"]').text()).toBe('alpha');
    expect(story.find('td[data-field="lang"] abbr').attr('title')).toBe('French');
    expect(story.find('td[data-field="time"] time').attr('datetime')).toBe(iso(r.now - 2 * 3_600_000));
    const also = story.find('td[data-field="also-at"] li');
    expect(also.length).toBe(1);
    expect(also.find('a').attr('href')).toBe('https://beta.example.org/frigate');
    expect(also.find('a').attr('lang')).toBe('en');
    expect(also.find('a').text()).toBe('Frigate Forbin in the Red Sea');
    expect(also.find('abbr').text()).toBe('EN');

    // Failing now: the hostile story's delivery (pending after a 503), not the delivered one.
    const failing = $('tbody[data-live="failing-deliveries"] tr');
    expect(failing.length).toBe(1);
    expect(failing.find('td[data-field="endpoint"]').text()).toBe('https://hooks.example.org');
    expect(failing.find('td[data-field="last-attempt"]').text()).toBe('HTTP 503: HTTP 503');
    expect(failing.find(`a[href="/stories/${s.hostileStoryId}"]`).length).toBe(1);

    expect($('#queues tbody tr').map((_, tr) => $(tr).attr('data-queue')).get()).toEqual(r.queues.all.map((q) => q.name));
    expect($('a[href="/queues"]').length).toBeGreaterThan(1);
    expectNoInjection($, '/');
  });

  it('overview: the sparkline counts new entries per UTC day over 14 days (baselines and older days left out)', async () => {
    const r = await serve();
    await r.store.syncSources(r.config.sources, iso(r.now - 30 * DAY));
    const today = Math.floor(r.now / DAY) * DAY;
    const list = (n: number) => [{ title: `e${n}`, url: `https://alpha.example.org/${n}`, urlKey: `alpha/${n}` }];
    // Baseline 20 days ago, one new entry 20 days ago (outside the window), then 2 on day -3 and 1 today.
    await r.store.recordEntries('alpha', [...list(0), ...list(1)], iso(today - 20 * DAY));
    await r.store.recordEntries('alpha', list(2), iso(today - 20 * DAY + 60_000));
    await r.store.recordEntries('alpha', list(3), iso(today - 3 * DAY + 3_600_000));
    await r.store.recordEntries('alpha', list(4), iso(today - 3 * DAY + 7_200_000));
    await r.store.recordEntries('alpha', list(5), iso(today + 1));
    const { $ } = await get(r.app, '/');
    const spark = $('tr[data-source-id="alpha"] td[data-field="entries"] svg');
    expect(spark.attr('data-counts')).toBe('0,0,0,0,0,0,0,0,0,0,2,0,0,1');
    expect(spark.find('rect').length).toBe(14);
    expect(spark.attr('aria-label')).toBe(`New entries per day from ${iso(today - 13 * DAY).slice(0, 10)} to ${iso(today).slice(0, 10)}: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1 (3 in all)`);
    expect(spark.find('rect title').last().text()).toBe(`${iso(today).slice(0, 10)}: 1`);
    // The two-entry day is the tallest bar; an empty day keeps a 1-unit stub.
    const heights = spark.find('rect').map((_, rect) => Number($(rect).attr('height'))).get();
    expect(heights[10]).toBe(20);
    expect(heights[13]).toBe(10);
    expect(heights[0]).toBe(1);
    expect($('tr[data-source-id="beta"] svg').attr('data-counts')).toBe('0,0,0,0,0,0,0,0,0,0,0,0,0,0');
  });

  it('overview: next run from the source scheduler in Redis, "due" while its tick waits, else from the last crawl', async () => {
    const r = await serve({ more: [{ id: 'gamma', url: 'https://gamma.example.org/' }] });
    await seed(r);
    // A phase puts alpha's next tick ahead; beta's first tick, without one, is now: its job waits (no worker here).
    await r.queues.crawl.upsertJobScheduler('source-alpha', { every: 3_600_000, offset: 1_234_567 }, { name: 'crawl', data: { sourceId: 'alpha' } });
    const next = (await r.queues.crawl.getJobScheduler('source-alpha'))!.next!;
    expect(next).toBeGreaterThan(Date.now());
    let { $ } = await get(r.app, '/');
    expect($('tr[data-source-id="alpha"] td[data-field="next-run"] time').attr('datetime')).toBe(iso(next));
    // beta: hourly cron, no scheduler in Redis, last crawl 2 minutes ago: next from its period.
    expect($('tr[data-source-id="beta"] td[data-field="next-run"] time').attr('datetime')).toBe(iso(r.now - 120_000 + 3_600_000));
    await r.queues.crawl.upsertJobScheduler('source-beta', { every: 3_600_000 }, { name: 'crawl', data: { sourceId: 'beta' } });
    ({ $ } = await get(r.app, '/'));
    expect($('tr[data-source-id="beta"] td[data-field="next-run"]').text()).toBe('due');
    // A source never crawled, without a scheduler, is due, and not crawled yet.
    expect($('tr[data-source-id="gamma"] td[data-field="next-run"]').text()).toBe('due');
    expect($('tr[data-source-id="gamma"] td[data-field="state"]').attr('data-state')).toBe('new');
    expect($('tr[data-source-id="gamma"] td[data-field="state"]').text()).toBe('not crawled yet');
  });

  it('source page: crawls, entries with their story, template, health events, and a "Crawl now" form with its CSRF token', async () => {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const r = await serve({ token });
    const s = await seed(r);
    await r.store.saveTemplate('alpha', { version: 1, pages: 3, seen: 3, blocks: {}, recent: [] }, iso(r.now));
    const { status, $ } = await get(r.app, '/sources/alpha', { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect($('h1').text()).toBe('Source alpha');
    expect($('body').attr('data-source-id')).toBe('alpha');
    const crawl = $('tbody[data-live="crawls"][data-source-id="alpha"] tr');
    expect(crawl.length).toBe(1);
    expect(['time', 'outcome', 'status', 'duration', 'found', 'new', 'lag'].map((f) => crawl.find(`td[data-field="${f}"]`).text())).toEqual([
      '1 minute ago',
      'changed',
      '200',
      '42 ms',
      '3',
      '1',
      '900 ms',
    ]);
    const entries = $('#entries tbody tr');
    // Entries by the title the list showed.
    expect(entries.map((_, tr) => $(tr).find('td').first().text()).get()).toEqual([XSS_TITLE, 'Frégate', 'old']);
    expect(entries.eq(1).find(`a[href="/stories/${s.storyId}"]`).text()).toBe(`story ${s.storyId}`);
    expect(entries.eq(1).find('a[href="https://alpha.example.org/fregate"]').length).toBe(1);
    expect(entries.eq(2).text()).toContain('baseline');
    expect($('#template').text()).toBe('learned from 3 pages');

    const form = $('form#crawl-now');
    expect(form.attr('method')).toBe('post');
    expect(form.attr('action')).toBe('/sources/alpha/crawl');
    expect(form.find('input[name="_csrf"]').attr('value')).toBe(csrfToken(r.config)!);
    expect(form.find('input[name="back"]').attr('value')).toBe('/sources/alpha');
    expect(form.find('button#crawl-now-button').attr('disabled')).toBeUndefined();
    expect($('#read-only-note').length).toBe(0);

    const beta = await get(r.app, '/sources/beta', { authorization: `Bearer ${token}` });
    expect(beta.$('[data-field="state"]').attr('data-state')).toBe('failing');
    expect(beta.$('#last-error').text()).toBe('Last error: The site has a server error (https://beta.example.org/news answered HTTP 500)');
    expect(beta.$('#health-events li').map((_, li) => beta.$(li).text()).get()).toEqual(['yesterday degraded: HTTP 500 three times']);
    expect(beta.$('#template').text()).toBe('learning: 0 pages of the 2 it needs; until then articles are read without it');
    expect(beta.$('#crawls tbody tr td[data-field="error"]').text()).toBe('The site has a server error (https://beta.example.org/news answered HTTP 500)');
    expectNoInjection($, '/sources/alpha');
  });

  it('the "Crawl now" form posts through the actions route and comes back to the page saying so', async () => {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const r = await serve({ token });
    await seed(r);
    const auth = { authorization: `Bearer ${token}` };
    const { $ } = await get(r.app, '/sources/alpha', auth);
    const form = $('form#crawl-now');
    const body = new URLSearchParams(form.find('input').map((_, i) => [[$(i).attr('name')!, $(i).attr('value')!]]).get() as unknown as string[][]).toString();
    const res = await r.app.inject({ method: 'POST', url: form.attr('action')!, headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sources/alpha?done=crawl-queued');
    expect((await r.queues.crawl.getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => j.data.sourceId)).toContain('alpha');
    const back = await get(r.app, res.headers.location as string, auth);
    expect(back.$('#notice').attr('data-done')).toBe('crawl-queued');
    // The way back never carries the done flag or the token along.
    expect(back.$('form#crawl-now input[name="back"]').attr('value')).toBe('/sources/alpha');
    expect((await get(r.app, `/sources/alpha?token=${token}&done=bogus`)).$('form#crawl-now input[name="back"]').attr('value')).toBe('/sources/alpha');
    expect((await get(r.app, '/sources/alpha?done=<b>x</b>', auth)).$('#notice').length).toBe(0);
  });

  it('without VIGIE_TOKEN the forms are disabled, with a note saying actions need it', async () => {
    const r = await serve();
    const s = await seed(r);
    const { $ } = await get(r.app, '/sources/alpha');
    expect($('form#crawl-now input[name="_csrf"]').length).toBe(0);
    expect($('button#crawl-now-button').attr('disabled')).toBeDefined();
    expect($('button#crawl-now-button').attr('aria-describedby')).toBe('read-only-note');
    expect($('#read-only-note').text()).toBe('Actions need VIGIE_TOKEN: without it the server is read-only.');
    const story = await get(r.app, `/stories/${s.storyId}`);
    expect(story.$(`button#replay-${s.deliveryId}-button`).attr('disabled')).toBeDefined();
    expect(story.$('#read-only-note').length).toBe(1);
  });

  it('story page: the article as paragraphs beside its original, every copy, every event and delivery with attempts and forms', async () => {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const r = await serve({ token });
    const s = await seed(r);
    const hook = r.config.webhooks[0]!;
    await r.store.setWebhookPaused(hook.id, true, iso(r.now));
    const auth = { authorization: `Bearer ${token}` };
    const { status, html, $ } = await get(r.app, `/stories/${s.storyId}`, auth);
    expect(status).toBe(200);
    expect($('body').attr('data-story-id')).toBe(String(s.storyId));
    expect($('article').attr('lang')).toBe('fr');
    expect($('article h1').text()).toBe('La frégate Forbin en mer Rouge');
    const paragraphs = $('#article-text p').map((_, p) => $(p).text()).get();
    expect(paragraphs).toEqual([storyText(1).sentences.join(' '), 'La frégate a rejoint le port.']);
    expect($('.byline').text()).toContain('French');
    expect($('#original-link').attr('href')).toBe('https://alpha.example.org/fregate');
    expect($('#original-link').text()).toBe('Read it on alpha.example.org');

    const copies = $('table#copies[data-story-id] tbody tr');
    expect(copies.map((_, tr) => $(tr).attr('data-article-id')).get()).toEqual([String(s.frId), String(s.enId)]);
    expect(copies.eq(1).find('td[data-field="title"] a').attr('lang')).toBe('en');
    expect(copies.eq(1).find(`a[href="/stories/${s.storyId}?copy=${s.enId}"]`).text()).toBe('read here');

    expect($('#events li strong').map((_, e) => $(e).text()).get()).toEqual(['article.new']);
    const rows = $(`tbody[data-live="deliveries"][data-story-id="${s.storyId}"] tr`);
    expect(rows.length).toBe(1);
    const row = rows.eq(0);
    expect(row.attr('data-delivery-id')).toBe(String(s.deliveryId));
    expect(['endpoint', 'state', 'attempts', 'outcome', 'status'].map((f) => row.find(`td[data-field="${f}"]`).text().trim())).toEqual([
      `https://hooks.example.org ${hook.id}`,
      'delivered',
      '2',
      'delivered',
      '204',
    ]);
    expect(row.find('.attempt-log li').map((_, li) => $(li).text()).get()).toEqual([
      '2 hours ago retry · HTTP 500 · 9 ms · POST https://hooks.example.org: HTTP 500',
      '58 minutes ago delivered · HTTP 204 · 7 ms',
    ]);
    const replay = row.find(`form#replay-${s.deliveryId}`);
    expect(replay.attr('action')).toBe(`/deliveries/${s.deliveryId}/replay`);
    expect(replay.find('input[name="_csrf"]').attr('value')).toBe(csrfToken(r.config)!);
    expect(replay.find('button').text()).toBe(`Replay delivery ${s.deliveryId}`);
    // Paused: the form resumes it.
    const webhook = $(`#webhooks li[data-webhook-id="${hook.id}"]`);
    expect(webhook.find('[data-field="paused"]').text()).toBe('paused');
    expect(webhook.find(`form#resume-${hook.id}`).attr('action')).toBe(`/webhooks/${hook.id}/resume`);
    await r.store.setWebhookPaused(hook.id, false, iso(r.now));
    expect((await get(r.app, `/stories/${s.storyId}`, auth)).$(`form#pause-${hook.id}`).attr('action')).toBe(`/webhooks/${hook.id}/pause`);
    // The webhook's URL is a secret: scheme and host only, errors included.
    expect(html).not.toContain('SECRETPATH');
    expect(html).not.toContain('/services/');

    // Another copy's text, by ?copy=.
    const en = await get(r.app, `/stories/${s.storyId}?copy=${s.enId}`, auth);
    expect(en.$('article').attr('lang')).toBe('en');
    expect(en.$('article h1').text()).toBe('Frigate Forbin in the Red Sea');
    expect(en.$(`tr[data-article-id="${s.enId}"]`).attr('aria-current')).toBe('true');
  });

  it('unknown sources and stories are 404 pages', async () => {
    const r = await serve();
    await seed(r);
    for (const [url, text] of [
      ['/sources/nope', 'No source "nope" is configured.'],
      ['/stories/999999', 'No story 999999.'],
      ['/stories/abc', 'No story abc.'],
      ['/stories/0', 'No story 0.'],
      ['/stories/1.5', 'No story 1.5.'],
    ] as const) {
      const { status, headers, $ } = await get(r.app, url);
      expect(status, url).toBe(404);
      expect(headers['content-type'], url).toMatch(/^text\/html/);
      expect(headers['content-security-policy'], url).toBe(DASHBOARD_CSP);
      expect($('#not-found').text(), url).toBe(text);
    }
    const { status, $ } = await get(r.app, '/sources/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(status).toBe(404);
    expect($('#not-found').text()).toBe('No source "<script>alert(1)</script>" is configured.');
    expectNoInjection($, '404');
  });

  it("strangers' titles, texts and URLs come out escaped, and a javascript: URL is never a link", async () => {
    const r = await serve();
    const s = await seed(r);
    for (const url of ['/', '/sources/alpha', `/stories/${s.hostileStoryId}`, '/articles', '/articles?q=onerror']) {
      const { html, $ } = await get(r.app, url);
      expectNoInjection($, url);
      expect(html, url).not.toContain('<script>alert(1)</script>');
      expect(html, url).not.toContain('<img');
      expect(html, url).not.toMatch(/href="javascript:/i);
    }
    const overview = (await get(r.app, '/')).$;
    expect(overview(`tr[data-story-id="${s.hostileStoryId}"] td[data-field="title"] a`).text()).toBe(XSS_TITLE);
    const story = await get(r.app, `/stories/${s.hostileStoryId}`);
    expect(story.$('article h1').text()).toBe(XSS_TITLE);
    expect(story.$('title').text()).toBe(`${XSS_TITLE} · Vigie`);
    expect(story.$('#article-text p').first().text()).toContain(XSS_TEXT);
    expect(story.$('#original-link').length).toBe(0);
    expect(story.$('aside .unlinked').text()).toBe(XSS_URL);
    expect(story.$(`tr[data-article-id] td[data-field="title"] .unlinked`).text()).toBe(XSS_TITLE);
    const source = (await get(r.app, '/sources/alpha')).$;
    expect(source('#entries tbody tr').first().find('.unlinked').text()).toBe(XSS_TITLE);
    const search = (await get(r.app, '/articles?q=onerror')).$;
    expect(search('#results li').length).toBe(1);
    expect(search('#results .excerpt mark').first().text()).toBe('onerror');
    expect(search('#results .excerpt').text()).toContain(XSS_TEXT);
  });

  it('HTML answers carry the Content-Security-Policy; bull-board gets its own; assets are files with cache headers', async () => {
    const r = await serve();
    const s = await seed(r);
    for (const url of ['/', '/sources/alpha', `/stories/${s.storyId}`, '/articles']) {
      const { headers, $ } = await get(r.app, url);
      expect(headers['content-security-policy'], url).toBe(DASHBOARD_CSP);
      expect(headers['x-content-type-options'], url).toBe('nosniff');
      // No inline style or script: the CSP would refuse them.
      expect($('style').length, url).toBe(0);
      expect($('[style]').length, url).toBe(0);
      expect($('script:not([src])').length, url).toBe(0);
      expect($('link[rel="stylesheet"]').attr('href'), url).toMatch(/^\/assets\/dashboard\.css\?v=[0-9a-f]{10}$/);
      expect($('script[src]').attr('src'), url).toMatch(/^\/assets\/live\.js(\?v=[0-9a-f]{10})?$/);
    }
    const board = await r.app.inject({ method: 'GET', url: '/queues' });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-security-policy']).toBe(QUEUES_CSP);
    // Its scripts are files under /queues/static, served (the CSP lets 'self' scripts run).
    const scripts = [...board.body.matchAll(/<script defer src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect((await r.app.inject({ method: 'GET', url: `/queues/${src}` })).statusCode, src).toBe(200);
    // JSON is left alone.
    expect((await r.app.inject({ method: 'GET', url: '/api/sources' })).headers['content-security-policy']).toBeUndefined();

    const cssHref = (await get(r.app, '/')).$('link[rel="stylesheet"]').attr('href')!;
    const css = await r.app.inject({ method: 'GET', url: cssHref });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.body).toContain('prefers-color-scheme: dark');
    const plain = await r.app.inject({ method: 'GET', url: '/assets/dashboard.css' });
    expect(plain.headers['cache-control']).toBe('public, max-age=300');
    const again = await r.app.inject({ method: 'GET', url: '/assets/dashboard.css', headers: { 'if-none-match': plain.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    // Only asset files: not the module serving them, nothing outside the folder.
    for (const url of ['/assets/asset-routes.ts', '/assets/..%2Fcsrf.ts', '/assets/nope.css']) expect((await r.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
  });

  it('articles: full-text search with source, language and date filters, 20 a page, the links keep the filters', async () => {
    const r = await serve();
    await r.store.syncSources(r.config.sources, iso(r.now - 30 * DAY));
    await r.store.recordEntries('alpha', [{ title: 'old', url: 'https://alpha.example.org/old', urlKey: 'alpha/old' }], iso(r.now - 30 * DAY));
    await r.store.recordEntries('beta', [{ title: 'old', url: 'https://beta.example.org/old', urlKey: 'beta/old' }], iso(r.now - 30 * DAY));
    // 45 articles, one an hour from 1 Nov 00:00 UTC: two of three on alpha (French), every third on beta (English);
    // "xylophone" in i % 3 === 0 (all on alpha).
    const at = (i: number) => iso(Date.UTC(2026, 10, 1) + i * 3_600_000);
    for (let i = 0; i < 45; i++) {
      const source = i % 3 === 2 ? 'beta' : 'alpha';
      const [e] = (await r.store.recordEntries(source, [{ title: `t${i}`, url: `https://${source}.example.org/${i}`, urlKey: `${source}/${i}` }], at(i))).added;
      const words = `${storyText(100 + i).sentences.join(' ')}${i % 3 === 0 ? ' The xylophone played.' : ''}`;
      const a = await r.store.saveArticle(e!.id, article(e!, `Article ${i}`, words, source === 'alpha' ? 'fr' : 'en'), null, at(i));
      await r.store.claimStory(a.id, a.title, a.text, at(i));
    }
    const titles = ($: cheerio.CheerioAPI) => $('#results li h2').map((_, h) => $(h).text()).get();

    let page = await get(r.app, '/articles');
    expect(page.$('#result-count').text()).toBe('1–20 of 45 articles');
    expect(titles(page.$)).toEqual(Array.from({ length: 20 }, (_, i) => `Article ${44 - i}`));
    expect(page.$('#results li').first().find('h2 a').attr('href')).toMatch(/^\/stories\/\d+\?copy=\d+$/);
    expect(page.$('#prev-page').length).toBe(0);
    expect(page.$('#next-page').attr('href')).toBe('/articles?page=2');
    page = await get(r.app, '/articles?page=3');
    expect(page.$('#result-count').text()).toBe('41–45 of 45 articles');
    expect(titles(page.$)).toEqual(['Article 4', 'Article 3', 'Article 2', 'Article 1', 'Article 0']);
    expect(page.$('#prev-page').attr('href')).toBe('/articles?page=2');
    expect(page.$('#next-page').length).toBe(0);

    page = await get(r.app, '/articles?q=xylophone&source=alpha&lang=fr');
    // i % 3 === 0: 15 articles.
    expect(page.$('#result-count').text()).toBe('1–15 of 15 articles');
    expect(page.$('#q').attr('value')).toBe('xylophone');
    expect(page.$('#source option[selected]').attr('value')).toBe('alpha');
    expect(page.$('#lang').attr('value')).toBe('fr');
    expect(page.$('#results .excerpt mark').first().text()).toBe('xylophone');
    expect((await get(r.app, '/articles?q=xylophone&lang=en')).$('#result-count').text()).toBe('No article found.');
    expect((await get(r.app, '/articles?source=beta')).$('#result-count').text()).toBe('1–15 of 15 articles');

    // Dates: `to` includes its whole day. Articles 0-23 are on 1 Nov, 24-44 on 2 Nov.
    page = await get(r.app, '/articles?from=2026-11-02');
    expect(page.$('#result-count').text()).toBe('1–20 of 21 articles');
    expect(page.$('#next-page').attr('href')).toBe('/articles?from=2026-11-02&page=2');
    page = await get(r.app, '/articles?to=2026-11-01&q=xylophone');
    expect(page.$('#result-count').text()).toBe('1–8 of 8 articles');
    page = await get(r.app, '/articles?from=2026-11-01&to=2026-11-01');
    expect(page.$('#result-count').text()).toBe('1–20 of 24 articles');
    const next = page.$('#next-page').attr('href')!;
    expect(next).toBe('/articles?from=2026-11-01&to=2026-11-01&page=2');
    page = await get(r.app, next);
    expect(titles(page.$)).toEqual(['Article 3', 'Article 2', 'Article 1', 'Article 0']);
    expect(page.$('#prev-page').attr('href')).toBe('/articles?from=2026-11-01&to=2026-11-01');
    expect(page.$('#from').attr('value')).toBe('2026-11-01');

    // A bad date is ignored and said; a bad page is page 1; nothing found past the end.
    page = await get(r.app, '/articles?from=yesterday&page=-4');
    expect(page.$('#search-problems li').text()).toBe('"from" ignored: expected a date like 2026-12-01');
    expect(page.$('#result-count').text()).toBe('1–20 of 45 articles');
    expect((await get(r.app, '/articles?page=99')).$('#results li').length).toBe(0);
    expect((await get(r.app, '/articles?q=%22(%20*')).status).toBe(200);
  });
});

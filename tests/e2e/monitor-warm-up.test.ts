import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { fetchPages } from '../../src/crawlers/page-fetcher.ts';
import { startWebhookReceiver } from '../../src/demo/webhook-receiver.ts';
import { readPage } from '../../src/extract/read-page.ts';
import type { Logger } from '../../src/jobs/index.ts';
import { runOnce } from '../../src/jobs/run-once.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { boilerplateArticles, HOUSE_NOTE, startBoilerplateSite, type BoilerplateArticle, type BoilerplateSite } from '../helpers/boilerplate-site.ts';
import { crawlCount, LOOPBACK_ALLOWED, startHarness } from '../helpers/harness.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every log line's message, by level, for the assertions on what a warm-up says. */
function captureLog(): Logger & { lines: Array<{ level: string; msg: string }> } {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg: msg ?? '' });
  const log = { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => log };
  return log;
}

/** The new article, and proof that only a learned template cuts the house note out of it. */
function newArticle(site: BoilerplateSite, n = 100): BoilerplateArticle {
  const [article] = boilerplateArticles(1, n);
  site.publish(article!);
  // Without a template the generic extractor keeps the note: a clean alert below is the template's doing.
  const generic = readPage(site.articleHtml(article!.slug), { url: site.articleUrl(article!.slug), latest: false, learn: false });
  expect(generic.article.text).toContain(HOUSE_NOTE);
  return article!;
}

function expectWhole(text: string, article: BoilerplateArticle): void {
  for (const p of article.paragraphs) expect(text).toContain(p);
  expect(text).not.toContain(HOUSE_NOTE);
  expect(text).not.toContain('Directeur de la publication');
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);
/** Spacing counts from when a request leaves; the site's clock adds the transit, a few ms on loopback (more under load). */
const TRANSIT_MS = 50;

async function serviceOn(site: BoilerplateSite, crawl: Record<string, unknown>) {
  const log = captureLog();
  const harness = await startHarness({ sources: [{ id: 'veille', url: site.listUrl, every: '1s' }], crawl, server: true, log });
  cleanups.push(() => harness.close());
  return { harness, log };
}

describe('template warm-up in the service', () => {
  it('learns a new source’s template from 3 listed articles at its baseline, silently, so its first alert is clean', async () => {
    const listed = boilerplateArticles(8);
    const site = await startBoilerplateSite(listed);
    cleanups.push(() => site.close());
    const { harness, log } = await serviceOn(site, { hostInterval: '200ms' });
    const { store, receiver } = harness;

    await harness.until('the warm-up', async () => ((await store.templateSizes())[0]?.seen ?? 0) >= 3, 20_000);
    // The first three listed articles, in list order, and nothing else.
    expect(site.articleRequests()).toEqual(listed.slice(0, 3).map((a) => site.articlePath(a.slug)));
    const api = (await (await fetch(`${harness.monitor.url}/api/sources`)).json()) as Array<{ id: string; template: unknown }>;
    expect(api.find((s) => s.id === 'veille')!.template).toEqual({ learned: true, pages: 3 });
    expect(log.lines.filter((l) => l.msg.startsWith('template of veille'))).toEqual([{ level: 'info', msg: 'template of veille learned from 3 pages' }]);
    const crawls = await crawlCount(store, 'veille');
    await harness.until('two more crawls', async () => (await crawlCount(store, 'veille')) >= crawls + 2);
    expect(receiver.received).toHaveLength(0);
    expect(await store.recentArticles()).toHaveLength(0);
    expect(site.articleRequests()).toHaveLength(3);
    // The warm-up went through the host's spacing like every other request.
    expect(Math.min(...gaps(site.requests.map((r) => r.at)))).toBeGreaterThanOrEqual(200 - TRANSIT_MS);

    const fresh = newArticle(site);
    const [alert] = await receiver.waitFor(1, 20_000);
    expect(alert!.payload!.data.entry.url).toBe(site.articleUrl(fresh.slug));
    expectWhole(alert!.payload!.data.article.text, fresh);
    // No warm-up again: the new article was the only page read.
    expect(site.articleRequests()).toEqual([...listed.slice(0, 3).map((a) => site.articlePath(a.slug)), site.articlePath(fresh.slug)]);
  }, 60_000);

  it('when the warm-up fails, the crawl goes on, and the first new articles learn from other listed ones first, once', async () => {
    const listed = boilerplateArticles(8);
    const site = await startBoilerplateSite(listed);
    cleanups.push(() => site.close());
    site.failArticles(true);
    const { harness, log } = await serviceOn(site, {});
    const { store, receiver } = harness;
    const failed = listed.slice(0, 3).map((a) => site.articlePath(a.slug));
    await harness.until('the failed warm-up', () => log.lines.some((l) => l.msg.startsWith('template of veille')));
    expect(site.articleRequests()).toEqual(failed);
    const line = log.lines.find((l) => l.msg.startsWith('template of veille'))!;
    expect(line.level).toBe('warn');
    expect(line.msg).toMatch(/^template of veille not learned yet \(0 pages\); 3 warm-up pages failed \(.*500/);
    const crawls = await crawlCount(store, 'veille');
    await harness.until('two more crawls', async () => (await crawlCount(store, 'veille')) >= crawls + 2);
    expect((await store.health())[0]!.consecutiveFailures).toBe(0);
    expect(site.articleRequests()).toEqual(failed);

    site.failArticles(false);
    // Two new articles in one crawl: their jobs run at once, and only one of them warms the template up.
    const fresh = [newArticle(site, 100), newArticle(site, 101)];
    const alerts = await receiver.waitFor(2, 20_000);
    for (const a of fresh) expectWhole(alerts.find((r) => r.payload!.data.entry.url === site.articleUrl(a.slug))!.payload!.data.article.text, a);
    // The failed pages are not tried again: the next three listed ones, then the new articles.
    const requested = site.articleRequests();
    expect(requested.slice(0, 6)).toEqual([...failed, ...listed.slice(3, 6).map((a) => site.articlePath(a.slug))]);
    expect(requested.slice(6).sort()).toEqual(fresh.map((a) => site.articlePath(a.slug)).sort());
    expect(log.lines.filter((l) => l.msg.startsWith('template of veille')).map((l) => l.msg)).toEqual([line.msg, 'template of veille learned from 3 pages']);
  }, 60_000);

  it('reads no listed article when warmUpPages is 0', async () => {
    const site = await startBoilerplateSite(boilerplateArticles(8));
    cleanups.push(() => site.close());
    const { harness } = await serviceOn(site, { warmUpPages: 0 });
    const { store } = harness;
    await harness.until('the baseline and three more crawls', async () => (await crawlCount(store, 'veille')) >= 4);
    expect(site.articleRequests()).toEqual([]);
    const api = (await (await fetch(`${harness.monitor.url}/api/sources`)).json()) as Array<{ id: string; template: unknown }>;
    expect(api.find((s) => s.id === 'veille')!.template).toEqual({ learned: false, pages: 0 });
    const fresh = newArticle(site);
    await harness.receiver.waitFor(1, 20_000);
    expect(site.articleRequests()).toEqual([site.articlePath(fresh.slug)]);
  }, 60_000);
});

describe('template warm-up in vigie start --once', () => {
  async function onceSetup(site: BoilerplateSite) {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await startWebhookReceiver({ secret });
    cleanups.push(() => receiver.close());
    const storage = mkdtempSync(join(tmpdir(), 'vigie-test-'));
    cleanups.push(() => rmSync(storage, { recursive: true, force: true }));
    const config = loadConfig({
      env: {},
      object: {
        storage,
        crawl: { hostInterval: '150ms', timeout: '5s', respectRobotsTxt: false },
        network: { allow: LOOPBACK_ALLOWED },
        sources: [{ id: 'veille', url: site.listUrl }],
        webhooks: [{ url: receiver.url, secret }],
      },
    });
    const store = new SqliteStore({ path: join(storage, 'vigie.db') });
    cleanups.push(() => store.close());
    await store.syncSources(config.sources, new Date().toISOString());
    const log = captureLog();
    const run = () => runOnce({ config, store, log, robots: null, browser: null, fetchPages, now: () => new Date() });
    return { store, receiver, run, log };
  }

  it('reads nothing on the first-sight run, then learns from listed articles before the first new one', async () => {
    const listed = boilerplateArticles(8);
    const site = await startBoilerplateSite(listed);
    cleanups.push(() => site.close());
    const { store, receiver, run, log } = await onceSetup(site);

    const first = await run();
    expect(first.sources.map((s) => s.outcome)).toEqual(['baseline']);
    expect(site.articleRequests()).toEqual([]);

    const fresh = newArticle(site);
    const second = await run();
    expect(second.articles).toBe(1);
    expect(second.deliveries.delivered).toBe(1);
    // In order at the site: the list, three listed articles (the new one is not listed in the baseline), then the new one.
    expect(site.requests.map((r) => r.path)).toEqual(['/', '/', ...listed.slice(0, 3).map((a) => site.articlePath(a.slug)), site.articlePath(fresh.slug)]);
    expect(Math.min(...gaps(site.requests.slice(1).map((r) => r.at)))).toBeGreaterThanOrEqual(150 - TRANSIT_MS);
    expect(await store.templateSizes()).toEqual([{ sourceId: 'veille', seen: 4 }]);
    expect(log.lines.filter((l) => l.msg.startsWith('template of veille'))).toEqual([{ level: 'info', msg: 'template of veille learned from 3 pages' }]);
    expect(receiver.received).toHaveLength(1);
    expectWhole(receiver.received[0]!.payload!.data.article.text, fresh);

    // Learned: the next new article is read alone.
    const next = boilerplateArticles(1, 101)[0]!;
    site.publish(next);
    const before = site.articleRequests().length;
    await run();
    expect(site.articleRequests().slice(before)).toEqual([site.articlePath(next.slug)]);
  }, 60_000);
});

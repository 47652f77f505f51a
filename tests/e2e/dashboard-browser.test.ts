// The dashboard in Debian's Chromium, driven by Playwright, on a whole monitor (real Redis, a temp SQLite store,
// fixture news sites, a webhook receiver) with a server token: the overview, "Crawl now", a story arriving live,
// the story's text, a replayed delivery, the search, strangers' markup that must never run, and the token on every
// route. Screenshots of each step go to test-artifacts/dashboard/.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsArticle } from '../../src/demo/news-site.ts';
import { createServer } from '../../src/server/create-server.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { launchChromium, startDashboardHarness, type DashboardHarness } from '../helpers/dashboard-harness.ts';
import { fillPath, serverRoutes } from '../helpers/server-routes.ts';
import { until } from '../helpers/wait.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url));
const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard-overview.png', import.meta.url));
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const XSS_SCRIPT = '<script>window.__xss=1</script>';
const XSS_IMG = '<img src=x onerror="window.__xss=2">';
const XSS_URL = 'javascript:window.__xss=3';
/** A story whose title and text carry all three payloads; "Quokkasaurus" is the word the search finds it by. */
const hostile: NewsArticle = {
  slug: 'quokkasaurus-drill-payloads',
  lang: 'en',
  publishedAt: new Date().toISOString(),
  byline: 'A. Stranger',
  title: `Quokkasaurus drill ${XSS_SCRIPT} ${XSS_IMG} ends early`,
  lead: `The Quokkasaurus coastal drill ended two days early on Thursday, ${XSS_IMG} after the naval staff cancelled its last landing phase because of the weather.`,
  paragraphs: [
    `Organisers said the first four phases went as planned ${XSS_SCRIPT} and that the amphibious group had landed its vehicles and supplies on the beach ahead of schedule, despite strong winds along the coast.`,
    `The annex of the exercise report, published at <a href="${XSS_URL}">this address</a>, lists the units that took part, the equipment they brought and the lessons the staff intends to draw from the cancelled phase.`,
    'A new edition of the drill is planned for the spring, with more allied ships and a longer logistics phase that will test how quickly supplies can be moved from the ships to the units ashore.',
  ],
};

let h: DashboardHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** CSP violations and console errors seen in any page of `context` (and the phone and dark ones). */
const violations: string[] = [];
const consoleErrors: string[] = [];
const shared: { storyId?: number; storyTitle?: string } = {};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  h = await startDashboardHarness([
    // alpha is crawled at start (its baseline) and then only when asked: "Crawl now" is what crawls it again. A yearly
    // cron, not `every: 1h`: an every-schedule whose first tick falls within the minute is not crawled at start (it
    // waits for the tick), which made this test fail a few minutes in each hour.
    { id: 'alpha', template: 'wordpress', articles: initialStories.slice(0, 6), cron: '0 0 1 1 *', title: 'Alpha Defense Daily' },
    // The reference template marks each article's language (French or English); wordpress and gov say English.
    { id: 'beta', template: 'reference', articles: initialStories.slice(6, 12), every: '2s', title: 'Beta Actualités Défense' },
    { id: 'gamma', template: 'gov', articles: initialStories.slice(12, 18), every: '2s', title: 'Gamma Ministry News' },
  ]);
  browser = await launchChromium();
  context = await newContext({ viewport: LAPTOP, colorScheme: 'light' });
  page = await context.newPage();
  await until('every source\'s baseline', async () => ((await h.store.health()).filter((s) => s.baselineAt !== null).length === 3 ? true : undefined), 30_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A browser context that reports CSP violations and console errors of its pages into the lists above. */
async function newContext(options: Parameters<Browser['newContext']>[0]): Promise<BrowserContext> {
  const ctx = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris', ...options });
  // A missing element fails its step in seconds, not at the test's timeout.
  ctx.setDefaultTimeout(10_000);
  await ctx.exposeFunction('__vigieTestReportCsp', (text: string) => violations.push(text));
  await ctx.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => (window as unknown as { __vigieTestReportCsp(t: string): void }).__vigieTestReportCsp(`${e.documentURI}: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`),
      true,
    );
  });
  ctx.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${msg.location().url}: ${msg.text()}`);
  });
  ctx.on('weberror', (err) => consoleErrors.push(`page error: ${err.error().message}`));
  return ctx;
}

async function shot(p: Page, name: string, fullPage = true): Promise<string> {
  const path = `${ARTIFACTS}${name}.png`;
  await p.screenshot({ path, fullPage });
  return path;
}

async function liveStatus(p: Page): Promise<string> {
  const status = p.locator('[data-live-status]');
  await until('the live status to read "live"', async () => ((await status.textContent())?.trim() === 'live' ? true : undefined), 10_000);
  return (await status.getAttribute('data-state')) ?? '';
}

/** Everything a stranger's text could have slipped into the DOM: scripts but ours, on* handlers, javascript: URLs. */
async function injected(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const bad: string[] = [];
    for (const s of Array.from(document.scripts)) {
      if (!s.src || new URL(s.src).pathname !== '/assets/live.js') bad.push(`script ${s.src || s.textContent?.slice(0, 80)}`);
    }
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`);
        if (/^\s*javascript:/i.test(a.value)) bad.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`);
      }
    }
    for (const img of Array.from(document.images)) if (/\/x$/.test(img.src)) bad.push(`<img src="${img.getAttribute('src')}">`);
    return bad;
  });
}

/** The page holds no injected markup, and none of the payloads ran. */
async function expectNoXss(p: Page, where: string): Promise<void> {
  // An <img src=x> that made it in would fail to load a moment later and fire its onerror.
  await p.waitForTimeout(300);
  expect(await injected(p), where).toEqual([]);
  expect(await p.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), where).toBeUndefined();
}

/** Reloads `p` until `probe` (read after each load) returns a value. */
async function reloadUntil<T>(p: Page, what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  return until(
    what,
    async () => {
      const value = await probe();
      if (value !== undefined) return value;
      await p.reload();
      return undefined;
    },
    timeoutMs,
    250,
  );
}

describe('the dashboard in Chromium', () => {
  it('catches a CSP violation and a console error when there is one (the checks below can fail)', async () => {
    const p = await context.newPage();
    await p.goto(`${h.base}/?token=${encodeURIComponent(h.token)}`);
    await p.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__xss = 9';
      document.body.append(s);
    });
    await until('the control violation', () => (violations.length > 0 && consoleErrors.length > 0 ? true : undefined), 5_000);
    expect(violations.join('\n')).toMatch(/script-src/);
    expect(consoleErrors.join('\n')).toMatch(/Content Security Policy/);
    expect(await p.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await injected(p)).toEqual(['script window.__xss = 9']);
    await p.close();
    // Step 1 starts without the cookie this visit set.
    await context.clearCookies();
    violations.length = 0;
    consoleErrors.length = 0;
  });

  it('1. the overview (?token= once, then its cookie) lists the fixture sources and their state', async () => {
    // The context's own request client shares its cookie jar: nothing in it yet, so refused.
    expect((await context.request.get(`${h.base}/`)).status()).toBe(401);
    const first = await page.goto(`${h.base}/?token=${encodeURIComponent(h.token)}`);
    expect(first?.status()).toBe(200);
    const cookie = (await context.cookies(h.base)).find((c) => c.name === 'vigie_token');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    const again = await page.goto(`${h.base}/`);
    expect(again?.status()).toBe(200);
    expect(again?.headers()['content-security-policy']).toContain("script-src 'self'");
    const rows = page.locator('tbody[data-live="sources"] tr[data-source-id]');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-source-id')))).toEqual(['alpha', 'beta', 'gamma']);
    for (const id of ['alpha', 'beta', 'gamma']) {
      const state = page.locator(`tr[data-source-id="${id}"] [data-field="state"]`);
      expect(await state.getAttribute('data-state'), id).toBe('ok');
      expect((await state.textContent())?.trim(), id).toBe('ok');
      expect(await page.locator(`tr[data-source-id="${id}"] a[href="/sources/${id}"]`).count(), id).toBe(1);
      // A crawled source shows its last crawl as a time, rewritten in the browser's zone (its title, the local time).
      expect(await page.locator(`tr[data-source-id="${id}"] [data-field="last-crawl"] time`).getAttribute('title'), id).toBeTruthy();
    }
    expect(await liveStatus(page)).toBe('live');
    await shot(page, '01-overview-sources');
  });

  it('2. a source page\'s "Crawl now" comes back with its notice, and a crawl of that source really ran', async () => {
    await page.click('tr[data-source-id="alpha"] a[href="/sources/alpha"]');
    await page.waitForURL(`${h.base}/sources/alpha`);
    expect(await page.getAttribute('body', 'data-source-id')).toBe('alpha');
    const crawlIds = async () => (await page.locator('tbody[data-live="crawls"] tr[data-crawl-id]').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-crawl-id')))));
    const before = await crawlIds();
    expect(before.length).toBeGreaterThan(0);
    const requestsBefore = h.sites.alpha!.requests.length;
    // Something new on alpha, whose schedule (1 h) would not read it before the test ends: only "Crawl now" can.
    h.sites.alpha!.publish(toPublish[3]!);

    await Promise.all([page.waitForURL(`${h.base}/sources/alpha?done=crawl-queued`), page.click('#crawl-now-button')]);
    const notice = page.locator('#notice[data-done="crawl-queued"]');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('Crawl queued');

    const crawlId = await reloadUntil(page, 'a new crawl row on alpha\'s page', async () => {
      const now = (await crawlIds()).filter((id) => !before.includes(id));
      return now.length > 0 ? Math.max(...now) : undefined;
    });
    const row = page.locator(`tr[data-crawl-id="${crawlId}"]`);
    expect((await row.locator('[data-field="outcome"]').textContent())?.trim()).toBe('changed');
    expect((await row.locator('[data-field="new"]').textContent())?.trim()).toBe('1');
    expect(h.sites.alpha!.requests.slice(requestsBefore).some((r) => new URL(r.path, h.sites.alpha!.url).href === h.sites.alpha!.listUrl)).toBe(true);
    await shot(page, '02-source-crawl-now');
  });

  it('3. a story the fixture site publishes appears live on the overview, without a reload', async () => {
    await page.goto(`${h.base}/`);
    expect(await liveStatus(page)).toBe('live');
    // Lost on any navigation or reload: still there at the end means the row came over the live connection.
    await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
    const story = toPublish[0]!;
    h.sites.beta!.publish(story);
    const row = page.locator('tbody[data-live="stories"] tr[data-story-id]', { hasText: story.title });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('class')).toContain('live-new');
    expect(await row.locator('a[href^="/stories/"]').getAttribute('lang')).toBe('fr');
    expect((await row.locator('[data-field="source"]').textContent())?.trim()).toBe('beta');
    shared.storyId = Number(await row.getAttribute('data-story-id'));
    shared.storyTitle = story.title;

    // An English story on beta, then the same article on gamma: it joins that story ("also at"), live too.
    h.sites.beta!.publish(toPublish[1]!);
    const english = page.locator('tbody[data-live="stories"] tr[data-story-id]', { hasText: toPublish[1]!.title });
    await english.waitFor({ timeout: 20_000 });
    h.sites.gamma!.publish(toPublish[1]!);
    await english.locator('[data-field="also-at"] li[data-article-id]').waitFor({ timeout: 20_000 });
    expect(await english.locator('[data-field="also-at"] li').textContent()).toContain('gamma');
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    expect(await page.locator('[data-live-status]').textContent()).toBe('live');
    await shot(page, '03-overview-live-story');

    // The picture of the overview: laptop-sized, light, a few sources and stories, as rendered by the server.
    await page.reload();
    await liveStatus(page);
    const overview = await shot(page, '03-overview-laptop-light', false);
    if (process.env.VIGIE_UPDATE_DOCS_SCREENSHOT === '1') {
      expect(statSync(overview).size).toBeLessThan(300 * 1024);
      mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
      copyFileSync(overview, DOCS_SCREENSHOT);
    }
  });

  it('4. the story page shows the article\'s text', async () => {
    await page.click(`tr[data-story-id="${shared.storyId}"] a[href="/stories/${shared.storyId}"]`);
    await page.waitForURL(`${h.base}/stories/${shared.storyId}`);
    expect((await page.locator('#article-title').textContent())?.trim()).toBe(shared.storyTitle);
    const text = (await page.locator('#article-text').textContent()) ?? '';
    expect(text).toContain('Les retours des régiments sont globalement positifs.');
    expect(text).toContain(toPublish[0]!.paragraphs[3]!);
    expect(await page.locator('#copies tbody tr[data-article-id]').count()).toBe(1);
    expect(await page.locator('#original-link').getAttribute('href')).toBe(h.sites.beta!.articleUrl(toPublish[0]!.slug));
    await shot(page, '04-story-text');
  });

  it('5. replaying a delivery on the story page sends it again and shows the new attempt', async () => {
    const [first] = await until('the story\'s webhook', () => {
      const got = h.receiver.delivered().filter((r) => r.payload?.data?.entry?.title === shared.storyTitle);
      return got.length > 0 ? got : undefined;
    });
    const webhookId = String(first!.headers['webhook-id']);
    const rows = page.locator('tbody[data-live="deliveries"] tr[data-delivery-id]');
    const deliveryId = await reloadUntil(page, 'its delivery, delivered once', async () => {
      if ((await rows.count()) !== 1) return undefined;
      const done = (await rows.locator('[data-field="state"]').textContent())?.trim() === 'delivered' && (await rows.locator('[data-field="attempts"]').textContent())?.trim() === '1';
      return done ? Number(await rows.getAttribute('data-delivery-id')) : undefined;
    });
    const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    expect(await row.locator('ol.attempt-log li').count()).toBe(1);

    await Promise.all([page.waitForURL(`${h.base}/stories/${shared.storyId}?done=replay-queued`), page.click(`#replay-${deliveryId}-button`)]);
    expect(await page.locator('#notice[data-done="replay-queued"]').textContent()).toContain('Delivery replayed');
    await until('the same webhook-id a second time', () => (h.receiver.received.filter((r) => r.headers['webhook-id'] === webhookId).length === 2 ? true : undefined), 20_000);
    expect(h.receiver.delivered().filter((r) => r.headers['webhook-id'] === webhookId)).toHaveLength(2);

    await reloadUntil(page, 'the second attempt on the page', async () => ((await row.locator('[data-field="attempts"]').textContent())?.trim() === '2' ? true : undefined));
    expect(await row.locator('ol.attempt-log li').count()).toBe(2);
    expect((await row.locator('ol.attempt-log li').last().textContent()) ?? '').toMatch(/delivered · HTTP 204/);
    expect((await row.locator('[data-field="state"]').textContent())?.trim()).toBe('delivered');
    await shot(page, '05-story-replayed');
  });

  it('6. the search on /articles finds an article by a word of its text', async () => {
    await page.click('nav a[href="/articles"]');
    await page.waitForURL(`${h.base}/articles`);
    await page.fill('#q', 'climatisation');
    await Promise.all([page.waitForURL(/\/articles\?q=climatisation/), page.click('#search-button')]);
    const results = page.locator('#results li[data-article-id]');
    expect(await results.count()).toBeGreaterThan(0);
    const titles = await results.locator('.result-title').allTextContents();
    expect(titles.map((t) => t.trim())).toContain(shared.storyTitle);
    expect((await results.first().locator('mark').first().textContent())?.toLowerCase()).toBe('climatisation');
    expect(await page.locator('#result-count').textContent()).toMatch(/of \d+ article/);
    await shot(page, '06-articles-search');
  });

  it('phone-sized and dark screenshots of the overview and a story', async () => {
    for (const [name, options] of [
      ['phone', { viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: 'light' as const }],
      ['dark', { viewport: LAPTOP, colorScheme: 'dark' as const }],
    ] as const) {
      const ctx = await newContext(options);
      const p = await ctx.newPage();
      await p.goto(`${h.base}/?token=${encodeURIComponent(h.token)}`);
      await liveStatus(p);
      await shot(p, `extra-overview-${name}`, name === 'phone');
      if (name === 'phone') {
        // Wide tables scroll inside their own region; the page itself must not scroll sideways.
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      }
      await p.goto(`${h.base}/stories/${shared.storyId}`);
      await shot(p, `extra-story-${name}`, name === 'phone');
      await ctx.close();
    }
  });

  it('7. titles, texts and URLs carrying <script>, onerror= and javascript: never run, live or rendered', async () => {
    await page.goto(`${h.base}/`);
    await liveStatus(page);
    await expectNoXss(page, 'overview before');
    h.sites.beta!.publish(hostile);
    const row = page.locator('tbody[data-live="stories"] tr[data-story-id]', { hasText: 'Quokkasaurus' });
    await row.waitFor({ timeout: 20_000 });
    await expectNoXss(page, 'overview, live story row');
    // The payloads did reach the page, as text.
    const title = (await row.locator('[data-field="title"] a').textContent()) ?? '';
    expect(title).toContain(XSS_SCRIPT);
    expect(title).toContain(XSS_IMG);
    const storyId = Number(await row.getAttribute('data-story-id'));

    // A copy of it whose URL is javascript: (no crawler would follow one: written to the store as a stranger's
    // feed could) joins the story, live.
    const story = (await h.store.story(storyId))!;
    const text = story.copies[0]!.text;
    expect(text).toContain(XSS_IMG);
    const now = new Date().toISOString();
    const [entry] = (await h.store.recordEntries('gamma', [{ title: story.title, url: XSS_URL, urlKey: 'gamma/xss-copy' }], now)).added;
    const copy = await h.store.saveArticle(entry!.id, { url: XSS_URL, title: story.title, text, html: '', lang: 'en', publishedAt: null, byline: null, canonicalUrl: XSS_URL }, null, now);
    expect((await h.store.claimStory(copy.id, copy.title, copy.text, now)).storyId).toBe(storyId);
    const alsoAt = row.locator(`[data-field="also-at"] li[data-article-id="${copy.id}"]`);
    await alsoAt.waitFor({ timeout: 10_000 });
    expect(await alsoAt.locator('a').count()).toBe(0);
    expect(await alsoAt.locator('.unlinked').textContent()).toContain('Quokkasaurus');
    await expectNoXss(page, 'overview, live javascript: copy');
    await shot(page, '07-xss-overview-live');

    await page.reload();
    await row.waitFor();
    expect(await row.locator(`[data-field="also-at"] [data-article-id="${copy.id}"] a, [data-field="also-at"] a[href^="javascript"]`).count()).toBe(0);
    await expectNoXss(page, 'overview, rendered');

    await page.goto(`${h.base}/stories/${storyId}`);
    expect(await page.locator('#article-title').textContent()).toContain(XSS_SCRIPT);
    const body = (await page.locator('#article-text').textContent()) ?? '';
    expect(body).toContain(XSS_IMG);
    expect(body).toContain(`href="${XSS_URL}"`);
    expect(await page.locator(`#copies tr[data-article-id="${copy.id}"] [data-field="title"] a`).count()).toBe(0);
    await expectNoXss(page, 'story page');
    await shot(page, '07-xss-story');

    await page.goto(`${h.base}/stories/${storyId}?copy=${copy.id}`);
    expect(await page.locator('#original-link').count()).toBe(0);
    expect(await page.locator('aside.original .unlinked').textContent()).toBe(XSS_URL);
    await expectNoXss(page, 'story page, the javascript: copy');

    await page.goto(`${h.base}/articles?q=quokkasaurus`);
    const results = page.locator('#results li[data-article-id]');
    expect(await results.count()).toBe(2);
    expect(await page.locator(`#results li[data-article-id="${copy.id}"] a[href^="javascript"]`).count()).toBe(0);
    expect(await page.locator(`#results li[data-article-id="${copy.id}"] .unlinked`).textContent()).toBe('original');
    await expectNoXss(page, 'search results');
    await shot(page, '07-xss-search');

    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('8. with a token, every route but /health refuses a request without it (401)', async () => {
    // Every route the server has, read from a twin built on the same config (a route added later is covered too).
    const twin = await createServer({ config: h.config, store: h.store, queues: h.monitor.queues, redisOk: async () => true, log: silentLog() });
    const routes = serverRoutes(twin);
    await twin.close();
    const paths = routes.map((r) => r.path);
    for (const family of ['/', '/sources/:id', '/stories/:id', '/articles', '/events', '/metrics', '/assets/:name', '/queues', '/feeds/all.xml', '/api/sources', '/sources/:id/crawl', '/deliveries/:id/replay']) {
      expect(paths, family).toContain(family);
    }
    expect(paths.some((p) => p.startsWith('/feeds/sources/'))).toBe(true);

    const refusedWith: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0000' }, { cookie: 'vigie_token=wrong-token-0000' }];
    const answers: string[] = [];
    for (const { path, methods } of routes) {
      const url = `${h.base}${fillPath(path, { id: 'alpha', name: 'live.js' })}`;
      for (const method of methods.filter((m) => m !== 'OPTIONS')) {
        for (const headers of refusedWith) {
          const res = await fetch(url, { method, headers, redirect: 'manual', body: method === 'POST' ? '' : undefined });
          await res.body?.cancel();
          answers.push(`${method} ${path} ${Object.keys(headers)[0] ?? 'none'} ${res.status}`);
        }
      }
    }
    const expected = answers.map((a) => a.replace(/\d+$/, (_s) => (/^(GET|HEAD) \/health /.test(a) ? '200' : '401')));
    expect(answers).toEqual(expected);
    expect(answers.length).toBeGreaterThan(30);

    // The same token-less fetch with the token is let in (the 401s above are the token's doing).
    expect((await fetch(`${h.base}/api/sources`, { headers: { authorization: `Bearer ${h.token}` } })).status).toBe(200);
    expect((await fetch(`${h.base}/?token=${encodeURIComponent(h.token)}`)).status).toBe(200);
  });
});

function silentLog() {
  const log = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => log };
  return log as never;
}

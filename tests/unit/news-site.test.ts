import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite, type NewsSiteOptions } from '../../src/demo/news-site.ts';
import { decodeSnapshot, renderSnapshots, type Snapshot } from '../fixtures/sites/snapshots.ts';
import { startDemoSite } from '../../src/demo/demo-site.ts';
import { freshArticles, initialArticles, startFixtureSite } from '../fixtures/sites/fixture-sites.ts';
import { initialStories, stories, toPublish } from '../fixtures/stories.ts';

const open: NewsSite[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function site(options: NewsSiteOptions): Promise<NewsSite> {
  const s = await startNewsSite({ articles: stories.slice(2), ...options });
  open.push(s);
  return s;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer; text: string }> {
  const res = await fetch(url, { headers, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  const legacy = /charset=windows-1252/i.test(bytes.subarray(0, 400).toString('latin1'));
  return { status: res.status, headers: res.headers, bytes, text: legacy ? iconv.decode(bytes, 'windows-1252') : bytes.toString('utf8') };
}

/** The entry links a reader of the list page gets; the scripted site only has them in its JSON feed. */
async function listLinks(s: NewsSite): Promise<string[]> {
  if (s.template === 'scripted') {
    const feed = JSON.parse((await get(new URL('/api/latest.json', s.url).href)).text) as { items: { url: string }[] };
    return feed.items.map((i) => new URL(i.url, s.url).href);
  }
  return hrefs((await get(s.listUrl)).text).map((h) => new URL(h, s.url).href);
}

async function listText(s: NewsSite): Promise<string> {
  const page = (await get(s.listUrl)).text;
  return s.template === 'scripted' ? page + (await get(new URL('/api/latest.json', s.url).href)).text : page;
}

const hrefs = (html: string): string[] => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

const templateNames = ['reference', 'reference-cell', 'legacy', 'wordpress', 'gov', 'scripted'] as const;

describe.each(templateNames)('%s template', (template) => {
  it('serves the latest list and article pages that link back to it', async () => {
    const s = await site({ template });
    const list = await get(s.listUrl);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe(template === 'legacy' || template === 'reference-cell' ? 'text/html' : 'text/html; charset=utf-8');
    const links = await listLinks(s);
    expect(s.latestEntries().length).toBeGreaterThan(5);
    for (const entry of s.latestEntries()) expect(links).toContain(entry.url);

    const article = stories[4]!;
    const page = await get(s.articleUrl(article.slug));
    expect(page.status).toBe(200);
    expect(page.text).toContain(article.title.replace(/'/g, '&#39;'));
    const linksBack = hrefs(page.text).map((h) => new URL(h, s.url).href);
    expect(linksBack).toContain(s.listUrl);
  });

  it('answers 404 for unknown pages and serves robots.txt', async () => {
    const s = await site({ template, robotsTxt: 'User-agent: *\nDisallow: /private/\n' });
    expect((await get(new URL('/no/such/page', s.url).href)).status).toBe(404);
    const robots = await get(new URL('/robots.txt', s.url).href);
    expect(robots.status).toBe(200);
    expect(robots.text).toBe('User-agent: *\nDisallow: /private/\n');
    const none = await site({ template, robotsTxt: null });
    expect((await get(new URL('/robots.txt', none.url).href)).status).toBe(404);
  });

  it('answers 304 to If-None-Match and If-Modified-Since until the state changes', async () => {
    const s = await site({ template });
    const first = await get(s.listUrl);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await get(s.listUrl, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(s.listUrl, { 'if-modified-since': lastModified })).status).toBe(304);
    const again = await get(s.listUrl);
    expect(again.bytes.equals(first.bytes)).toBe(true);

    s.bumpCounter();
    const after = await get(s.listUrl, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect((await get(s.listUrl, { 'if-modified-since': lastModified })).status).toBe(200);
  });

  it('changes the bytes on publish, reorder, setAd and bumpCounter', async () => {
    const s = await site({ template });
    const seen = new Set<string>([await listText(s)]);
    const step = async (mutate: () => void): Promise<string> => {
      mutate();
      const text = await listText(s);
      expect(seen.has(text)).toBe(false);
      seen.add(text);
      return text;
    };
    const published = await step(() => s.publish(stories[1]!));
    expect(s.latestEntries()[0]!.url).toBe(s.articleUrl(stories[1]!.slug));
    expect(published).toContain(new URL(s.articleUrl(stories[1]!.slug)).pathname);

    const before = s.latestEntries().map((e) => e.url);
    await step(() => s.reorder());
    const after = s.latestEntries().map((e) => e.url);
    expect(after).not.toEqual(before);
    expect([...after].sort()).toEqual([...before].sort());

    const withAd = await step(() => s.setAd('Nouvelle publicité : Milipol 2027'));
    expect(withAd).toContain('Milipol 2027');
    await step(() => s.bumpCounter());
  });

  it('puts a session id on one entry link without changing the article it reaches', async () => {
    const s = await site({ template });
    const slug = s.latestEntries().length > 3 ? stories[5]!.slug : stories[2]!.slug;
    s.sessionIdOn(slug, 'f3a9c2d1e8b7');
    const tagged = (await listLinks(s)).filter((h) => h.includes('f3a9c2d1e8b7'));
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged[0]).toMatch(/PHPSESSID=f3a9c2d1e8b7|;jsessionid=f3a9c2d1e8b7|sid=f3a9c2d1e8b7/);
    const viaSession = await get(new URL(tagged[0]!, s.url).href);
    const plain = await get(s.articleUrl(slug));
    expect(viaSession.status).toBe(200);
    expect(viaSession.text).toBe(plain.text);
  });
});

describe('fail modes and request log', () => {
  it('answers 500, then 429 with Retry-After on a prefix, then recovers', async () => {
    const s = await site({ template: 'reference' });
    s.fail({ status: 500 });
    expect((await get(s.listUrl)).status).toBe(500);
    expect((await get(new URL('/robots.txt', s.url).href)).status).toBe(200);
    s.fail({ status: 429, retryAfter: 7, pathPrefix: '/n_index.php' });
    const limited = await get(s.listUrl);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await get(s.url)).status).toBe(200);
    s.fail(null);
    expect((await get(s.listUrl)).status).toBe(200);
  });

  it('hangs without answering so clients time out', async () => {
    const s = await site({ template: 'wordpress' });
    s.fail({ hang: true });
    const started = Date.now();
    await expect(fetch(s.listUrl, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(s.requests.at(-1)?.status).toBe(0);
  });

  it('records method, path, headers and status of every request', async () => {
    const s = await site({ template: 'reference' });
    await get(s.listUrl, { 'user-agent': 'VigieTest/1.0 (+https://example.org/vigie)' });
    await get(new URL('/robots.txt', s.url).href);
    const [page, robots] = s.requests;
    expect(page).toMatchObject({ method: 'GET', path: new URL(s.listUrl).pathname + new URL(s.listUrl).search, status: 200 });
    expect(page!.headers['user-agent']).toBe('VigieTest/1.0 (+https://example.org/vigie)');
    expect(robots).toMatchObject({ path: '/robots.txt', status: 200 });
    expect(typeof page!.at).toBe('number');
  });
});

describe('reference template', () => {
  it('watches an article page whose latest list holds up to 50 titles linking to /n_index.php?id=NNNN', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...stories[i % stories.length]!, slug: `s-${i}`, title: `${stories[i % stories.length]!.title} ${i}` }));
    const s = await site({ template: 'reference', articles: many });
    expect(s.listUrl).toMatch(/\/n_index\.php\?id=7031$/);
    const { text } = await get(s.listUrl);
    const block = text.slice(text.indexOf('Derniers articles'));
    const entries = [...block.matchAll(/<a href="(\/n_index\.php\?id=\d+)">([^<]+)<\/a>/g)];
    expect(entries).toHaveLength(50);
    expect(text).toContain('Éditoriaux');
    expect(text).toContain('Renseignement');
    expect(text).toContain('Directeur de la publication : Joël-François Dumont');
  });
});

describe('legacy template', () => {
  it('sends windows-1252 bytes declared only in the meta http-equiv', async () => {
    const s = await site({ template: 'legacy', articles: stories.filter((a) => a.lang === 'fr') });
    const home = await get(s.url);
    expect(home.headers.get('content-type')).toBe('text/html');
    const raw = home.bytes.toString('latin1');
    expect(raw).toContain('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">');
    expect(home.bytes.includes(Buffer.from([0xc9]))).toBe(true);
    expect(home.bytes.includes(Buffer.from('É', 'utf8'))).toBe(false);
    expect(raw).toContain('\xab \xc9ditoriaux \xbb');
    expect(home.text).toContain('<b>Derniers articles</b><br>');
    const article = stories.find((a) => a.lang === 'fr' && a.paragraphs.some((p) => p.includes('’')))!;
    const page = await get(s.articleUrl(article.slug));
    expect(page.bytes.includes(Buffer.from([0x92]))).toBe(true);
    expect(page.text).toContain(article.title.replace(/'/g, '&#39;'));
  });

  it('can send the charset in the header too when asked', async () => {
    const s = await site({ template: 'legacy', charsetInHeader: true });
    expect((await get(s.url)).headers.get('content-type')).toBe('text/html; charset=windows-1252');
  });
});

describe('scripted template', () => {
  it('has no entry link in its HTML source, only in /api/latest.json', async () => {
    const s = await site({ template: 'scripted' });
    const html = (await get(s.listUrl)).text;
    expect(html).toContain('Latest News');
    for (const entry of s.latestEntries()) expect(html).not.toContain(new URL(entry.url).pathname);
    expect(hrefs(html).filter((h) => h.startsWith('/news/'))).toEqual([]);
    const feed = await get(new URL('/api/latest.json', s.url).href);
    expect(feed.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((JSON.parse(feed.text) as { items: unknown[] }).items).toHaveLength(s.latestEntries().length);
  });

  it('shows the list once Chromium has run the page script', async () => {
    const { chromium } = await import('playwright');
    const s = await site({ template: 'scripted' });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(s.listUrl);
      await page.waitForSelector('body[data-latest="loaded"]', { timeout: 10_000 });
      const links = await page.$$eval('#latest-list a', (as) => as.map((a) => ({ title: a.textContent ?? '', url: (a as HTMLAnchorElement).href })));
      expect(links).toEqual(s.latestEntries());
    } finally {
      await browser.close();
    }
  });
});

describe('saved pages and truth files', () => {
  const fixtures = new URL('../fixtures/', import.meta.url);
  const unescape = (html: string): string =>
    html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  it('tests/fixtures/sites holds exactly what the fixture sites serve (regenerate with generate.ts)', async () => {
    const manifest = JSON.parse(readFileSync(new URL('sites/manifest.json', fixtures), 'utf8')) as Snapshot[];
    const fresh = await renderSnapshots();
    expect(fresh.map((f) => f.snapshot)).toEqual(manifest);
    for (const { snapshot, bytes } of fresh) expect(readFileSync(new URL(`sites/${snapshot.file}`, fixtures)).equals(bytes), snapshot.file).toBe(true);
  });

  it('every truth file is the rendered article: its title, then lead and paragraphs in page order', async () => {
    const manifest = JSON.parse(readFileSync(new URL('sites/manifest.json', fixtures), 'utf8')) as Snapshot[];
    const articles = manifest.filter((m) => m.kind === 'article');
    expect(new Set(articles.map((a) => a.template)).size).toBe(templateNames.length);
    for (const entry of articles) {
      const truth = JSON.parse(readFileSync(new URL(`sites/${entry.truth}`, fixtures), 'utf8')) as { slug: string; title: string; text: string };
      const story = stories.find((s) => s.slug === truth.slug)!;
      expect(truth.title).toBe(story.title);
      expect(truth.text.split('\n\n')).toEqual([...(story.lead ? [story.lead] : []), ...story.paragraphs]);
      const page = unescape(decodeSnapshot(readFileSync(new URL(`sites/${entry.file}`, fixtures)), entry.contentType));
      expect(page).toContain(truth.title);
      let from = page.indexOf(`>${truth.title}<`);
      for (const paragraph of truth.text.split('\n\n')) {
        const at = page.indexOf(paragraph, from);
        expect(at, `${entry.file}: ${paragraph.slice(0, 40)}`).toBeGreaterThan(from);
        from = at;
      }
    }
  });
});

describe('the monitor scenario of issue 2 on the reference site', () => {
  it('v2 adds exactly 3 entries once session ids are dropped, despite reorder, ad and counter changes', async () => {
    const s = await startFixtureSite('reference');
    open.push(s);
    const entryLinks = async (): Promise<string[]> => {
      const html = (await get(s.listUrl)).text;
      const block = html.slice(html.indexOf('Derniers articles'));
      return hrefs(block.slice(0, block.indexOf('</ul>'))).map((h) => new URL(h, s.url).href);
    };
    const v1 = await entryLinks();
    const v1Bytes = (await get(s.listUrl)).bytes;
    for (const story of toPublish.slice(0, 3)) s.publish(story);
    s.reorder();
    s.setAd('Milipol Paris : 14-17 novembre');
    s.bumpCounter();
    s.sessionIdOn(initialStories[5]!.slug, '9c1f0e7a2b');
    const v2 = await entryLinks();
    expect((await get(s.listUrl)).bytes.equals(v1Bytes)).toBe(false);
    expect(v2.some((u) => u.includes('PHPSESSID=9c1f0e7a2b'))).toBe(true);
    const canonical = (u: string): string => {
      const url = new URL(u);
      url.searchParams.delete('PHPSESSID');
      return url.href;
    };
    const fresh = v2.map(canonical).filter((u) => !v1.includes(u));
    expect(fresh.sort()).toEqual(toPublish.slice(0, 3).map((a) => s.articleUrl(a.slug)).sort());
    const old = v2.map(canonical).filter((u) => v1.includes(u));
    expect(old).not.toEqual(v1.slice(0, old.length));
  });
});

describe('demo site', () => {
  it('starts with 10 articles on the reference template and publishes one every everyMs', async () => {
    const demo = await startDemoSite({ everyMs: 60 });
    try {
      expect(demo.template).toBe('reference');
      expect(demo.latestEntries()).toHaveLength(10);
      const first = (await get(demo.listUrl)).text;
      expect(first).toContain('Derniers articles');
      await new Promise((r) => setTimeout(r, 60 * 12));
      const entries = demo.latestEntries();
      expect(entries.length).toBeGreaterThanOrEqual(17);
      expect(new Set(entries.map((e) => e.url)).size).toBe(entries.length);
      const newest = await get(entries[0]!.url);
      expect(newest.status).toBe(200);
    } finally {
      await demo.stop();
    }
    const count = demo.latestEntries().length;
    await new Promise((r) => setTimeout(r, 200));
    expect(demo.latestEntries()).toHaveLength(count);
  });

  it('publishes the same articles in the same order on every run', async () => {
    const runs = await Promise.all([startDemoSite({ everyMs: 40 }), startDemoSite({ everyMs: 40 })]);
    await new Promise((r) => setTimeout(r, 40 * 10));
    await Promise.all(runs.map((d) => d.stop()));
    const [a, b] = runs.map((d) => d.latestEntries().map((e) => e.title).reverse());
    const n = Math.min(a!.length, b!.length);
    expect(n).toBeGreaterThan(14);
    expect(a!.slice(0, n)).toEqual(b!.slice(0, n));
  });
});

describe('fixture sites', () => {
  it.each(['reference', 'legacy', 'wordpress', 'gov', 'scripted'] as const)('%s starts in its language and has fresh stories left to publish', async (template) => {
    const s = await startFixtureSite(template);
    open.push(s);
    const initial = initialArticles(template);
    const fresh = freshArticles(template);
    expect(s.latestEntries().map((e) => e.title)).toEqual(initial.map((a) => a.title).slice(0, s.latestEntries().length));
    expect(fresh.length).toBeGreaterThanOrEqual(3);
    const langs = new Set([...initial, ...fresh].map((a) => a.lang));
    expect([...langs].sort()).toEqual(template === 'reference' ? ['en', 'fr'] : template === 'legacy' ? ['fr'] : ['en']);
    for (const a of fresh) expect(s.publish(a)).toBe(s.articleUrl(a.slug));
  });
});

describe('etag option', () => {
  it('sends no validators and never answers 304 when etag is false', async () => {
    const s = await site({ template: 'gov', etag: false });
    const first = await get(s.listUrl);
    expect(first.headers.get('etag')).toBeNull();
    expect(first.headers.get('last-modified')).toBeNull();
    expect((await get(s.listUrl, { 'if-none-match': '*', 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() })).status).toBe(200);
  });
});

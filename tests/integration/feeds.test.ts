// The feeds (/feeds/all.* and /feeds/sources/<id>.*) served by the real server, on a real store and real Redis,
// read back with a real XML parser (RSS, Atom) and JSON.parse (JSON Feed).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import { VigieQueues } from '../../src/jobs/index.ts';
import { createServer } from '../../src/server/create-server.ts';
import { feedLinks } from '../../src/server/feed-links.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';
import { tempConfig, tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';
import { until } from '../helpers/wait.ts';
import { storyText } from './story-claim-texts.ts';

const T0 = '2026-12-01T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const TOKEN = `feed-token-${randomBytes(12).toString('hex')}`;
const PUBLISHED_A = '2026-11-30T21:15:00.000Z';
const HOSTILE_TITLE = 'Tanks < ships & "subs" > all ]]> <b>bold</b> ]]> end';
const HOSTILE_TEXT = 'Opening <script>alert(1)</script> & more ]]> here.\n\nSecond \u0001paragraph <img src=x onerror=alert(2)>.';
const body = (seed: number) => storyText(seed).sentences.join(' ');

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Running {
  base: string;
  app: FastifyInstance;
  store: SqliteStore;
  config: Config;
}

/** createServer with a real store and real queues under a prefix of their own, listening on a free port. */
async function serve(server: Record<string, unknown> = {}): Promise<Running> {
  const config = tempDirConfig(cleanups, 'feeds', {
    server: { port: 0, ...server },
    sources: [
      { id: 'alpha', url: 'https://alpha.example.org/news' },
      { id: 'beta', url: 'https://beta.example.org/news' },
    ],
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  const { connection, queues } = testQueues(cleanups, config);
  const app = await createServer({ config, store, queues, redisOk: async () => true });
  const base = await app.listen({ host: config.server.host, port: config.server.port });
  cleanups.push(() => app.close());
  await store.syncSources(config.sources, T0);
  for (const id of ['alpha', 'beta']) {
    await store.recordEntries(id, [{ title: 'old', url: `https://${id}.example.org/old`, urlKey: `${id}.example.org/old` }], T0);
  }
  return { base, app, store, config };
}

interface StoryInput {
  source: string;
  slug: string;
  title: string;
  text: string;
  at: string;
  publishedAt?: string | null;
  lang?: string | null;
  url?: string;
}

/** A new entry on a source, its article read and claimed, through the store's own API; returns the story id. */
async function addStory(store: Store, s: StoryInput): Promise<number> {
  const url = s.url ?? `https://${s.source}.example.org/a/${s.slug}`;
  const [entry] = (await store.recordEntries(s.source, [{ title: s.title, url, urlKey: `${s.source}/${s.slug}` }], s.at)).added;
  const article = await store.saveArticle(
    entry!.id,
    { url, title: s.title, text: s.text, html: '', lang: s.lang === undefined ? 'en' : s.lang, publishedAt: s.publishedAt ?? null, byline: null, canonicalUrl: null },
    null,
    s.at,
  );
  return (await store.claimStory(article.id, article.title, article.text, s.at)).storyId;
}

/**
 * A: alpha, published before it was read. B: beta, no published date, then copied by alpha (one story, two copies).
 * D: alpha, a hostile title and text, its URL a javascript: one and its lang attribute junk.
 */
async function seed(store: Store): Promise<{ a: number; b: number; d: number }> {
  const a = await addStory(store, { source: 'alpha', slug: 'a', title: 'Frigate sails', text: body(1), at: at(10), publishedAt: PUBLISHED_A });
  const shared = `${body(2)}\n\n${body(3)}`;
  const b = await addStory(store, { source: 'beta', slug: 'b', title: 'Frégate en mer', text: shared, at: at(20), lang: 'fr' });
  const copy = await addStory(store, { source: 'alpha', slug: 'b-copy', title: 'Frigate at sea', text: shared, at: at(25) });
  expect(copy).toBe(b);
  const d = await addStory(store, { source: 'alpha', slug: 'd', title: HOSTILE_TITLE, text: HOSTILE_TEXT, at: at(30), lang: '"><x', url: 'javascript:alert(1)' });
  return { a, b, d };
}

const guid = (id: number, createdAt: string) => `urn:vigie:story:${id}:${Date.parse(createdAt)}`;

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  // Atom has several links per feed and entry; RSS one per channel and item.
  isArray: (name, jpath) => ['item', 'entry', 'category', 'atom:link', 'author'].includes(name) || (name === 'link' && String(jpath).startsWith('feed.')),
});

type Node = Record<string, any>;

/** An element's text, whether or not it has attributes. */
const text = (node: unknown): string => (typeof node === 'string' ? node : ((node as Node | undefined)?.['#text'] ?? ''));

/** Atom's type="html" text, decoded as a reader would (only the entities an escaper writes). */
const fromHtml = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: string; res: Response }> {
  const res = await fetch(url, { headers, redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text(), res };
}

function parseRss(bodyText: string): Node {
  expect(XMLValidator.validate(bodyText)).toBe(true);
  const doc = xml.parse(bodyText) as Node;
  expect(doc.rss['@_version']).toBe('2.0');
  return doc.rss.channel as Node;
}

function parseAtom(bodyText: string): Node {
  expect(XMLValidator.validate(bodyText)).toBe(true);
  const doc = xml.parse(bodyText) as Node;
  expect(doc.feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
  return doc.feed as Node;
}

describe('feeds', () => {
  it('RSS, Atom and JSON Feed for all sources: each item with its title, link, stable GUID, story date, source and summary', async () => {
    const { base, store } = await serve();
    const { a, b, d } = await seed(store);

    const rss = await get(`${base}/feeds/all.xml`);
    expect(rss.status).toBe(200);
    expect(rss.type).toBe('application/rss+xml; charset=utf-8');
    const channel = parseRss(rss.body);
    expect(text(channel.title)).toBe('Vigie: all sources');
    expect(channel['atom:link']).toEqual([expect.objectContaining({ '@_rel': 'self', '@_href': `${base}/feeds/all.xml` })]);
    expect(new Date(text(channel.lastBuildDate)).toISOString()).toBe(at(30));
    const items = channel.item as Node[];
    expect(items.map((i) => text(i.guid))).toEqual([guid(d, at(30)), guid(b, at(20)), guid(a, at(10))]);
    for (const i of items) expect(i.guid['@_isPermaLink']).toBe('false');
    const [rd, rb, ra] = items as [Node, Node, Node];
    expect(text(ra.title)).toBe('Frigate sails');
    expect(text(ra.link)).toBe('https://alpha.example.org/a/a');
    expect(text(ra.pubDate)).toBe(new Date(PUBLISHED_A).toUTCString());
    expect(text(ra['dc:creator'])).toBe('alpha');
    expect(text(ra['dc:language'])).toBe('en');
    expect(text(ra.description)).toBe(`${body(1).slice(0, 300).replace(/ \S*$/, '')}…`);
    // B opened on beta (no published date: its read time), with alpha's copy listed as "also at".
    expect(text(rb.title)).toBe('Frégate en mer');
    expect(text(rb.link)).toBe('https://beta.example.org/a/b');
    expect(text(rb.pubDate)).toBe(new Date(at(20)).toUTCString());
    expect(text(rb['dc:language'])).toBe('fr');
    expect((rb.category as Node[]).map((c) => [text(c), c['@_domain']])).toEqual([
      ['beta', 'urn:vigie:source'],
      ['alpha', 'urn:vigie:source'],
      ['fr', 'urn:vigie:lang'],
    ]);
    expect(text(rb['content:encoded'])).toContain(`<p>${body(2)}</p>\n<p>${body(3)}</p>`);
    expect(text(rb['content:encoded'])).toContain('<li><a href="https://alpha.example.org/a/b-copy">alpha</a>: Frigate at sea</li>');
    // D's URL is javascript:, so its link is its source's page; its junk lang attribute is dropped.
    expect(text(rd.link)).toBe('https://alpha.example.org/news');
    expect(rd['dc:language']).toBeUndefined();

    const atom = await get(`${base}/feeds/all.atom`);
    expect(atom.status).toBe(200);
    expect(atom.type).toBe('application/atom+xml; charset=utf-8');
    const feed = parseAtom(atom.body);
    expect(text(feed.title)).toBe('Vigie: all sources');
    expect(text(feed.id)).toBe('urn:vigie:feed:all');
    expect(text(feed.updated)).toBe(at(30));
    expect(feed.link).toEqual(expect.arrayContaining([expect.objectContaining({ '@_rel': 'self', '@_href': `${base}/feeds/all.atom` })]));
    const entries = feed.entry as Node[];
    expect(entries.map((e) => text(e.id))).toEqual([guid(d, at(30)), guid(b, at(20)), guid(a, at(10))]);
    const [, eb, ea] = entries as [Node, Node, Node];
    expect(fromHtml(text(ea.title))).toBe('Frigate sails');
    expect(ea.link[0]['@_href']).toBe('https://alpha.example.org/a/a');
    expect(text(ea.updated)).toBe(PUBLISHED_A);
    expect(text(ea.published)).toBe(PUBLISHED_A);
    expect(ea.author.map((x: Node) => text(x.name))).toEqual(['alpha']);
    expect(fromHtml(text(ea.summary))).toBe(`${body(1).slice(0, 300).replace(/ \S*$/, '')}…`);
    expect(text(eb.updated)).toBe(at(20));
    expect(eb.author.map((x: Node) => text(x.name))).toEqual(['beta']);
    expect(eb.category.map((c: Node) => c['@_term'])).toEqual(['beta', 'alpha', 'fr']);

    const json = await get(`${base}/feeds/all.json`);
    expect(json.status).toBe(200);
    expect(json.type).toBe('application/feed+json; charset=utf-8');
    const jf = JSON.parse(json.body) as Node;
    expect(jf).toMatchObject({ version: 'https://jsonfeed.org/version/1', title: 'Vigie: all sources', feed_url: `${base}/feeds/all.json`, home_page_url: `${base}/` });
    expect(jf.items.map((i: Node) => i.id)).toEqual([guid(d, at(30)), guid(b, at(20)), guid(a, at(10))]);
    const [, jb, ja] = jf.items as [Node, Node, Node];
    expect(ja).toMatchObject({ title: 'Frigate sails', url: 'https://alpha.example.org/a/a', date_published: PUBLISHED_A, author: { name: 'alpha' }, tags: ['alpha', 'en'] });
    expect(ja.summary).toBe(`${body(1).slice(0, 300).replace(/ \S*$/, '')}…`);
    expect(ja.content_html).toBe(`<p>${body(1)}</p>`);
    expect(jb).toMatchObject({ url: 'https://beta.example.org/a/b', date_published: at(20), _vigie: { story_id: b, language: 'fr', sources: ['beta', 'alpha'] } });
  });

  it('per source: the six URLs, only that source\'s stories, each led by its own copy; 404 for an unknown source', async () => {
    const { base, store } = await serve();
    const { a, b, d } = await seed(store);

    const alphaRss = parseRss((await get(`${base}/feeds/sources/alpha.xml`)).body);
    expect(text(alphaRss.title)).toBe('Vigie: alpha');
    expect(alphaRss['atom:link'][0]['@_href']).toBe(`${base}/feeds/sources/alpha.xml`);
    expect(text(alphaRss.link)).toBe('https://alpha.example.org/news');
    expect((alphaRss.item as Node[]).map((i) => text(i.guid))).toEqual([guid(d, at(30)), guid(b, at(20)), guid(a, at(10))]);
    // Story B opened on beta; alpha's feed gives alpha's copy: its title, link and date.
    const alphaB = (alphaRss.item as Node[])[1]!;
    expect([text(alphaB.title), text(alphaB.link), text(alphaB.pubDate)]).toEqual(['Frigate at sea', 'https://alpha.example.org/a/b-copy', new Date(at(25)).toUTCString()]);
    expect(text(alphaB['content:encoded'])).toContain('<li><a href="https://beta.example.org/a/b">beta</a>: Frégate en mer</li>');
    for (const i of alphaRss.item as Node[]) expect(new URL(text(i.link)).host).toBe('alpha.example.org');

    const betaRss = parseRss((await get(`${base}/feeds/sources/beta.xml`)).body);
    expect((betaRss.item as Node[]).map((i) => [text(i.guid), text(i.link)])).toEqual([[guid(b, at(20)), 'https://beta.example.org/a/b']]);

    const betaAtom = await get(`${base}/feeds/sources/beta.atom`);
    expect(betaAtom.type).toBe('application/atom+xml; charset=utf-8');
    const betaFeed = parseAtom(betaAtom.body);
    expect([text(betaFeed.title), text(betaFeed.id), text(betaFeed.updated)]).toEqual(['Vigie: beta', 'urn:vigie:feed:source:beta', at(20)]);
    expect((betaFeed.entry as Node[]).map((e) => text(e.id))).toEqual([guid(b, at(20))]);
    const alphaFeed = parseAtom((await get(`${base}/feeds/sources/alpha.atom`)).body);
    expect((alphaFeed.entry as Node[]).map((e) => text(e.id))).toEqual([guid(d, at(30)), guid(b, at(20)), guid(a, at(10))]);

    const betaJson = await get(`${base}/feeds/sources/beta.json`);
    expect(betaJson.type).toBe('application/feed+json; charset=utf-8');
    expect((JSON.parse(betaJson.body) as Node).items.map((i: Node) => [i.id, i.url])).toEqual([[guid(b, at(20)), 'https://beta.example.org/a/b']]);
    const alphaJson = JSON.parse((await get(`${base}/feeds/sources/alpha.json`)).body) as Node;
    expect(alphaJson.title).toBe('Vigie: alpha');
    expect(alphaJson.items.map((i: Node) => i.id)).toEqual([guid(d, at(30)), guid(b, at(20)), guid(a, at(10))]);

    for (const path of ['/feeds/sources/gamma.xml', '/feeds/sources/gamma.atom', '/feeds/sources/gamma.json', '/feeds/sources/alpha.rss', '/feeds/sources/alpha', '/feeds/sources/ALPHA.xml', '/feeds/all.rss']) {
      const res = await get(`${base}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('a feed with no story yet is a valid, empty feed', async () => {
    const { base } = await serve();
    expect(parseRss((await get(`${base}/feeds/sources/beta.xml`)).body).item).toBeUndefined();
    expect(parseAtom((await get(`${base}/feeds/all.atom`)).body).entry).toBeUndefined();
    expect(JSON.parse((await get(`${base}/feeds/all.json`)).body).items).toEqual([]);
  });

  it('GUIDs do not change between fetches nor when a new story comes first', async () => {
    const { base, store } = await serve();
    await seed(store);
    const ids = async () => ({
      rss: (parseRss((await get(`${base}/feeds/all.xml`)).body).item as Node[]).map((i) => text(i.guid)),
      atom: (parseAtom((await get(`${base}/feeds/all.atom`)).body).entry as Node[]).map((e) => text(e.id)),
      json: (JSON.parse((await get(`${base}/feeds/all.json`)).body) as Node).items.map((i: Node) => i.id) as string[],
    });
    const first = await ids();
    expect(await ids()).toEqual(first);
    const e = await addStory(store, { source: 'beta', slug: 'e', title: 'Submarine launched', text: body(9), at: at(40) });
    const after = await ids();
    for (const format of ['rss', 'atom', 'json'] as const) {
      expect(after[format]).toEqual([guid(e, at(40)), ...first[format]]);
      expect(new Set(after[format]).size).toBe(after[format].length);
    }
  });

  it('a stranger\'s title and text stay text: no javascript: link, no markup, no broken XML', async () => {
    const { base, store } = await serve();
    const { d } = await seed(store);
    const rss = await get(`${base}/feeds/all.xml`);
    const atom = await get(`${base}/feeds/all.atom`);
    const json = await get(`${base}/feeds/all.json`);
    for (const res of [rss, atom, json]) expect(res.body).not.toContain('javascript:');

    const rd = (parseRss(rss.body).item as Node[])[0]!;
    expect(text(rd.guid)).toBe(guid(d, at(30)));
    // RSS titles are plain text; "]]>" (which would end the CDATA section) is kept apart by a zero-width space.
    expect(text(rd.title)).toBe(HOSTILE_TITLE.replaceAll(']]>', ']]\u200B>'));
    expect(text(rd['content:encoded'])).toBe('<p>Opening &lt;script&gt;alert(1)&lt;/script&gt; &amp; more ]]&gt; here.</p>\n<p>Second paragraph &lt;img src=x onerror=alert(2)&gt;.</p>');
    expect(fromHtml(text(rd.description))).toBe('Opening <script>alert(1)</script> & more ]]> here. Second paragraph <img src=x onerror=alert(2)>.');
    expect(rd.b).toBeUndefined();

    const ed = (parseAtom(atom.body).entry as Node[])[0]!;
    // Atom titles are type="html": escaped, so a reader shows the characters, not markup.
    expect(ed.title['@_type']).toBe('html');
    expect(text(ed.title)).not.toContain('<');
    expect(fromHtml(text(ed.title))).toBe(HOSTILE_TITLE);
    expect(ed.link[0]['@_href']).toBe('https://alpha.example.org/news');
    expect(fromHtml(text(ed.content))).toContain('Opening <script>alert(1)</script> & more ]]> here.');
    expect(text(ed.content)).not.toMatch(/<(script|img)/);

    const jd = (JSON.parse(json.body) as Node).items[0] as Node;
    expect(jd.title).toBe(HOSTILE_TITLE);
    expect(jd.url).toBe('https://alpha.example.org/news');
    expect(jd.content_html).not.toMatch(/<(script|img)/);
    expect(jd.summary).toBe('Opening <script>alert(1)</script> & more ]]> here. Second paragraph <img src=x onerror=alert(2)>.');
  });

  it('with a public URL, self links use it and each item links its story page on Vigie', async () => {
    const publicUrl = 'https://vigie.example.org/watch';
    const { base, store } = await serve({ publicUrl });
    const { a, d } = await seed(store);
    const channel = parseRss((await get(`${base}/feeds/all.xml`)).body);
    expect(channel['atom:link'][0]['@_href']).toBe(`${publicUrl}/feeds/all.xml`);
    const [rd, , ra] = channel.item as Node[];
    expect(text(ra!.link)).toBe('https://alpha.example.org/a/a');
    expect(text(ra!['content:encoded'])).toContain(`<a href="${publicUrl}/stories/${a}">This story on Vigie</a>`);
    // No http(s) original: the story page is the link.
    expect(text(rd!.link)).toBe(`${publicUrl}/stories/${d}`);
    const atom = parseAtom((await get(`${base}/feeds/sources/alpha.atom`)).body);
    expect(atom.link).toEqual(expect.arrayContaining([expect.objectContaining({ '@_rel': 'self', '@_href': `${publicUrl}/feeds/sources/alpha.atom` })]));
    const jf = JSON.parse((await get(`${base}/feeds/all.json`)).body) as Node;
    expect(jf.feed_url).toBe(`${publicUrl}/feeds/all.json`);
    expect(jf.items[2]._vigie.story_url).toBe(`${publicUrl}/stories/${a}`);

    // Without one, nothing links to Vigie's own pages.
    const plain = await serve();
    await seed(plain.store);
    for (const ext of ['xml', 'atom', 'json']) expect((await get(`${plain.base}/feeds/all.${ext}`)).body).not.toContain('/stories/');
  });

  it('conditional GET: 304 for the same ETag, 200 with a new one once a story is added or copied', async () => {
    const { base, store } = await serve();
    await seed(store);
    for (const path of ['/feeds/all.xml', '/feeds/all.atom', '/feeds/all.json', '/feeds/sources/beta.xml']) {
      const first = await get(`${base}${path}`);
      const etag = first.res.headers.get('etag')!;
      expect(etag, path).toMatch(/^"[\w-]+"$/);
      expect(first.res.headers.get('cache-control')).toBe('private, no-cache');
      const again = await get(`${base}${path}`, { 'if-none-match': etag });
      expect(again.status, path).toBe(304);
      expect(again.body).toBe('');
      expect(again.res.headers.get('etag')).toBe(etag);
      expect((await get(`${base}${path}`, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
      expect((await get(`${base}${path}`, { 'if-none-match': '"other"' })).status).toBe(200);
    }
    const before = (await get(`${base}/feeds/sources/beta.xml`)).res.headers.get('etag')!;
    // A new copy of beta's story on another source changes beta's feed (its "also at"), not only a new story.
    const shared = `${body(2)}\n\n${body(3)}`;
    await addStory(store, { source: 'alpha', slug: 'b-again', title: 'Frigate again', text: shared, at: at(50) });
    const changed = await get(`${base}/feeds/sources/beta.xml`, { 'if-none-match': before });
    expect(changed.status).toBe(200);
    expect(changed.body).toContain('https://alpha.example.org/a/b-again');
    expect(changed.res.headers.get('etag')).not.toBe(before);
  });

  it('with a token: 401 without it, 200 with ?token= (the feed itself, no redirect), 304 on a repeat', async () => {
    const { base, store } = await serve({ token: TOKEN });
    await seed(store);
    for (const path of ['/feeds/all.xml', '/feeds/all.atom', '/feeds/all.json', '/feeds/sources/alpha.xml', '/feeds/sources/alpha.atom', '/feeds/sources/alpha.json']) {
      expect((await get(`${base}${path}`)).status, path).toBe(401);
      expect((await get(`${base}${path}?token=wrong-${TOKEN}`)).status, path).toBe(401);
      const ok = await get(`${base}${path}?token=${TOKEN}`);
      expect(ok.status, path).toBe(200);
      expect(ok.type).toMatch(/^application\/(rss\+xml|atom\+xml|feed\+json); charset=utf-8$/);
      expect(ok.body.startsWith('<?xml') || ok.body.startsWith('{')).toBe(true);
      // The self link a reader keeps never carries the token.
      expect(ok.body).not.toContain(TOKEN);
      const repeat = await get(`${base}${path}?token=${TOKEN}`, { 'if-none-match': ok.res.headers.get('etag')! });
      expect(repeat.status, path).toBe(304);
      expect((await get(`${base}${path}`, { authorization: `Bearer ${TOKEN}` })).status, path).toBe(200);
    }
    expect((await get(`${base}/feeds/sources/gamma.xml?token=${TOKEN}`)).status).toBe(404);
    expect((await get(`${base}/feeds/sources/gamma.xml`)).status).toBe(401);
  });

  it('feedLinks gives the pages each feed\'s path, type and title', async () => {
    const { base, store } = await serve();
    await seed(store);
    expect(feedLinks().map((l) => [l.href, l.type])).toEqual([
      ['/feeds/all.xml', 'application/rss+xml'],
      ['/feeds/all.atom', 'application/atom+xml'],
      ['/feeds/all.json', 'application/feed+json'],
    ]);
    expect(feedLinks('beta').map((l) => l.title)).toEqual(['Vigie: beta (RSS)', 'Vigie: beta (Atom)', 'Vigie: beta (JSON Feed)']);
    for (const link of [...feedLinks(), ...feedLinks('alpha')]) {
      const res = await get(`${base}${link.href}`);
      expect(res.status, link.href).toBe(200);
      expect(res.type).toBe(`${link.type}; charset=utf-8`);
    }
  });
});

describe('the token in logs', () => {
  it('`vigie server` at the most verbose level writes no line holding the token, whatever feed is asked for', async () => {
    const BIN = resolve(import.meta.dirname, '../../bin/vigie.js');
    const { file } = tempConfig(cleanups, 'feeds-log', ['sources:', '  - { id: alpha, url: "https://alpha.example.org/news" }']);
    const child = spawn(process.execPath, [BIN, 'server', '--config', file], { env: { ...process.env, LOG_LEVEL: 'trace', VIGIE_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let exited = false;
    const closed = new Promise<void>((r) => child.on('close', () => r()));
    child.on('exit', () => (exited = true));
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await closed;
    });
    const base = await until('the server address', () => {
      if (exited) throw new Error(`vigie server exited before listening:\n${output}`);
      return /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*server listening/.exec(output)?.[1];
    }, 20_000);
    for (const path of ['/feeds/all.xml', '/feeds/all.atom', '/feeds/all.json', '/feeds/sources/alpha.xml', '/feeds/sources/nobody.json', '/feeds/nothing-here', '/']) {
      await (await fetch(`${base}${path}?token=${TOKEN}`)).arrayBuffer();
      await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).arrayBuffer();
    }
    expect((await fetch(`${base}/feeds/all.xml?token=${TOKEN}`)).status).toBe(200);
    child.kill('SIGTERM');
    await closed;
    // The capture works (the start-up lines are there) and holds no token.
    expect(output).toContain('server listening');
    expect(output).not.toContain(TOKEN);
  });
});

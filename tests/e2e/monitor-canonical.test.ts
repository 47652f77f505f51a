import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

const paragraphs = [
  'The navy commissioned its third offshore patrol vessel on Friday in a ceremony at the northern naval base, completing a programme started four years ago.',
  'The vessel carries a helicopter deck, a small boat for boarding teams and a sensor suite meant for fisheries protection and search and rescue far from the coast.',
  'Officials said the three ships would share one crew pool, so that two can stay at sea while the third is in maintenance, a pattern borrowed from allied fleets.',
  'The next step is a mid-life upgrade of the older corvettes, for which the ministry expects to publish a call for tenders early next year.',
];
const article = (canonical: string) => `<!doctype html><html lang="en"><head><title>Third patrol vessel commissioned | Harbour News</title>
<link rel="canonical" href="${canonical}"></head><body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>Third patrol vessel commissioned</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</article>
<footer>© Harbour News</footer></body></html>`;

let links = Array.from({ length: 5 }, (_, i) => `<li><a href="/news/${10 + i}-older-story-${i}/">Older story number ${i} about the fleet</a></li>`);
let server: Server | undefined;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  await new Promise((r) => server?.close(r));
});

describe('one article under two URLs', () => {
  it('reached through a short link and its canonical URL, it alerts once and is one story', async () => {
    server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      const path = req.url ?? '/';
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><main><h1>Harbour News</h1></main><h2>Latest News</h2><ul>${links.join('')}</ul></body></html>`);
      } else if (path === '/a?id=100' || path === '/news/100-third-patrol-vessel/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(article(`${base}/news/100-third-patrol-vessel/`));
      } else if (path.startsWith('/news/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(article(`${base}${path}`).replace('Third patrol vessel commissioned', `Story ${path}`));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    harness = await startHarness({ sources: [{ id: 'harbour', url, every: '1s' }] });
    const { store, receiver } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);

    links = [
      '<li><a href="/a?id=100">Third patrol vessel commissioned</a></li>',
      '<li><a href="/news/100-third-patrol-vessel/?utm_source=home">Navy commissions its third patrol ship</a></li>',
      ...links,
    ];
    await harness.until('both URLs read', async () => (await store.recentArticles()).length === 2 && (await store.recentArticles()).every((a) => a.storyId !== null), 20_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.received).toHaveLength(1);
    const [a, b] = await store.recentArticles();
    expect(a!.storyId).toBe(b!.storyId);
    expect(new Set((await store.recentArticles()).map((x) => x.canonicalUrl))).toEqual(new Set([`${url}news/100-third-patrol-vessel/`]));
  }, 40_000);
});

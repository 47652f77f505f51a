import { afterEach, describe, expect, it } from 'vitest';
import { startNewsSite, type NewsSite } from '../../src/demo/news-site.ts';
import { initialStories, toPublish } from '../fixtures/stories.ts';
import { crawlCount, startHarness, type Harness } from '../helpers/harness.ts';
import { listen, type Listening } from '../helpers/listen.ts';

/** A list page on 127.0.0.1 whose links are `links` (absolute, any host), under `#latest`. */
function listPage(links: Array<{ title: string; url: string }>): string {
  const items = links.map((l) => `<li><a href="${l.url}">${l.title}</a></li>`).join('');
  return `<!doctype html><html><head><title>Lister</title></head><body><h1>Lister</h1><ul id="latest">${items}</ul></body></html>`;
}

/** The secret server on 127.0.0.2, outside the allow-list: it must never see a request. */
async function secretServer(): Promise<Listening> {
  return listen('127.0.0.2', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>admin</h1><p>secret</p>'));
}

/** A lister on 127.0.0.1 serving `links` at `/` (filled in with its own article URLs) and an article at any other path. */
async function listerSite(count: number): Promise<{ server: Listening; links: Array<{ title: string; url: string }> }> {
  const links = Array.from({ length: count }, (_, i) => ({ title: `Local story number ${i + 1} about the fleet`, url: '' }));
  const server = await listen('127.0.0.1', (req, res) => {
    if (req.url === '/robots.txt') return res.writeHead(404).end();
    if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(listPage(links));
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><article><h1>Local</h1><p>${'Local text. '.repeat(40)}</p></article></body></html>`);
  });
  links.forEach((l, i) => (l.url = `${server.origin}/news/2024/05/${1000 + i}-local-story`));
  return { server, links };
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('private addresses, end to end (secret server on 127.0.0.2, only loopback 127.0.0.1 allowed)', () => {
  it('a list entry and a source on the secret server are refused with clear errors, and a healthy source alerts exactly once', async () => {
    const secret = await secretServer();
    closers.push(secret.close);
    const { server: lister, links } = await listerSite(4);
    closers.push(lister.close);
    const site: NewsSite = await startNewsSite({ template: 'reference', articles: initialStories });
    closers.push(() => site.close());

    const harness: Harness = await startHarness({
      sources: [
        { id: 'healthy', url: site.listUrl, every: '1s' },
        { id: 'lister', url: `${lister.origin}/`, every: '1s', latest: { selector: '#latest' } },
        { id: 'secret', url: `${secret.origin}/`, every: '1s' },
      ],
    });
    closers.push(() => harness.close());
    const { store, receiver } = harness;
    await harness.until('both baselines', async () => (await store.health()).filter((h) => h.baselineAt != null).length === 2);

    // The source on the secret server: a clear error naming the source, and the crawl is not retried.
    await harness.until('a failed crawl of the secret source', async () => (await crawlCount(store, 'secret')) >= 1);
    const [failed] = await store.recentCrawls({ sourceId: 'secret', limit: 1 });
    expect(failed!.outcome).toBe('failed');
    expect(failed!.error).toBe(
      `RefusedAddressError: sources[2] (secret): ${secret.origin}/ resolves to 127.0.0.2, a loopback address; allow it with network.allow`,
    );

    // New entries: one on the healthy site, and one on the lister that leads to the secret server.
    site.publish(toPublish[0]!);
    links.unshift({ title: 'Internal admin page that must never be fetched', url: `${secret.origin}/news/2024/05/9999-admin-page` });

    const got = await receiver.waitFor(2, 25_000);
    const bySource = new Map(got.map((r) => [r.payload!.data.source as string, r.payload!.data]));
    expect(bySource.get('healthy')!.entry.title).toBe(toPublish[0]!.title);
    expect(bySource.get('healthy')!.article.text).toContain(toPublish[0]!.paragraphs[0]!.slice(0, 50));
    // The refused entry still alerts, without its text; the article row says why.
    expect(bySource.get('lister')!.entry.url).toBe(`${secret.origin}/news/2024/05/9999-admin-page`);
    expect(bySource.get('lister')!.article).toBeNull();
    const refused = (await store.recentArticles({ limit: 10 })).find((a) => a.sourceId === 'lister');
    expect(refused!.error).toBe(
      `RefusedAddressError: ${secret.origin}/news/2024/05/9999-admin-page resolves to 127.0.0.2, a loopback address; allow it with network.allow`,
    );

    // More crawls of every source: nothing else alerts, and the secret server never saw a request.
    const seen = await crawlCount(store, 'healthy');
    await harness.until('three more crawls', async () => (await crawlCount(store, 'healthy')) >= seen + 3);
    expect(receiver.received).toHaveLength(2);
    expect(got.filter((r) => r.payload!.data.source === 'healthy')).toHaveLength(1);
    expect(secret.paths).toEqual([]);
  }, 60_000);
  it('a list entry whose host name resolves (through a test resolver) to an address that is not allowed is refused before any connection', async () => {
    const secret = await secretServer();
    closers.push(secret.close);
    const port = secret.port;
    const { server: lister, links } = await listerSite(3);
    closers.push(lister.close);
    // The test resolver: "intranet.test" resolves to the secret server's loopback address, outside the allow-list
    // (a guard that let it through would reach the secret server, never beyond this machine); other names as usual.
    const asked: string[] = [];
    const lookup = async (hostname: string) => {
      asked.push(hostname);
      if (hostname === 'intranet.test') return [{ address: '127.0.0.2', family: 4 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };

    const harness: Harness = await startHarness({
      sources: [{ id: 'lister', url: `${lister.origin}/`, every: '1s', latest: { selector: '#latest' } }],
      lookup,
    });
    closers.push(() => harness.close());
    const { store, receiver } = harness;
    await harness.until('the baseline', async () => (await store.health())[0]?.baselineAt != null);

    const leak = `http://intranet.test:${port}/news/2024/05/9999-intranet-page`;
    links.unshift({ title: 'Intranet page behind a public-looking name', url: leak });
    links.unshift({ title: 'Local story number 9 about the fleet', url: `${lister.origin}/news/2024/05/1009-local-story` });

    const got = await receiver.waitFor(2, 25_000);
    const byUrl = new Map(got.map((r) => [r.payload!.data.entry.url as string, r.payload!.data]));
    expect(byUrl.get(`${lister.origin}/news/2024/05/1009-local-story`)!.article.text).toContain('Local text.');
    expect(byUrl.get(leak)!.article).toBeNull();
    const refused = (await store.recentArticles({ limit: 10 })).find((a) => a.url === leak);
    expect(refused!.error).toBe(`RefusedAddressError: ${leak} resolves to 127.0.0.2, a loopback address; allow it with network.allow`);
    expect(asked).toContain('intranet.test');

    const seen = await crawlCount(store, 'lister');
    await harness.until('three more crawls', async () => (await crawlCount(store, 'lister')) >= seen + 3);
    expect(receiver.received).toHaveLength(2);
    expect(secret.paths).toEqual([]);
  }, 60_000);
});

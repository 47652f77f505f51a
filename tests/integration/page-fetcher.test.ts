import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fateOf, fetchPages, FetchFailedError, HttpStatusError, RobotsDisallowedError, RobotsPolicy, type Page, type PageResult } from '../../src/crawlers/index.ts';
import { decodeSniffed } from '../../src/extract/decode-html.ts';

const UA = 'Vigie/0.1 (+https://example.org/vigie; integration test)';
/** The test servers listen on 127.0.0.1, which is refused unless allowed. */
const LOOPBACK_ALLOWED = ['127.0.0.1/32'];

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}

interface TestServer {
  origin: string;
  seen: Seen[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function html(res: ServerResponse, body: Buffer | string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/html', ...headers });
  res.end(body);
}

function page(result: PageResult | undefined): Page {
  expect(result?.ok, result && !result.ok ? result.error.message : 'no result').toBe(true);
  return (result as { ok: true; page: Page }).page;
}

function failure(result: PageResult | undefined): Error {
  expect(result?.ok).toBe(false);
  return (result as { ok: false; error: Error }).error;
}

const pagesOnly = (seen: Seen[]): Seen[] => seen.filter((s) => s.path !== '/robots.txt');

/** Headers Crawlee's header generator adds to look like a browser; an honest client sends none of them. */
function expectHonestHeaders(headers: IncomingHttpHeaders): void {
  expect(headers['user-agent']).toBe(UA);
  const generated = Object.keys(headers).filter(
    (name) => name.startsWith('sec-') || name === 'upgrade-insecure-requests' || name === 'accept-language' || name === 'dnt',
  );
  expect(generated).toEqual([]);
}

const CP1252_PAGE = '<!doctype html><html><head><title>Éditoriaux</title></head><body><h1>Éditoriaux – « défense »</h1><p>Coût : 5 €</p></body></html>';

// Crawlee writes ./storage (relative to the working directory) when a crawler runs on the global Configuration.
let workDir = '';
let previousCwd = '';
beforeAll(() => {
  previousCwd = process.cwd();
  workDir = mkdtempSync(join(tmpdir(), 'vigie-fetcher-'));
  process.chdir(workDir);
});

afterAll(() => {
  process.chdir(previousCwd);
  rmSync(workDir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

describe('fetchPages: charsets', () => {
  it('decodes windows-1252 declared only in <meta>', async () => {
    const body = iconv.encode(CP1252_PAGE.replace('<head>', '<head><meta charset="windows-1252">'), 'windows-1252');
    const site = await serve((_req, res) => html(res, body));
    const [result] = await fetchPages([{ url: `${site.origin}/editoriaux` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED });
    const p = page(result);
    expect(p.charset).toBe('windows-1252');
    expect(p.html).toContain('<h1>Éditoriaux – « défense »</h1>');
    expect(p.html).toContain('Coût : 5 €');
    expect(p.html).not.toContain('\uFFFD');
    expect(p.bytes).toBe(body.length);
    // The bytes as fetched and the encoding chosen, for a reader on another thread to decode the same text.
    expect(Buffer.from(p.sniffed!.bytes).equals(body)).toBe(true);
    expect(decodeSniffed(p.sniffed!)).toBe(p.html);
  });

  it('decodes windows-1252 declared in the Content-Type header', async () => {
    const body = iconv.encode(CP1252_PAGE, 'windows-1252');
    const site = await serve((_req, res) => html(res, body, { 'content-type': 'text/html; charset=windows-1252' }));
    const p = page((await fetchPages([{ url: `${site.origin}/` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(p.charset).toBe('windows-1252');
    expect(p.html).toContain('Éditoriaux – « défense »');
    expect(p.html).not.toContain('\uFFFD');
  });

  it('decodes a UTF-8 page with a byte-order mark and strips the mark', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CP1252_PAGE, 'utf8')]);
    const site = await serve((_req, res) => html(res, body));
    const p = page((await fetchPages([{ url: `${site.origin}/` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(p.charset).toBe('utf-8');
    expect(p.html!.startsWith('<!doctype html>')).toBe(true);
    expect(p.html).toContain('Éditoriaux – « défense »');
  });
});

describe('fetchPages: compression', () => {
  it('decodes a gzip- or brotli-compressed windows-1252 page', async () => {
    const body = iconv.encode(CP1252_PAGE.replace('<head>', '<head><meta charset="windows-1252">'), 'windows-1252');
    const site = await serve((req, res) => {
      const accepted = String(req.headers['accept-encoding'] ?? '');
      if (req.url === '/br' && accepted.includes('br')) html(res, brotliCompressSync(body), { 'content-encoding': 'br' });
      else if (accepted.includes('gzip')) html(res, gzipSync(body), { 'content-encoding': 'gzip' });
      else html(res, body);
    });
    const [gz, br] = await fetchPages([{ url: `${site.origin}/gz` }, { url: `${site.origin}/br` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED });
    for (const p of [page(gz), page(br)]) {
      expect(p.html).toContain('<h1>Éditoriaux – « défense »</h1>');
      expect(p.charset).toBe('windows-1252');
    }
    expect(site.seen.map((s) => s.headers['accept-encoding'])).toEqual(['gzip, deflate, br', 'gzip, deflate, br']);
  });
});

describe('fetchPages: bodies', () => {
  it('returns a large body sent in many chunks byte for byte', async () => {
    const body = Buffer.from(`<html><body>${Array.from({ length: 40_000 }, (_, i) => `<p>paragraphe ${i} – défense</p>`).join('')}</body></html>`);
    const site = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      let at = 0;
      const next = (): void => {
        if (at >= body.length) return void res.end();
        res.write(body.subarray(at, (at += 16_384)));
        setTimeout(next, 1);
      };
      next();
    });
    const p = page((await fetchPages([{ url: `${site.origin}/big` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(p.bytes).toBe(body.length);
    expect(p.bodyHash).toBe(createHash('sha256').update(body).digest('hex'));
    expect(p.html).toBe(body.toString('utf8'));
  });
});

describe('fetchPages: re-checks of an unchanged page', () => {
  it('sends If-None-Match and reports a 304 as notModified with no html', async () => {
    const body = Buffer.from('<html><body><p>v1</p></body></html>');
    const site = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
        return;
      }
      html(res, body, { etag: '"v1"' });
    });
    const url = `${site.origin}/list`;
    const first = page((await fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(first.notModified).toBe(false);
    expect(first.etag).toBe('"v1"');
    expect(first.bodyHash).toMatch(/^[0-9a-f]{64}$/);

    const again = page((await fetchPages([{ url, etag: first.etag, bodyHash: first.bodyHash }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(site.seen[1]?.headers['if-none-match']).toBe('"v1"');
    expect(again.status).toBe(304);
    expect(again.notModified).toBe(true);
    expect(again.html).toBeNull();
    expect(again.etag).toBe('"v1"');
    expect(again.bodyHash).toBe(first.bodyHash);
  });

  it('sends If-Modified-Since and reports a 304 as notModified', async () => {
    const lastModified = 'Mon, 30 Nov 2026 08:00:00 GMT';
    const site = await serve((req, res) => {
      if (req.headers['if-modified-since'] === lastModified) {
        res.writeHead(304);
        res.end();
        return;
      }
      html(res, '<html><body>list</body></html>', { 'last-modified': lastModified });
    });
    const url = `${site.origin}/list`;
    const first = page((await fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(first.lastModified).toBe(lastModified);
    expect(site.seen[0]?.headers['if-modified-since']).toBeUndefined();

    const again = page((await fetchPages([{ url, lastModified: first.lastModified }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(site.seen[1]?.headers['if-modified-since']).toBe(lastModified);
    expect(again.notModified).toBe(true);
    expect(again.html).toBeNull();
    expect(again.lastModified).toBe(lastModified);
  });

  it('reports identical bytes with a known bodyHash as notModified, and changed bytes as modified', async () => {
    let version = 'v1';
    const site = await serve((_req, res) => html(res, `<html><body><p>${version}</p></body></html>`));
    const url = `${site.origin}/list`;
    const first = page((await fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);

    const same = page((await fetchPages([{ url, bodyHash: first.bodyHash }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(same.status).toBe(200);
    expect(same.notModified).toBe(true);
    expect(same.html).toBeNull();
    expect(same.bodyHash).toBe(first.bodyHash);

    version = 'v2';
    const changed = page((await fetchPages([{ url, bodyHash: first.bodyHash }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(changed.notModified).toBe(false);
    expect(changed.html).toContain('<p>v2</p>');
    expect(changed.bodyHash).not.toBe(first.bodyHash);
  });
});

describe('fetchPages: politeness', () => {
  it('sends our User-Agent and no generated browser headers, on pages and on robots.txt', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('User-agent: *\nAllow: /\n');
        return;
      }
      html(res, '<html><body>ok</body></html>');
    });
    const robots = new RobotsPolicy({ userAgent: UA, allowNetworks: LOOPBACK_ALLOWED });
    const results = await fetchPages([{ url: `${site.origin}/a` }, { url: `${site.origin}/b` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, robots });
    results.forEach((r) => page(r));
    const robotsRequests = site.seen.filter((s) => s.path === '/robots.txt');
    expect(robotsRequests).toHaveLength(1);
    expect(pagesOnly(site.seen).map((s) => s.path).sort()).toEqual(['/a', '/b']);
    for (const s of site.seen) expectHonestHeaders(s.headers);
  });

  it('refuses what robots.txt disallows, and fetches robots.txt once per origin across calls', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('User-agent: Vigie\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n');
        return;
      }
      html(res, '<html><body>ok</body></html>');
    });
    const robots = new RobotsPolicy({ userAgent: UA, allowNetworks: LOOPBACK_ALLOWED });
    const [open, closed] = await fetchPages([{ url: `${site.origin}/news` }, { url: `${site.origin}/private/x` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, robots });
    expect(page(open).status).toBe(200);
    const error = failure(closed);
    expect(error).toBeInstanceOf(RobotsDisallowedError);
    expect(fateOf(error)).toBe('give-up');

    const [later] = await fetchPages([{ url: `${site.origin}/private/y` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, robots });
    expect(failure(later)).toBeInstanceOf(RobotsDisallowedError);
    expect(site.seen.filter((s) => s.path === '/robots.txt')).toHaveLength(1);
    expect(pagesOnly(site.seen).map((s) => s.path)).toEqual(['/news']);
  });
});

describe('fetchPages: failures carry their fate', () => {
  it('maps 404 to give-up, 500 to retry and 429 with Retry-After to retry-later', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/missing') res.writeHead(404, { 'content-type': 'text/html' }).end('<p>not here</p>');
      else if (req.url === '/broken') res.writeHead(500, { 'content-type': 'text/html' }).end('<p>oops</p>');
      else res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '7' }).end('slow down');
    });
    const [missing, broken, limited] = await fetchPages(
      [{ url: `${site.origin}/missing` }, { url: `${site.origin}/broken` }, { url: `${site.origin}/limited` }],
      { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED },
    );
    const e404 = failure(missing);
    expect(e404).toBeInstanceOf(HttpStatusError);
    expect((e404 as HttpStatusError).status).toBe(404);
    expect(fateOf(e404)).toBe('give-up');

    const e500 = failure(broken);
    expect(e500).toBeInstanceOf(HttpStatusError);
    expect(fateOf(e500)).toBe('retry');

    const e429 = failure(limited) as HttpStatusError;
    expect(e429).toBeInstanceOf(HttpStatusError);
    expect(fateOf(e429)).toBe('retry-later');
    expect(e429.retryAfterMs).toBe(7000);
    // One request each: the crawl path never retries by itself, the job layer decides.
    expect(site.seen).toHaveLength(3);
  });

  it('gives up on a server that never answers within timeoutMs', async () => {
    const site = await serve(() => undefined);
    const started = performance.now();
    const [result] = await fetchPages([{ url: `${site.origin}/hang` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, timeoutMs: 1500 });
    const elapsed = performance.now() - started;
    const error = failure(result);
    expect(error).toBeInstanceOf(FetchFailedError);
    expect(fateOf(error)).toBe('retry');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(6000);
    expect(site.seen).toHaveLength(1);
  });

  it('counts the body in timeoutMs, and the next call with the same settings still gets its page', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/ok') return html(res, '<html><body>fine</body></html>');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><body>');
      const drip = setInterval(() => res.write('<p>still coming</p>'), 200);
      res.on('close', () => clearInterval(drip));
    });
    const started = performance.now();
    const [slow] = await fetchPages([{ url: `${site.origin}/drip` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, timeoutMs: 1500 });
    expect(failure(slow)).toBeInstanceOf(FetchFailedError);
    expect(performance.now() - started).toBeLessThan(4000);
    const [next] = await fetchPages([{ url: `${site.origin}/ok` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, timeoutMs: 1500 });
    expect(page(next).html).toContain('fine');
  });

  it('reports a reset connection as FetchFailedError after one attempt', async () => {
    // Crawlee reads ECONNRESET as a blocked proxy and silently rotates sessions up to ten times.
    let connections = 0;
    const server = createNetServer((socket) => {
      connections++;
      socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const [result] = await fetchPages([{ url: `http://127.0.0.1:${port}/reset` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, timeoutMs: 3000 });
      const error = failure(result);
      expect(error).toBeInstanceOf(FetchFailedError);
      expect(fateOf(error)).toBe('retry');
      // The cause, not Crawlee's "Detected a session error, rotating session..." wrapper.
      expect(error.message).toMatch(/failed: .*(ECONNRESET|socket hang up|other side closed)/i);
      expect(connections).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a refused connection as FetchFailedError', async () => {
    const site = await serve(() => undefined);
    await site.close();
    const started = performance.now();
    const [result] = await fetchPages([{ url: `${site.origin}/` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, timeoutMs: 3000 });
    expect(failure(result)).toBeInstanceOf(FetchFailedError);
    expect(failure(result).message).toBe(`fetching ${site.origin}/ failed: connect ECONNREFUSED ${new URL(site.origin).host}`);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('fetchPages: requests', () => {
  it('follows a redirect and reports the final URL', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/new?x=1' }).end();
      else html(res, '<html><body>moved here</body></html>');
    });
    const p = page((await fetchPages([{ url: `${site.origin}/old` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }))[0]);
    expect(p.url).toBe(`${site.origin}/old`);
    expect(p.finalUrl).toBe(`${site.origin}/new?x=1`);
    expect(p.html).toContain('moved here');
    for (const s of site.seen) expectHonestHeaders(s.headers);
  });

  it('returns results in request order, one per request, even for duplicate URLs', async () => {
    const site = await serve((req, res) => html(res, `<html><body>${req.url}</body></html>`));
    const urls = ['/c', '/a', '/c', '/b'].map((p) => ({ url: `${site.origin}${p}` }));
    const results = await fetchPages(urls, { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, concurrency: 3 });
    expect(results.map((r) => page(r).html)).toEqual(['/c', '/a', '/c', '/b'].map((p) => `<html><body>${p}</body></html>`));
  });

  it('serves two concurrent calls on the same URL, each with its page', async () => {
    const site = await serve((_req, res) => setTimeout(() => html(res, '<html><body>same</body></html>'), 50));
    const url = `${site.origin}/same`;
    const [a, b] = await Promise.all([fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED }), fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED })]);
    expect(page(a[0]).html).toContain('same');
    expect(page(b[0]).html).toContain('same');
    expect(site.seen).toHaveLength(2);
    // And again: nothing remembered from the previous calls makes the URL look already handled.
    const [c] = await fetchPages([{ url }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED });
    expect(page(c).html).toContain('same');
    expect(site.seen).toHaveLength(3);
  });
});

describe('fetchPages: render browser', () => {
  it('sees content written by script in Chromium', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/api/latest.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ title: 'Frégate livrée', url: '/a/fregate' }]));
        return;
      }
      html(
        res,
        `<!doctype html><html><head><meta charset="utf-8"><title>Scripted</title></head><body><ul id="latest"></ul>
<script>
fetch('/api/latest.json').then((r) => r.json()).then((items) => {
  document.getElementById('latest').innerHTML = items.map((i) => '<li><a href="' + i.url + '">' + i.title + '</a></li>').join('');
});
document.title = 'Écrit par script';
</script></body></html>`,
        { 'content-type': 'text/html; charset=utf-8' },
      );
    });
    // Chromium drops its sandbox only when asked and running as root, as these tests may.
    const [result] = await fetchPages([{ url: `${site.origin}/list` }], { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, render: 'browser', timeoutMs: 20_000, chromiumNoSandbox: process.getuid?.() === 0 });
    const p = page(result);
    expect(p.status).toBe(200);
    expect(p.html).toContain('<title>Écrit par script</title>');
    expect(p.html).toContain('<a href="/a/fregate">Frégate livrée</a>');
    expect(site.seen.find((s) => s.path === '/list')?.headers['user-agent']).toBe(UA);
  }, 60_000);
});

describe('fetchPages: no leftovers', () => {
  // Runs last: every call above, browser included, ran with this directory as the working directory.
  it('writes nothing to ./storage', () => {
    expect(existsSync(join(workDir, 'storage'))).toBe(false);
    expect(readdirSync(workDir)).toEqual([]);
  });
});

describe('stopIdleFetchers', () => {
  it('stops only crawlers with nothing to do: a request in flight finishes, and a later fetch starts a crawler again', async () => {
    const { stopIdleFetchers } = await import('../../src/crawlers/page-fetcher.ts');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const server = await serve((req, res) => {
      if (req.url === '/slow') void held.then(() => html(res, '<html><body><p>slow</p></body></html>'));
      else html(res, '<html><body><p>fast</p></body></html>');
    });
    const options = { userAgent: UA, allowNetworks: LOOPBACK_ALLOWED, timeoutMs: 10_000 };
    expect(page((await fetchPages([{ url: `${server.origin}/one` }], options))[0]).html).toContain('fast');

    const slow = fetchPages([{ url: `${server.origin}/slow` }], options);
    while (!server.seen.some((s) => s.path === '/slow')) await new Promise((r) => setTimeout(r, 10));
    // Busy: not stopped, and it does not wait for the request either.
    await stopIdleFetchers();
    release();
    expect(page((await slow)[0]).html).toContain('slow');

    await stopIdleFetchers();
    expect(page((await fetchPages([{ url: `${server.origin}/two` }], options))[0]).html).toContain('fast');
    await stopIdleFetchers();
    expect(server.seen.map((s) => s.path)).toEqual(['/one', '/slow', '/two']);
  }, 30_000);
});

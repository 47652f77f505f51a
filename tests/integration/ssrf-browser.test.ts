import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserFetcher } from '../../src/crawlers/browser-fetcher.ts';
import { RefusedAddressError } from '../../src/crawlers/refused-address-error.ts';
import { listen, type Listening } from '../helpers/listen.ts';

const UA = 'Vigie/0.1 (+https://example.org/vigie; ssrf browser test)';

let secret: Listening;
let open: Listening;
let browser: BrowserFetcher;

beforeAll(async () => {
  secret = await listen('127.0.0.2', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>secret</h1>'));
  open = await listen('127.0.0.1', (req, res) => {
    if (req.url === '/to-secret') return res.writeHead(302, { location: `${secret.origin}/admin` }).end();
    if (req.url === '/pixel.gif' || req.url === '/data.json') return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    // Sub-resources and a script's requests, to the secret server and to this one (which must still work).
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head><title>Open</title></head><body>
      <h1>Open page</h1><p id="out">waiting</p>
      <img src="${secret.origin}/pixel.gif"><img src="/pixel.gif">
      <iframe src="${secret.origin}/frame"></iframe>
      <script>
        Promise.all([
          fetch('${secret.origin}/api').then(() => 'reached', () => 'blocked'),
          fetch('/data.json').then((r) => r.text(), () => 'failed'),
        ]).then(([s, o]) => { document.getElementById('out').textContent = 'secret ' + s + ', own ' + o; });
      </script></body></html>`);
  });
  // Chromium drops its sandbox only when asked and running as root, as these tests may.
  browser = new BrowserFetcher({ userAgent: UA, timeoutMs: 15_000, settleMs: 2_000, allowNetworks: ['127.0.0.1/32'], noSandbox: process.getuid?.() === 0 });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await secret?.close();
  await open?.close();
});

describe('the browser path, with only 127.0.0.1/32 allowed', () => {
  it('renders an allowed page whose sub-resources and scripts on the secret server are refused', async () => {
    const result = await browser.fetch({ url: `${open.origin}/page` });
    expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
    const html = (result as { ok: true; page: { html: string } }).page.html;
    expect(html).toContain('secret blocked, own ok');
    expect(open.paths).toEqual(expect.arrayContaining(['GET /page', 'GET /pixel.gif', 'GET /data.json']));
    expect(secret.paths).toEqual([]);
  }, 60_000);

  it('refuses a navigation to the secret server, and one that redirects there', async () => {
    const direct = await browser.fetch({ url: `${secret.origin}/admin` });
    expect(direct.ok).toBe(false);
    const directError = (direct as { ok: false; error: Error }).error;
    expect(directError).toBeInstanceOf(RefusedAddressError);
    expect(directError.message).toBe(`${secret.origin}/admin resolves to 127.0.0.2, a loopback address; allow it with network.allow`);

    const redirected = await browser.fetch({ url: `${open.origin}/to-secret` });
    expect(redirected.ok).toBe(false);
    expect((redirected as { ok: false; error: Error }).error.message).toBe(
      `${open.origin}/to-secret redirects to 127.0.0.2, which resolves to 127.0.0.2, a loopback address; allow it with network.allow`,
    );
    expect(open.paths).toContain('GET /to-secret');
    expect(secret.paths).toEqual([]);
  }, 60_000);
});

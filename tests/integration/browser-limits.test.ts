import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserFetcher } from '../../src/crawlers/browser-fetcher.ts';

const UA = 'Vigie/0.1 (+https://example.org/vigie; browser limits test)';

let server: Server;
let origin: string;
let browser: BrowserFetcher;

beforeAll(async () => {
  server = createServer((req, res) => {
    // A small page whose script builds a DOM of about 3 MB: only the rendered size can catch it.
    const script = req.url === '/huge' ? `<script>document.body.insertAdjacentHTML('beforeend', '<p>filler text</p>'.repeat(200000));</script>` : '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body><h1>Page</h1>${script}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Chromium drops its sandbox only when asked and running as root, as these tests may.
  browser = new BrowserFetcher({ userAgent: UA, timeoutMs: 15_000, settleMs: 1_000, allowNetworks: ['127.0.0.1/32'], maxBodyBytes: 1024 * 1024, noSandbox: process.getuid?.() === 0 });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('the browser path under limits.maxBodyBytes', () => {
  it('refuses a rendered page larger than the limit, and still renders a small one', async () => {
    const huge = await browser.fetch({ url: `${origin}/huge` });
    expect(huge.ok).toBe(false);
    const error = (huge as { ok: false; error: Error }).error;
    expect(error.name).toBe('PageLimitError');
    expect(error.message).toBe(`${origin}/huge: rendered page larger than 1 MB (limits.maxBodyBytes)`);
    const small = await browser.fetch({ url: `${origin}/small` });
    expect(small.ok, small.ok ? '' : small.error.message).toBe(true);
  }, 60_000);
});

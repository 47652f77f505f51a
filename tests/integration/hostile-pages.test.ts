import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fateOf, fetchPages, RobotsPolicy, type PageResult } from '../../src/crawlers/index.ts';
import { startHostileSite, type HostileCase, type HostileSite } from '../helpers/hostile-site.ts';

const UA = 'Vigie/0.1 (+https://example.org/vigie; hostile pages test)';
/** Only 127.0.0.1: the "secret" server on 127.0.0.2 must never be reached. */
const ALLOW = ['127.0.0.1/32'];
const LIMITS = { maxBodyBytes: 1024 * 1024, maxRedirects: 5 };
const TIMEOUT_MS = 2_000;

let site: HostileSite;
let secret: Server;
let secretHits = 0;

beforeAll(async () => {
  secret = createServer((_req, res) => {
    secretHits++;
    res.end('secret');
  });
  await new Promise<void>((resolve) => secret.listen(0, '127.0.0.2', resolve));
  site = await startHostileSite({ forbiddenOrigin: `http://127.0.0.2:${(secret.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await site.close();
  secret.closeAllConnections();
  await new Promise((r) => secret.close(r));
});

async function fetchCase(name: HostileCase): Promise<{ result: PageResult; ms: number }> {
  const started = Date.now();
  const [result] = await fetchPages([{ url: site.url(name) }], { userAgent: UA, allowNetworks: ALLOW, limits: LIMITS, timeoutMs: TIMEOUT_MS });
  return { result: result!, ms: Date.now() - started };
}

function failure(result: PageResult): Error {
  expect(result.ok, result.ok ? `expected a failure, got a page of ${result.page.bytes} bytes` : '').toBe(false);
  return (result as { ok: false; error: Error }).error;
}

describe('hostile pages: each fails on its own limit with a clear error', () => {
  const cases: Array<[HostileCase, RegExp, string, 'give-up' | 'retry']> = [
    ['gzip-bomb', /body larger than 1 MB once decompressed; stopped reading there \(limits\.maxBodyBytes\)/, 'PageLimitError', 'give-up'],
    ['brotli-bomb', /body larger than 1 MB once decompressed; stopped reading there \(limits\.maxBodyBytes\)/, 'PageLimitError', 'give-up'],
    ['huge-body', /body larger than 1 MB once decompressed.*\(limits\.maxBodyBytes\)/, 'PageLimitError', 'give-up'],
    ['endless-stream', /body larger than 1 MB once decompressed.*\(limits\.maxBodyBytes\)/, 'PageLimitError', 'give-up'],
    ['redirect-loop', /redirect-loop: more than 5 redirects \(limits\.maxRedirects\)/, 'PageLimitError', 'give-up'],
    ['trickle', /timed out after 2000 ms/, 'FetchFailedError', 'retry'],
    ['redirect-to-loopback', /redirects to 127\.0\.0\.2, which resolves to 127\.0\.0\.2, a loopback address; allow it with network\.allow/, 'RefusedAddressError', 'give-up'],
    ['binary-as-html', /is not an HTML page: binary content \(byte 0x[0-9a-f]{2} in its first KB\) served as text\/html/, 'NotHtmlError', 'give-up'],
    ['empty', /answered HTTP 200 with an empty body/, 'EmptyPageError', 'retry'],
    ['text-plain', /is not an HTML page \(Content-Type: text\/plain; charset=utf-8\)/, 'NotHtmlError', 'give-up'],
    ['json', /is not an HTML page \(Content-Type: application\/json\)/, 'NotHtmlError', 'give-up'],
  ];
  for (const [name, message, errorName, fate] of cases) {
    it(`${name}: ${errorName}`, async () => {
      const { result, ms } = await fetchCase(name);
      const error = failure(result);
      expect(error.name).toBe(errorName);
      expect(error.message).toMatch(message);
      expect(error.message).toContain(site.url(name));
      expect(fateOf(error)).toBe(fate);
      // Every case ends within its limit: the timeout for the trickle, far less for the others.
      expect(ms).toBeLessThan(TIMEOUT_MS + 1_500);
    }, 15_000);
  }

  it('never reaches the secret server', () => {
    expect(secretHits).toBe(0);
  });

  it('an unknown charset label is read anyway, with a warning that names it', async () => {
    const { result } = await fetchCase('unknown-charset');
    expect(result.ok).toBe(true);
    const page = (result as { ok: true; page: { html: string; charset: string; warnings?: string[] } }).page;
    expect(page.html).toContain('charset-story');
    expect(page.warnings).toEqual([`unknown charset "x-klingon"; decoded as ${page.charset} instead`]);
  });
});

describe('robots.txt past limits.maxRobotsBytes', () => {
  it('reads only the first bytes, as RFC 9309 allows, and does not hang on a huge file', async () => {
    const big = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // A rule inside the limit, then 2 MB of comments, then a rule past it.
      res.write('User-agent: *\nDisallow: /early\n');
      for (let i = 0; i < 2048; i++) res.write(`# ${'x'.repeat(1020)}\n`);
      res.end('Disallow: /late\n');
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
    try {
      const robots = new RobotsPolicy({ userAgent: UA, allowNetworks: ALLOW, maxBytes: 500 * 1024 });
      expect(await robots.isAllowed(`${origin}/early/a`)).toBe(false);
      expect(await robots.isAllowed(`${origin}/late/a`)).toBe(true);
    } finally {
      big.closeAllConnections();
      await new Promise((r) => big.close(r));
    }
  });
});

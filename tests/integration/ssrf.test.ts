import { randomBytes } from 'node:crypto';
import { Agent, buildConnector, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, sendWebhook } from '../../src/alerts/index.ts';
import { fateOf, fetchPages, RobotsPolicy, type PageResult } from '../../src/crawlers/index.ts';
import { guardedConnector, type LookupAll } from '../../src/crawlers/guarded-agent.ts';
import { RefusedAddressError } from '../../src/crawlers/refused-address-error.ts';
import { listen, type Handler, type Listening } from '../helpers/listen.ts';

const UA = 'Vigie/0.1 (+https://example.org/vigie; ssrf test)';
/** Only the open server's address: the secret one, on 127.0.0.2, is loopback outside the allow-list. */
const ALLOW = ['127.0.0.1/32'];


const page = '<!doctype html><html><head><title>Open</title></head><body><h1>Open page</h1><p>Public text.</p></body></html>';
let secret: Listening;
let open: Listening;

beforeAll(async () => {
  secret = await listen('127.0.0.2', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>secret admin page</h1>'));
  open = await listen('127.0.0.1', (req, res) => {
    if (req.url === '/robots.txt') return res.writeHead(302, { location: `${secret.origin}/robots.txt` }).end();
    if (req.url === '/to-secret') return res.writeHead(302, { location: `${secret.origin}/admin` }).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
});
afterAll(async () => {
  await secret?.close();
  await open?.close();
});

function refusal(result: PageResult | undefined): RefusedAddressError {
  expect(result?.ok, 'the fetch should have been refused').toBe(false);
  const error = (result as { ok: false; error: Error }).error;
  expect(error, error.message).toBeInstanceOf(RefusedAddressError);
  return error as RefusedAddressError;
}

describe('the secret server on 127.0.0.2, with only 127.0.0.1/32 allowed', () => {
  it('is not fetched when it is the URL itself', async () => {
    const [result] = await fetchPages([{ url: `${secret.origin}/admin` }], { userAgent: UA, timeoutMs: 5_000, allowNetworks: ALLOW });
    const error = refusal(result);
    expect(error.message).toBe(`${secret.origin}/admin resolves to 127.0.0.2, a loopback address; allow it with network.allow`);
    expect(fateOf(error)).toBe('give-up');
    expect(secret.paths).toEqual([]);
  });

  it('is not fetched through a redirect from an allowed host', async () => {
    const [result] = await fetchPages([{ url: `${open.origin}/to-secret` }], { userAgent: UA, timeoutMs: 5_000, allowNetworks: ALLOW });
    expect(refusal(result).message).toBe(
      `${open.origin}/to-secret redirects to 127.0.0.2, which resolves to 127.0.0.2, a loopback address; allow it with network.allow`,
    );
    expect(open.paths).toContain('GET /to-secret');
    expect(secret.paths).toEqual([]);
  });

  it('is not fetched through robots.txt, and the allowed page still is', async () => {
    const robots = new RobotsPolicy({ userAgent: UA, allowNetworks: ALLOW });
    const [result] = await fetchPages([{ url: `${open.origin}/news` }], { userAgent: UA, timeoutMs: 5_000, allowNetworks: ALLOW, robots });
    expect(result?.ok, result && !result.ok ? result.error.message : '').toBe(true);
    expect(open.paths).toContain('GET /robots.txt');
    expect(open.paths).toContain('GET /news');
    expect(secret.paths).toEqual([]);
  });

  it('receives no webhook: the delivery gives up with a clear error', async () => {
    const key = `whsec_${randomBytes(24).toString('base64')}`;
    const sent = sendWebhook({ url: `${secret.origin}/hook`, secret: key, msgId: 'msg_1', body: '{}', allowNetworks: ALLOW });
    const error = (await sent.catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.fate).toBe('give-up');
    expect(error.message).toBe(`POST ${secret.origin}: 127.0.0.2 resolves to 127.0.0.2, a loopback address; allow it with network.allow`);
    expect(secret.paths).toEqual([]);
  });

  it('is fetched once allowed, so the tests above can fail', async () => {
    const [result] = await fetchPages([{ url: `${secret.origin}/allowed` }], { userAgent: UA, timeoutMs: 5_000, allowNetworks: [...ALLOW, '127.0.0.2/32'] });
    expect(result?.ok, result && !result.ok ? result.error.message : '').toBe(true);
    expect(secret.paths).toEqual(['GET /allowed']);
    secret.paths.length = 0;
  });
});

describe('the connect-time check, with a test resolver', () => {
  /** A resolver that says `intranet.test` is at `address`. */
  const resolver =
    (address: string): LookupAll =>
    async (hostname) => {
      expect(hostname).toBe('intranet.test');
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
  const neverConnect: buildConnector.connector = () => {
    throw new Error('a socket was opened for a refused address');
  };

  it.each([
    ['10.0.0.5', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['::ffff:10.0.0.5', 'a private address'],
    ['::ffff:7f00:2', 'a loopback address'],
    ['100.64.3.4', 'a carrier-grade NAT address'],
    ['fd00::5', 'a unique-local address'],
  ])('refuses intranet.test at %s before any socket opens', async (address, kind) => {
    const agent = new Agent({ connect: guardedConnector({ allow: ALLOW, lookup: resolver(address), connect: neverConnect }) });
    try {
      const error = await request('http://intranet.test:8080/admin', { dispatcher: agent }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(RefusedAddressError);
      expect(error!.message).toBe(`intranet.test resolves to ${address}, ${kind}; allow it with network.allow`);
    } finally {
      await agent.close();
    }
  });

  it('connects to the address it judged, under the host name it was asked for', async () => {
    const connects: Array<{ hostname: string; host?: string }> = [];
    const real = buildConnector({});
    const connect: buildConnector.connector = (opts, cb) => (connects.push({ hostname: opts.hostname, host: opts.host }), real(opts, cb));
    const agent = new Agent({ connect: guardedConnector({ allow: ALLOW, lookup: async () => [{ address: '127.0.0.1', family: 4 }], connect }) });
    try {
      const res = await request(`http://intranet.test:${open.port}/page`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      await res.body.text();
      expect(connects).toEqual([{ hostname: '127.0.0.1', host: `intranet.test:${open.port}` }]);
      expect(open.paths).toContain('GET /page');
    } finally {
      await agent.close();
    }
  });

  it('takes the first allowed address of a name that has several', async () => {
    const connects: string[] = [];
    const real = buildConnector({});
    const connect: buildConnector.connector = (opts, cb) => (connects.push(opts.hostname), real(opts, cb));
    const both: LookupAll = async () => [
      { address: '10.0.0.5', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const agent = new Agent({ connect: guardedConnector({ allow: ALLOW, lookup: both, connect }) });
    try {
      const res = await request(`http://intranet.test:${open.port}/two`, { dispatcher: agent });
      await res.body.text();
      expect(connects).toEqual(['127.0.0.1']);
    } finally {
      await agent.close();
    }
  });
});

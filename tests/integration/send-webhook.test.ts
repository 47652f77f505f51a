import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError, sendWebhook, verifyWebhook } from '../../src/alerts/index.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ type: 'article.new', timestamp: '2026-12-01T08:00:00.000Z', data: { source: 'a' } });

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real receiver on loopback; `respond` answers each request. */
async function receiver(respond: (res: ServerResponse, req: Received) => void): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      got.push(r);
      respond(res, r);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** The DeliveryError a send must throw; fails the test when it resolves. */
async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => {
      throw new Error('the send resolved, but it should have failed');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

const send = (url: string, extra: Partial<Parameters<typeof sendWebhook>[0]> = {}) => sendWebhook({ url, secret, msgId: 'msg_test1', body, allowNetworks: ['127.0.0.1/32'], ...extra });

describe('sendWebhook against real local servers', () => {
  it('a 2xx is delivered: the exact body, JSON, signed', async () => {
    const r = await receiver((res) => res.writeHead(204).end());
    const result = await send(r.url, { userAgent: 'Vigie-Test/1' });
    expect(result.status).toBe(204);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.got).toHaveLength(1);
    const [got] = r.got;
    expect(got!.method).toBe('POST');
    expect(got!.body).toBe(body);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['user-agent']).toBe('Vigie-Test/1');
    expect(got!.headers['webhook-id']).toBe('msg_test1');
    expect(verifyWebhook(secret, got!.body, got!.headers as Record<string, string>)).toEqual(JSON.parse(body));
  });

  it('a 500 is a retry', async () => {
    const r = await receiver((res) => res.writeHead(500).end('boom'));
    const err = await failure(send(r.url));
    expect([err.fate, err.status]).toEqual(['retry', 500]);
  });

  it('a 429 with Retry-After: 7 is retry-later in 7000 ms', async () => {
    const r = await receiver((res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const err = await failure(send(r.url));
    expect([err.fate, err.status, err.retryAfterMs]).toEqual(['retry-later', 429, 7000]);
  });

  it('a 410 gives up', async () => {
    const r = await receiver((res) => res.writeHead(410).end());
    const err = await failure(send(r.url));
    expect([err.fate, err.status]).toEqual(['give-up', 410]);
  });

  it('a 302 is not followed and is not delivered', async () => {
    const target = await receiver((res) => res.writeHead(200).end());
    const r = await receiver((res) => res.writeHead(302, { location: target.url }).end());
    const err = await failure(send(r.url));
    expect(err.status).toBe(302);
    expect(err.fate).toBe('retry');
    expect(err.message).toMatch(/redirect/);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.got).toHaveLength(1);
    expect(target.got).toHaveLength(0);
  });

  it('a receiver that never answers is a retry after timeoutMs', async () => {
    const r = await receiver(() => undefined);
    const started = Date.now();
    const err = await failure(send(r.url, { timeoutMs: 500 }));
    const elapsed = Date.now() - started;
    expect(err.fate).toBe('retry');
    expect(err.status).toBeNull();
    expect(err.message).toMatch(/500 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1500);
  });

  it('a refused connection is a retry', async () => {
    const r = await receiver((res) => res.end());
    const url = r.url;
    const server = servers.pop()!;
    await new Promise((res) => server.close(res));
    const err = await failure(send(url));
    expect(err.fate).toBe('retry');
    expect(err.status).toBeNull();
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('two attempts carry the same webhook-id; each attempt is signed for its own timestamp', async () => {
    const r = await receiver((res) => res.writeHead(200).end());
    await send(r.url, { msgId: 'msg_same', now: new Date(Date.now() - 10_000) });
    await send(r.url, { msgId: 'msg_same', now: new Date() });
    const [a, b] = r.got;
    expect(a!.headers['webhook-id']).toBe('msg_same');
    expect(b!.headers['webhook-id']).toBe('msg_same');
    expect(Number(b!.headers['webhook-timestamp'])).toBeGreaterThan(Number(a!.headers['webhook-timestamp']));
    for (const got of r.got) expect(verifyWebhook(secret, got.body, got.headers as Record<string, string>)).toEqual(JSON.parse(body));
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createRedisConnection, QUEUE_NAMES, redisAnswers, VigieQueues } from '../../src/jobs/index.ts';
import { createServer } from '../../src/server/create-server.ts';
import { SqliteStore } from '../../src/store/index.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = '2026-12-01T08:00:00.000Z';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Running {
  base: string;
  app: FastifyInstance;
  store: SqliteStore;
  config: Config;
}

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** createServer with a real store and real queues, listening where the config says (port 0). */
async function serve(options: { token?: string; redisOk?: () => Promise<boolean> } = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-server-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({
    env: {},
    cwd: dir,
    object: {
      redis: REDIS_URL,
      queuePrefix: `vigie-test-${randomBytes(6).toString('hex')}`,
      server: { port: 0, ...(options.token ? { token: options.token } : {}) },
      sources: [
        { id: 'alpha', url: 'https://alpha.example.org/news' },
        { id: 'beta', url: 'https://beta.example.org/news' },
      ],
      webhooks: [{ url: 'https://hooks.example.org/vigie', secret: SECRET }],
    },
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  const connection: Redis = createRedisConnection(config.redis);
  cleanups.push(() => connection.disconnect());
  const queues = new VigieQueues(connection, config);
  cleanups.push(async () => {
    for (const q of queues.all) await q.obliterate({ force: true });
    await queues.close();
  });
  const app = await createServer({ config, store, queues, redisOk: options.redisOk ?? (() => redisAnswers(config.redis)) });
  const base = await app.listen({ host: config.server.host, port: config.server.port });
  cleanups.push(() => app.close());
  return { base, app, store, config };
}

/** A source with a crawl, a new entry with its article, and one delivery with two attempts. */
function seed(store: SqliteStore, config: Config): void {
  store.syncSources(config.sources, NOW);
  store.recordEntries('alpha', [{ title: 'Old', url: 'https://alpha.example.org/a/0', urlKey: 'alpha.example.org/a/0' }], NOW);
  const [entry] = store.recordEntries('alpha', [{ title: 'New one', url: 'https://alpha.example.org/a/1', urlKey: 'alpha.example.org/a/1' }], NOW).added;
  store.recordCrawl({ sourceId: 'alpha', at: NOW, durationMs: 40, status: 200, outcome: 'changed', entriesFound: 2, entriesNew: 1, error: null }, 3);
  store.recordCrawl({ sourceId: 'beta', at: NOW, durationMs: 15, status: 500, outcome: 'failed', entriesFound: 0, entriesNew: 0, error: 'HTTP 500' }, 3);
  store.saveArticle(
    entry!.id,
    { url: entry!.url, title: 'New one', text: 'Body.', html: '<p>Body.</p>', lang: 'en', publishedAt: null, byline: null, canonicalUrl: null },
    null,
    NOW,
  );
  const created = store.createEvent({ type: 'article.new', dedupeKey: 'e1', sourceId: 'alpha', storyId: null, payload: { type: 'article.new' }, webhooks: config.webhooks }, NOW)!;
  const id = created.deliveries[0]!.id;
  store.recordAttempt({ deliveryId: id, at: NOW, status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 9 });
  store.recordAttempt({ deliveryId: id, at: NOW, status: 204, outcome: 'delivered', error: null, durationMs: 7 });
}

describe('the HTTP server', () => {
  it('binds to 127.0.0.1 by default', async () => {
    const { app, config } = await serve();
    expect(config.server.host).toBe('127.0.0.1');
    expect((app.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('/health: 200 with Redis and the store ok, and each source with its last crawl', async () => {
    const { base, store, config } = await serve();
    seed(store, config);
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; redis: string; store: string; sources: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ ok: true, redis: 'ok', store: 'ok' });
    expect(body.sources).toEqual([
      expect.objectContaining({ id: 'alpha', degraded: false, lastCrawlAt: NOW, lastOkAt: NOW, consecutiveFailures: 0, lastCrawl: { at: NOW, outcome: 'changed', status: 200, error: null } }),
      expect.objectContaining({ id: 'beta', lastOkAt: null, consecutiveFailures: 1, lastCrawl: { at: NOW, outcome: 'failed', status: 500, error: 'HTTP 500' } }),
    ]);
  });

  it('/health: 503 when Redis does not answer', async () => {
    const down = `redis://127.0.0.1:${await closedPort()}`;
    const { base } = await serve({ redisOk: () => redisAnswers(down, 300) });
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, redis: 'unreachable', store: 'ok' });
  });

  it('/health: 503 naming the store when the store fails', async () => {
    const { base, store } = await serve();
    store.close();
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, redis: 'ok', store: 'error' });
  });

  it('/queues: bull-board lists the three Vigie queues', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/queues/api/queues`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUE_NAMES).sort());
    expect((await fetch(`${base}/queues`)).status).toBe(200);
  });

  it('/api/articles and /api/deliveries', async () => {
    const { base, store, config } = await serve();
    seed(store, config);
    const articles = (await (await fetch(`${base}/api/articles`)).json()) as Array<Record<string, unknown>>;
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ sourceId: 'alpha', url: 'https://alpha.example.org/a/1', title: 'New one', text: 'Body.', lang: 'en', fetchedAt: NOW, error: null, alsoAt: [] });
    expect(articles[0]).not.toHaveProperty('html');

    const deliveries = (await (await fetch(`${base}/api/deliveries`)).json()) as Array<Record<string, unknown>>;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ webhookId: config.webhooks[0]!.id, url: 'https://hooks.example.org/vigie', state: 'delivered', attempts: 2, lastStatus: 204 });
    expect(deliveries[0]!.msgId).toMatch(/^msg_/);
    expect((deliveries[0]!.attemptLog as Array<Record<string, unknown>>).map((a) => [a.status, a.outcome])).toEqual([
      [500, 'retry'],
      [204, 'delivered'],
    ]);
    expect(((await (await fetch(`${base}/api/deliveries?limit=0`)).json()) as unknown[]).length).toBe(1);
  });

  it('with a token, /api and /queues need it; /health stays open', async () => {
    const token = 'tok-' + randomBytes(12).toString('hex');
    const { base } = await serve({ token });
    for (const path of ['/api/articles', '/api/deliveries', '/api/sources', '/queues/api/queues', '/']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { authorization: 'Bearer wrong-token' } })).status, path).toBe(401);
    }
    expect((await fetch(`${base}/api/articles`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base}/api/deliveries`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base}/queues/api/queues`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/health?verbose=1`)).status).toBe(200);
  });

  it('with a token, a browser that opened ?token= once can use the dashboard, bull-board and its API calls', async () => {
    const token = 'tok-' + randomBytes(12).toString('hex');
    const { base } = await serve({ token });
    const first = await fetch(`${base}/?token=${token}`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const jar = cookie.split(';')[0]!;
    // bull-board's page calls its API without the query string: the cookie carries the token.
    expect((await fetch(`${base}/queues/api/queues`, { headers: { cookie: jar } })).status).toBe(200);
    expect((await fetch(`${base}/api/articles`, { headers: { cookie: `other=1; ${jar}` } })).status).toBe(200);
    expect((await fetch(`${base}/queues/api/queues`, { headers: { cookie: 'vigie_token=wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).headers.get('set-cookie')).toBeNull();
  });
});

import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import { HostGate, LagHistogram, QUEUE_NAMES, redisAnswers, syncSchedules, VigieQueues } from '../../src/jobs/index.ts';
import { createServer } from '../../src/server/create-server.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = '2026-12-01T08:00:00.000Z';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Running {
  base: string;
  app: FastifyInstance;
  store: SqliteStore;
  config: Config;
  gate: HostGate;
  lag: LagHistogram;
  queues: VigieQueues;
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
async function serve(options: { token?: string; redisOk?: () => Promise<boolean>; config?: Record<string, unknown> } = {}): Promise<Running> {
  const config = tempDirConfig(cleanups, 'server', {
    server: { port: 0, ...(options.token ? { token: options.token } : {}) },
    sources: [
      { id: 'alpha', url: 'https://alpha.example.org/news' },
      { id: 'beta', url: 'https://beta.example.org/news' },
    ],
    webhooks: [{ url: 'https://hooks.example.org/vigie', secret: SECRET }],
    ...options.config,
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  const { connection, queues } = testQueues(cleanups, config);
  const gate = new HostGate(connection, { prefix: config.queuePrefix });
  const lag = new LagHistogram(connection, config.queuePrefix);
  cleanups.push(async () => {
    const keys = await connection.keys(`${config.queuePrefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
  });
  // The sources' schedulers, as the scheduler beside a running server keeps them.
  await syncSchedules(queues, config);
  const app = await createServer({ config, store, queues, gate, lag, redisOk: options.redisOk ?? (() => redisAnswers(config.redis)) });
  const base = await app.listen({ host: config.server.host, port: config.server.port });
  cleanups.push(() => app.close());
  return { base, app, store, config, gate, lag, queues };
}

/** A source with a crawl, a new entry with its article, and one delivery with two attempts. */
async function seed(store: Store, config: Config): Promise<void> {
  await store.syncSources(config.sources, NOW);
  await store.recordEntries('alpha', [{ title: 'Old', url: 'https://alpha.example.org/a/0', urlKey: 'alpha.example.org/a/0' }], NOW);
  const [entry] = (await store.recordEntries('alpha', [{ title: 'New one', url: 'https://alpha.example.org/a/1', urlKey: 'alpha.example.org/a/1' }], NOW)).added;
  await store.recordCrawl({ sourceId: 'alpha', at: NOW, durationMs: 40, status: 200, outcome: 'changed', entriesFound: 2, entriesNew: 1, error: null }, 3);
  await store.recordCrawl({ sourceId: 'beta', at: NOW, durationMs: 15, status: 500, outcome: 'failed', entriesFound: 0, entriesNew: 0, error: 'HTTP 500' }, 3);
  await store.saveArticle(
    entry!.id,
    { url: entry!.url, title: 'New one', text: 'Body.', html: '<p>Body.</p>', lang: 'en', publishedAt: null, byline: null, canonicalUrl: null },
    null,
    NOW,
  );
  const created = (await store.createEvent({ type: 'article.new', dedupeKey: 'e1', sourceId: 'alpha', storyId: null, payload: { type: 'article.new' }, webhooks: config.webhooks }, NOW))!;
  const id = created.deliveries[0]!.id;
  await store.recordAttempt({ deliveryId: id, at: NOW, status: 500, outcome: 'retry', error: 'HTTP 500', durationMs: 9 });
  await store.recordAttempt({ deliveryId: id, at: NOW, status: 204, outcome: 'delivered', error: null, durationMs: 7 });
}

describe('the HTTP server', () => {
  it('binds to 127.0.0.1 by default', async () => {
    const { app, config } = await serve();
    expect(config.server.host).toBe('127.0.0.1');
    expect((app.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('/health: 200 with Redis and the store ok, and each source with its last crawl', async () => {
    const { base, store, config } = await serve();
    await seed(store, config);
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; redis: string; store: string; sources: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ ok: true, redis: 'ok', store: 'ok' });
    expect(body.sources).toEqual([
      expect.objectContaining({ id: 'alpha', degraded: false, lastCrawlAt: NOW, lastOkAt: NOW, consecutiveFailures: 0, lastCrawl: { at: NOW, outcome: 'changed', status: 200, error: null } }),
      expect.objectContaining({ id: 'beta', lastOkAt: null, consecutiveFailures: 1, lastCrawl: { at: NOW, outcome: 'failed', status: 500, error: 'HTTP 500' } }),
    ]);
  });

  it('/health: 503 naming the sources whose schedulers Redis lost, 200 again once they are back', async () => {
    const { base, queues, config } = await serve();
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ ok: true, schedules: 'ok', missingSchedules: [] });
    await queues.crawl.removeJobScheduler('source-beta');
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, redis: 'ok', store: 'ok', schedules: 'missing', missingSchedules: ['beta'] });
    await syncSchedules(queues, config);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('/health: a source whose last crawl is more than 3 periods old is late', async () => {
    const { base, store, config } = await serve({
      config: {
        sources: [
          { id: 'fresh', url: 'https://fresh.example.org/', every: '5m' },
          { id: 'stale', url: 'https://stale.example.org/', every: '5m' },
          { id: 'hourly', url: 'https://hourly.example.org/', cron: '0 * * * *' },
          { id: 'never', url: 'https://never.example.org/', every: '5m' },
        ],
      },
    });
    await store.syncSources(config.sources, NOW);
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const crawl = (sourceId: string, at: string) =>
      store.recordCrawl({ sourceId, at, durationMs: 10, status: 200, outcome: 'unchanged', entriesFound: 1, entriesNew: 0, error: null }, 3);
    await crawl('fresh', ago(14 * 60_000));
    await crawl('stale', ago(16 * 60_000));
    await crawl('hourly', ago(2 * 3_600_000));
    const res = await fetch(`${base}/health`);
    // Late is reported, not an outage: the answer stays 200.
    expect(res.status).toBe(200);
    const body = (await res.json()) as { late: string[]; sources: Array<{ id: string; late: boolean; periodMs: number }> };
    expect(body.late).toEqual(['stale']);
    expect(body.sources.map((s) => [s.id, s.late, s.periodMs])).toEqual([
      ['fresh', false, 300_000],
      ['hourly', false, 3_600_000],
      ['never', false, 300_000],
      ['stale', true, 300_000],
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
    await store.close();
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
    await seed(store, config);
    const articles = (await (await fetch(`${base}/api/articles`)).json()) as Array<Record<string, unknown>>;
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ sourceId: 'alpha', url: 'https://alpha.example.org/a/1', title: 'New one', text: 'Body.', lang: 'en', fetchedAt: NOW, error: null, alsoAt: [] });
    expect(articles[0]).not.toHaveProperty('html');

    const deliveries = (await (await fetch(`${base}/api/deliveries`)).json()) as Array<Record<string, unknown>>;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ webhookId: config.webhooks[0]!.id, url: 'https://hooks.example.org', state: 'delivered', attempts: 2, lastStatus: 204 });
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

  it('shows load: schedule lag per source, jobs waiting per host and a host over capacity, in /api, /metrics and on /', async () => {
    const sources = Array.from({ length: 12 }, (_, i) => ({ id: `sec-${i}`, url: `https://busy.example.org/section/${i}`, every: '5s' }));
    const { base, store, config, gate, lag } = await serve({ config: { sources: [...sources, { id: 'calm', url: 'https://calm.example.org/', every: '15m' }] } });
    await store.syncSources(config.sources, NOW);
    for (const ms of [40, 900, 2_000, 6_500]) {
      await store.recordCrawl({ sourceId: 'sec-0', at: NOW, durationMs: 5, lagMs: ms, status: 200, outcome: 'unchanged', entriesFound: 3, entriesNew: 0, error: null }, 3);
      await lag.observe('sec-0', ms);
    }
    const asked = Date.now() - 3_000;
    expect((await gate.admit({ url: 'https://busy.example.org/a', ticket: 't0', owner: 'j0', lane: 'article', askedAt: asked, intervalMs: 60_000 })).kind).toBe('go');
    await gate.admit({ url: 'https://busy.example.org/b', ticket: 't1', owner: 'j1', lane: 'article', askedAt: asked, intervalMs: 60_000 });
    await gate.admit({ url: 'https://busy.example.org/c', ticket: 't2', owner: 'j2', lane: 'crawl', askedAt: asked + 1, intervalMs: 60_000 });

    const hosts = (await (await fetch(`${base}/api/hosts`)).json()) as Array<Record<string, unknown>>;
    const busy = hosts.find((h) => h.host === 'busy.example.org')!;
    expect(busy).toMatchObject({ overCapacity: true, waiting: 2, allowedPerSecond: 1, crawledEveryMs: 12_000 });
    expect(busy.demandPerSecond).toBeCloseTo(2.4, 5);
    expect(busy.summary).toBe('12 sources every 5s need 2.4 req/s; busy.example.org allows 1 req/s: each is crawled about every 12 s');
    expect(busy.oldestWaitMs as number).toBeGreaterThanOrEqual(3_000);
    expect(hosts.find((h) => h.host === 'calm.example.org')).toMatchObject({ overCapacity: false, waiting: 0, oldestWaitMs: null });

    const api = (await (await fetch(`${base}/api/sources`)).json()) as Array<{ id: string; lag: Record<string, unknown> }>;
    expect(api.find((s) => s.id === 'sec-0')!.lag).toEqual({ crawls: 4, p50Ms: 900, p95Ms: 6_500, maxMs: 6_500 });
    expect(api.find((s) => s.id === 'calm')!.lag).toEqual({ crawls: 0, p50Ms: null, p95Ms: null, maxMs: null });

    const metrics = (await (await fetch(`${base}/metrics`)).text()).split('\n');
    expect(metrics).toContain('# TYPE vigie_schedule_lag_seconds histogram');
    expect(metrics).toContain('vigie_schedule_lag_seconds_bucket{source="sec-0",le="0.1"} 1');
    expect(metrics).toContain('vigie_schedule_lag_seconds_bucket{source="sec-0",le="1"} 2');
    expect(metrics).toContain('vigie_schedule_lag_seconds_bucket{source="sec-0",le="5"} 3');
    expect(metrics).toContain('vigie_schedule_lag_seconds_bucket{source="sec-0",le="+Inf"} 4');
    expect(metrics).toContain('vigie_schedule_lag_seconds_count{source="sec-0"} 4');
    expect(metrics.find((l) => l.startsWith('vigie_schedule_lag_seconds_sum{source="sec-0"}'))).toMatch(/ 9\.44$/);
    expect(metrics).toContain('vigie_host_waiting_jobs{host="busy.example.org"} 2');
    expect(metrics).toContain('vigie_host_over_capacity{host="busy.example.org"} 1');
    expect(metrics).toContain('vigie_host_over_capacity{host="calm.example.org"} 0');

    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('over capacity: 12 sources every 5s need 2.4 req/s; busy.example.org allows 1 req/s: each is crawled about every 12 s');
    expect(page).toMatch(/<tr data-source-id="sec-0">.*?<td data-field="lag" class="num">900 ms \/ 6\.5 s<\/td>/);
  });

  it("says whether each source's template is learned, and from how many pages, in /api/sources and on /", async () => {
    const { base, store, config } = await serve();
    await store.syncSources(config.sources, NOW);
    await store.saveTemplate('alpha', { version: 1, pages: 2.7, seen: 3, blocks: {}, recent: [] }, NOW);
    await store.saveTemplate('beta', { version: 1, pages: 1, seen: 1, blocks: {}, recent: [] }, NOW);
    const api = (await (await fetch(`${base}/api/sources`)).json()) as Array<{ id: string; template: unknown }>;
    expect(api.map((s) => [s.id, s.template])).toEqual([
      ['alpha', { learned: true, pages: 3 }],
      ['beta', { learned: false, pages: 1 }],
    ]);
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toMatch(/<tr data-source-id="alpha">.*?template learned from 3 pages</);
    expect(page).toMatch(/<tr data-source-id="beta">.*?template learning: 1 page</);
  });
});

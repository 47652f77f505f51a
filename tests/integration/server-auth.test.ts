import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Worker, type Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import { createRedisConnection, QUEUE_NAMES, VigieQueues } from '../../src/jobs/index.ts';
import { createServer } from '../../src/server/create-server.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { fillPath, serverRoutes } from '../helpers/server-routes.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const READS = new Set(['GET', 'HEAD']);

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Running {
  base: string;
  port: number;
  app: FastifyInstance;
  config: Config;
  queues: VigieQueues;
  connection: Redis;
}

async function serve(server: Record<string, unknown> = {}): Promise<Running> {
  const config = tempDirConfig(cleanups, 'auth', {
    server: { port: 0, ...server },
    sources: [{ id: 'alpha', url: 'https://alpha.example.org/news' }],
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  const { connection, queues } = testQueues(cleanups, config);
  const app = await createServer({ config, store, queues, redisOk: async () => true });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  return { base, port: (app.server.address() as { port: number }).port, app, config, queues, connection };
}

/** In each queue: a scheduler, a waiting, a delayed, a completed and a failed job, so every action has something to act on. */
async function fill(r: Running): Promise<void> {
  for (const q of r.queues.all) {
    await q.add('done', { n: 1 }, { jobId: 'c1' });
    await q.add('broken', { n: 2 }, { jobId: 'f1', attempts: 1 });
    await runOnce(q, r);
    // After the worker: a scheduler's first job is due at once.
    await q.upsertJobScheduler('sched-alpha', { every: 3_600_000 }, { name: 'tick', data: { sourceId: 'alpha' } });
    await q.add('waiting', { n: 3 }, { jobId: 'w1' });
    await q.add('later', { n: 4 }, { jobId: 'd1', delay: 3_600_000 });
  }
}

/** Processes c1 (completes) and f1 (fails) with a short-lived worker. */
async function runOnce(q: Queue, r: Running): Promise<void> {
  const connection = createRedisConnection(r.config.redis);
  const worker = new Worker(q.name, async (job) => {
    if (job.id === 'f1') throw new Error('boom');
  }, { connection, prefix: r.config.queuePrefix });
  const deadline = Date.now() + 10_000;
  const done = async () => {
    const c = await q.getJobCounts('completed', 'failed');
    return (c.completed ?? 0) >= 1 && (c.failed ?? 0) >= 1;
  };
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${q.name}: c1 and f1 were not processed`);
    await new Promise((res) => setTimeout(res, 50));
  }
  await worker.close();
  connection.disconnect();
}

/** Everything an action could change, per queue. */
async function snapshot(r: Running) {
  return Promise.all(
    r.queues.all.map(async (q) => ({
      name: q.name,
      paused: await q.isPaused(),
      counts: await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'),
      schedulers: (await q.getJobSchedulers()).map((s) => s.key).sort(),
      jobs: await Promise.all(['c1', 'f1', 'w1', 'd1'].map(async (id) => {
        const job = await q.getJob(id);
        return job && { id, state: await job.getState(), data: job.data, priority: job.priority, delay: job.delay };
      })),
    })),
  );
}

const BODIES: Record<string, unknown> = {
  add: { name: 'injected', data: { sourceId: 'alpha' } },
  'update-data': { data: { sourceId: 'evil' } },
  delay: { delay: 1 },
  priority: { priority: 5 },
  concurrency: { concurrency: 1 },
  'rate-limit': { expireTimeMs: 60_000 },
};

function bodyFor(path: string): string {
  const last = path.split('/').pop()!;
  return JSON.stringify(BODIES[last] ?? BODIES[path.includes('job-schedulers') ? 'update-data' : ''] ?? { every: 1000 });
}

/** A raw request with the Host header we choose (fetch does not let a caller set it). */
function rawGet(port: number, path: string, host: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers: host === null ? {} : { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server access: no token', () => {
  it('refuses every bull-board action (clean, retry, promote, remove, obliterate, pause, resume, schedulers, …) and changes nothing', async () => {
    const r = await serve();
    await fill(r);
    const before = await snapshot(r);
    const writes = serverRoutes(r.app).flatMap((route) => route.methods.filter((m) => !READS.has(m)).map((method) => ({ method, path: route.path })));
    // The ones the issue names must be among the routes found, or the parsing of the route tree broke.
    const names = writes.map((w) => `${w.method} ${w.path}`);
    for (const action of ['/clean/:queueStatus', '/:jobId/clean', '/retry/:queueStatus', '/:jobId/retry', '/promote', '/:jobId/promote', '/obliterate', '/:queueName/pause', '/:queueName/resume', '/api/queues/pause', '/api/queues/resume', '/empty', '/add', '/job-schedulers/:schedulerId/remove', '/job-schedulers/:schedulerId/run']) {
      expect(names.some((n) => n.endsWith(action)), action).toBe(true);
    }
    const refused: string[] = [];
    for (const { method, path } of writes) {
      for (const queueName of Object.values(QUEUE_NAMES)) {
        for (const [jobId, queueStatus] of [['f1', 'failed'], ['d1', 'delayed'], ['c1', 'completed'], ['w1', 'wait']]) {
          const url = `${r.base}${fillPath(path, { queueName, jobId: jobId!, queueStatus: queueStatus!, schedulerId: 'sched-alpha' })}`;
          const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: bodyFor(path) });
          await res.arrayBuffer();
          expect(res.status, `${method} ${url}`).toBe(403);
          refused.push(`${method} ${path}`);
        }
      }
    }
    expect(new Set(refused).size).toBe(writes.length);
    expect(await snapshot(r)).toEqual(before);
  });

  it("bull-board itself is in readOnlyMode: its API says so for every queue (its buttons are hidden)", async () => {
    const r = await serve();
    const body = (await (await fetch(`${r.base}/queues/api/queues`)).json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(body.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual(Object.values(QUEUE_NAMES).sort().map((n) => [n, true]));
  });

  it('reads stay open on loopback without a token', async () => {
    const r = await serve();
    for (const path of ['/', '/api/sources', '/api/deliveries', '/queues', '/queues/api/queues', '/metrics']) {
      expect((await fetch(`${r.base}${path}`)).status, path).toBe(200);
    }
    // /health answers (503 here: these sources have no schedulers in Redis), it is not refused.
    const health = await fetch(`${r.base}/health`);
    expect([200, 503], '/health').toContain(health.status);
    expect(await health.json()).toHaveProperty('ok');
  });
});

describe('server access: with a token', () => {
  it('every route but /health, with every method, needs the token; with it, bull-board actions work', async () => {
    const token = 'tok-' + randomBytes(12).toString('hex');
    const r = await serve({ token });
    await fill(r);
    const routes = serverRoutes(r.app);
    expect(routes.length).toBeGreaterThan(40);
    for (const { path, methods } of routes) {
      const url = `${r.base}${fillPath(path, { queueName: QUEUE_NAMES.article, jobId: 'f1', queueStatus: 'failed', schedulerId: 'sched-alpha', id: '1' })}`;
      for (const method of methods) {
        const body = READS.has(method) ? undefined : bodyFor(path);
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        const open = path === '/health';
        const auths: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-123' }, { cookie: 'vigie_token=wrong-token-123' }];
        for (const auth of auths) {
          const res = await fetch(url, { method, headers: { ...headers, ...auth }, body });
          await res.arrayBuffer();
          // /health answers, 200 or 503 (no schedulers in this test's Redis prefix): never 401.
          if (open) expect([200, 503], `${method} ${url}`).toContain(res.status);
          else expect(res.status, `${method} ${url} ${JSON.stringify(auth)}`).toBe(401);
        }
      }
    }
    expect(await r.queues.article.isPaused()).toBe(false);
    // With the token, an operator can act: retry the failed job.
    const res = await fetch(`${r.base}/queues/api/queues/${QUEUE_NAMES.article}/f1/retry`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
    expect(await (await r.queues.article.getJob('f1'))!.getState()).not.toBe('failed');
  });

  it('bull-board is not read-only with a token', async () => {
    const token = 'tok-' + randomBytes(12).toString('hex');
    const r = await serve({ token });
    const body = (await (await fetch(`${r.base}/queues/api/queues`, { headers: { authorization: `Bearer ${token}` } })).json()) as { queues: Array<{ readOnlyMode: boolean }> };
    expect(body.queues.map((q) => q.readOnlyMode)).toEqual([false, false, false]);
  });
});

describe('server bind', () => {
  it('refuses to be built for a bind beyond loopback without a token, and says so', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'vigie.example.org']) {
      await expect(serve({ host }), host).rejects.toThrow(`server.host is ${host}, beyond loopback, and no token is set`);
    }
  });

  it('accepts a loopback bind without a token, and any bind with one', async () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) await expect(serve({ host })).resolves.toBeTruthy();
    // Built, not listened on: a test binds nothing beyond loopback.
    await expect(serve({ host: '0.0.0.0', token: 'tok-' + randomBytes(12).toString('hex') })).resolves.toBeTruthy();
  });
});

describe('Host check on loopback (DNS rebinding)', () => {
  it('answers localhost, 127.0.0.1 and [::1] with its port, and refuses any other Host, /health included', async () => {
    const r = await serve();
    for (const host of [`localhost:${r.port}`, `127.0.0.1:${r.port}`, `[::1]:${r.port}`, `LOCALHOST:${r.port}`]) {
      expect(await rawGet(r.port, '/api/sources', host), host).toBe(200);
    }
    for (const host of [`evil.example:${r.port}`, `127.0.0.1.nip.io:${r.port}`, `localhost:${r.port + 1}`, 'localhost', `attacker.example`, `localhost:${r.port}@evil.example`]) {
      for (const path of ['/api/sources', '/health', '/queues/api/queues', '/']) expect(await rawGet(r.port, path, host), `${host} ${path}`).toBe(403);
    }
    expect(await rawGet(r.port, '/api/sources', null)).not.toBe(200);
  });

  it('refuses a foreign Host with a token too, even with the right token', async () => {
    const token = 'tok-' + randomBytes(12).toString('hex');
    const r = await serve({ token });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: r.port, path: '/api/sources', setHost: false, headers: { host: `rebound.example:${r.port}`, authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

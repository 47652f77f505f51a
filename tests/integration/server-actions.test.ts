// The dashboard's actions (crawl now, replay a delivery, pause or resume a webhook): POSTs that need the CSRF token
// and a same-origin Origin/Referer, are logged with who asked (never the token), and go back to their page.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import type { Logger } from '../../src/config/logger.ts';
import { redisAnswers, VigieQueues } from '../../src/jobs/index.ts';
import { safeBack } from '../../src/server/actions.ts';
import { createServer } from '../../src/server/create-server.ts';
import { csrfToken } from '../../src/server/csrf.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const HOOK_URL = `https://hooks.example.org/services/${randomBytes(6).toString('hex')}`;
const NOW = '2026-12-01T08:00:00.000Z';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger keeping every line (with its bindings), to read what the server logged. */
function capturingLogger(lines: LogLine[], bindings: object = {}): Logger {
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => lines.push({ level, obj: { ...bindings, ...obj }, msg });
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: (more) => capturingLogger(lines, { ...bindings, ...more }) };
}

interface Running {
  base: string;
  host: string;
  app: FastifyInstance;
  store: SqliteStore;
  config: Config;
  queues: VigieQueues;
  logs: LogLine[];
  token: string | undefined;
  csrf: string | null;
}

async function serve(options: { token?: string | null } = {}): Promise<Running> {
  const token = options.token === null ? undefined : (options.token ?? randomBytes(16).toString('hex'));
  const config = tempDirConfig(cleanups, 'actions', {
    server: { port: 0, ...(token ? { token } : {}) },
    sources: [
      { id: 'alpha', url: 'https://alpha.example.org/news' },
      { id: 'beta', url: 'https://beta.example.org/news' },
    ],
    webhooks: [{ url: HOOK_URL, secret: SECRET }],
  });
  const store = new SqliteStore({ path: join(config.storage, 'vigie.db') });
  cleanups.push(() => store.close());
  await store.syncSources(config.sources, NOW);
  const { connection, queues } = testQueues(cleanups, config);
  const logs: LogLine[] = [];
  const app = await createServer({ config, store, queues, redisOk: () => redisAnswers(config.redis), log: capturingLogger(logs) });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  return { base, host: new URL(base).host, app, store, config, queues, logs, token, csrf: csrfToken(config) };
}

/** A form POST as a browser sends it from a dashboard page (token as the cookie, no redirect followed). */
function post(r: Running, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${r.base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(r.token ? { cookie: `vigie_token=${r.token}` } : {}),
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

async function waitingCrawls(queues: VigieQueues): Promise<Array<{ id: string; sourceId: string }>> {
  const jobs = await queues.crawl.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.map((j) => ({ id: j.id!, sourceId: (j.data as { sourceId: string }).sourceId }));
}

/** An event (of story 7) with one delivery to the webhook, delivered already; returns the delivery. */
async function deliveredOnce(r: Running, storyId: number | null = 7) {
  const created = await r.store.createEvent({ type: 'article.new', dedupeKey: `k-${randomBytes(4).toString('hex')}`, sourceId: 'alpha', storyId, payload: {}, webhooks: r.config.webhooks }, NOW);
  const delivery = created!.deliveries[0]!;
  await r.store.recordAttempt({ deliveryId: delivery.id, at: NOW, status: 204, outcome: 'delivered', error: null, durationMs: 5 });
  return delivery;
}

/** Every logged line as text: for asserting what must never be in a log. */
const logText = (r: Running) => JSON.stringify(r.logs);

describe('dashboard actions', () => {
  it('crawl now: queues a crawl of the source, logs who asked, and goes back to the page with ?done=', async () => {
    const r = await serve();
    expect(r.csrf).toMatch(/^[0-9a-f]{64}$/);
    const res = await post(r, '/sources/alpha/crawl', { _csrf: r.csrf!, back: '/sources/alpha?tab=crawls#crawls' }, { origin: r.base, referer: `${r.base}/sources/alpha` });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sources/alpha?tab=crawls&done=crawl-queued#crawls');
    const jobs = await waitingCrawls(r.queues);
    expect(jobs).toEqual([{ id: expect.stringMatching(/^crawl-alpha-now-\d+$/), sourceId: 'alpha' }]);

    const line = r.logs.find((l) => l.level === 'info' && l.obj.action === 'crawl-now');
    expect(line).toMatchObject({ obj: { component: 'actions', sourceId: 'alpha', by: '127.0.0.1' }, msg: expect.stringContaining('crawl of alpha queued') });
    expect(logText(r)).not.toContain(r.token!);
    expect(logText(r)).not.toContain(r.csrf!);

    // Without `back`: the source's page. A JSON client gets JSON.
    const again = await post(r, '/sources/beta/crawl', { _csrf: r.csrf! });
    expect(again.headers.get('location')).toBe('/sources/beta?done=crawl-queued');
    const json = await post(r, '/sources/beta/crawl', { _csrf: r.csrf! }, { accept: 'application/json' });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ ok: true, done: 'crawl-queued', sourceId: 'beta' });
    expect((await waitingCrawls(r.queues)).filter((j) => j.sourceId === 'beta').length).toBeGreaterThanOrEqual(1);
  });

  it('replay: the delivery goes back to pending with a new window, a replay job is queued, and the story page is the way back', async () => {
    const r = await serve();
    const delivery = await deliveredOnce(r);
    expect((await r.store.deliveries({ eventId: delivery.eventId }))[0]!.state).toBe('delivered');

    const res = await post(r, `/deliveries/${delivery.id}/replay`, { _csrf: r.csrf! }, { origin: r.base });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/stories/7?done=replay-queued');
    const [row] = await r.store.deliveries({ eventId: delivery.eventId });
    expect(row).toMatchObject({ id: delivery.id, state: 'pending' });
    expect(Date.parse(row!.windowStart)).toBeGreaterThan(Date.parse(NOW));
    const jobs = await r.queues.delivery.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
    expect(jobs.map((j) => [j.id, (j.data as { deliveryId: number }).deliveryId])).toEqual([[expect.stringMatching(/-replay-\d+$/), delivery.id]]);

    const line = r.logs.find((l) => l.obj.action === 'replay');
    expect(line).toMatchObject({ level: 'info', obj: { deliveryId: delivery.id, endpoint: 'https://hooks.example.org', by: '127.0.0.1' } });
    // The webhook URL is a secret too: its endpoint only.
    expect(logText(r)).not.toContain(HOOK_URL);
    expect(logText(r)).not.toContain(r.token!);

    // JSON clients get the row's new state and the job.
    const json = await post(r, `/deliveries/${delivery.id}/replay`, { _csrf: r.csrf! }, { accept: 'application/json' });
    expect(await json.json()).toEqual({ ok: true, done: 'replay-queued', deliveryId: delivery.id, state: 'pending', job: expect.stringMatching(/-replay-\d+$/) });
  });

  it('pause and resume change the paused webhooks in the store, for configured webhooks only', async () => {
    const r = await serve();
    const id = r.config.webhooks[0]!.id;
    const paused = await post(r, `/webhooks/${id}/pause`, { _csrf: r.csrf!, back: '/stories/3' });
    expect(paused.status).toBe(303);
    expect(paused.headers.get('location')).toBe('/stories/3?done=webhook-paused');
    expect(await r.store.pausedWebhooks()).toEqual(new Set([id]));
    const resumed = await post(r, `/webhooks/${id}/resume`, { _csrf: r.csrf! });
    expect(resumed.headers.get('location')).toBe('/?done=webhook-resumed');
    expect(await r.store.pausedWebhooks()).toEqual(new Set());
    expect(r.logs.filter((l) => l.level === 'info').map((l) => l.obj.action)).toEqual(['webhook-pause', 'webhook-resume']);
    expect(r.logs.find((l) => l.obj.action === 'webhook-pause')!.msg).toContain('https://hooks.example.org');
    expect(logText(r)).not.toContain(HOOK_URL);
  });

  it('refuses with 403, and does nothing, without the CSRF token, with a wrong one, or from another origin', async () => {
    const r = await serve();
    const delivery = await deliveredOnce(r);
    const hook = r.config.webhooks[0]!.id;
    const attempts: Array<[string, Record<string, string>, Record<string, string>, RegExp]> = [
      ['/sources/alpha/crawl', {}, {}, /missing CSRF token/],
      ['/sources/alpha/crawl', { _csrf: '' }, {}, /wrong CSRF token/],
      ['/sources/alpha/crawl', { _csrf: r.csrf!.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }, {}, /wrong CSRF token/],
      // The server token itself is not the CSRF token.
      ['/sources/alpha/crawl', { _csrf: r.token! }, {}, /wrong CSRF token/],
      ['/sources/alpha/crawl', { _csrf: r.csrf! }, { origin: 'https://evil.example' }, /origin https:\/\/evil\.example refused/],
      ['/sources/alpha/crawl', { _csrf: r.csrf! }, { origin: 'null' }, /origin/],
      ['/sources/alpha/crawl', { _csrf: r.csrf! }, { referer: 'http://127.0.0.1.evil.example/page' }, /referer/],
      // Same host name, another port: another origin.
      ['/sources/alpha/crawl', { _csrf: r.csrf! }, { origin: 'http://127.0.0.1:1' }, /origin/],
      ['/sources/alpha/crawl', { _csrf: r.csrf! }, { origin: r.base, referer: 'https://evil.example/' }, /referer/],
      [`/deliveries/${delivery.id}/replay`, {}, {}, /missing CSRF token/],
      [`/webhooks/${hook}/pause`, { _csrf: 'x' }, {}, /wrong CSRF token/],
      [`/webhooks/${hook}/pause`, { _csrf: r.csrf! }, { origin: 'https://evil.example' }, /refused/],
    ];
    for (const [path, fields, headers, message] of attempts) {
      const res = await post(r, path, fields, headers);
      expect(res.status, `${path} ${JSON.stringify(headers)} ${JSON.stringify(fields)}`).toBe(403);
      expect(await res.text()).toMatch(message);
    }
    expect(await waitingCrawls(r.queues)).toEqual([]);
    expect((await r.store.deliveries({ eventId: delivery.eventId }))[0]!.state).toBe('delivered');
    expect(await r.queues.delivery.getJobCounts()).toMatchObject({ waiting: 0 });
    expect(await r.store.pausedWebhooks()).toEqual(new Set());
    // Refusals are logged as warnings, never with what was sent.
    expect(r.logs.filter((l) => l.level === 'warn')).toHaveLength(attempts.length);
    expect(r.logs.filter((l) => l.level === 'info')).toHaveLength(0);
    expect(logText(r)).not.toContain(r.token!);
    expect(logText(r)).not.toContain(r.csrf!);

    // The token in an x-csrf-token header does (for scripts), and JSON errors for JSON clients.
    const byHeader = await post(r, '/sources/alpha/crawl', {}, { 'x-csrf-token': r.csrf!, accept: 'application/json' });
    expect(byHeader.status).toBe(200);
    const refused = await post(r, '/sources/alpha/crawl', {}, { accept: 'application/json' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/missing CSRF token/) });
  });

  it('without a server token every action is refused (read-only) and nothing changes', async () => {
    const r = await serve({ token: null });
    expect(r.csrf).toBeNull();
    const delivery = await deliveredOnce(r);
    for (const path of ['/sources/alpha/crawl', `/deliveries/${delivery.id}/replay`, `/webhooks/${r.config.webhooks[0]!.id}/pause`]) {
      const res = await post(r, path, { _csrf: 'anything' }, { origin: r.base });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toMatch(/read-only/);
    }
    expect(await waitingCrawls(r.queues)).toEqual([]);
    expect((await r.store.deliveries({ eventId: delivery.eventId }))[0]!.state).toBe('delivered');
    expect(await r.store.pausedWebhooks()).toEqual(new Set());
  });

  it('with a token, a POST without it is refused before the CSRF check (401)', async () => {
    const r = await serve();
    const res = await fetch(`${r.base}/sources/alpha/crawl`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${r.csrf}` });
    expect(res.status).toBe(401);
    expect(await waitingCrawls(r.queues)).toEqual([]);
  });

  it('unknown sources, deliveries and webhooks give 404, and change nothing', async () => {
    const r = await serve();
    for (const path of ['/sources/nope/crawl', '/deliveries/99999/replay', '/deliveries/abc/replay', '/deliveries/0/replay', '/deliveries/1e3/replay', '/webhooks/wh_nope/pause', '/webhooks/wh_nope/resume']) {
      const res = await post(r, path, { _csrf: r.csrf! });
      expect(res.status, path).toBe(404);
    }
    expect(await waitingCrawls(r.queues)).toEqual([]);
    expect(await r.store.pausedWebhooks()).toEqual(new Set());
    expect(r.logs.filter((l) => l.level === 'info')).toEqual([]);
  });

  it('goes back only to a path on this server: any other `back` falls back to the default page', async () => {
    const r = await serve();
    for (const back of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/ok\r\nSet-Cookie: x=1', '']) {
      const res = await post(r, '/sources/alpha/crawl', { _csrf: r.csrf!, back });
      expect(res.headers.get('location'), JSON.stringify(back)).toBe('/sources/alpha?done=crawl-queued');
    }
    // An earlier ?done= is replaced, not repeated.
    const res = await post(r, '/sources/alpha/crawl', { _csrf: r.csrf!, back: '/sources/alpha?done=webhook-paused&page=2' });
    expect(res.headers.get('location')).toBe('/sources/alpha?done=crawl-queued&page=2');
    expect(safeBack('/stories/1?x=1')).toBe('/stories/1?x=1');
    expect(safeBack('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
    expect(safeBack('/\tevil')).toBeNull();
  });
});

import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { HostGate, LagHistogram, VigieQueues } from '../jobs/index.ts';
import type { VigieMetrics } from '../jobs/vigie-metrics.ts';
import type { Store } from '../store/index.ts';
import { storyLanguages } from '../alerts/index.ts';
import { registerActions } from './actions.ts';
import { bindProblem } from './bind-problem.ts';
import { registerDashboard } from './dashboard-routes.ts';
import { registerEvents } from './events-routes.ts';
import { registerFeeds } from './feed-routes.ts';
import { healthReport } from './health-report.ts';
import { isLoopbackHost, loopbackHostHeaderOk } from './loopback-host.ts';
import { registerMetrics } from './metrics-routes.ts';
import { serverContext } from './server-context.ts';

export interface ServerDeps {
  config: Config;
  store: Store;
  queues: VigieQueues;
  /** True when Redis answers; reported by /health. */
  redisOk: () => Promise<boolean>;
  /** The per-host lines, for load figures. Default: none (hosts show their configured load only). */
  gate?: HostGate | null;
  /** Schedule lag counted by the workers, for /metrics. Default: none. */
  lag?: LagHistogram | null;
  /** This process's metrics registry, which its workers observe into, for /metrics. Default: one of the server's own. */
  metrics?: VigieMetrics | null;
  /** Where actions (crawl now, replay, pause) and live-update troubles are logged. Default: JSON lines on stderr. */
  log?: Logger;
}

const OPEN_ROUTES = new Set(['/health']);
const TOKEN_COOKIE = 'vigie_token';

/**
 * The HTTP side: bull-board at /queues, /health, a small dashboard at /, and read-only JSON under /api. Without a
 * token it refuses to be built for a bind beyond loopback, and it answers reads only (bull-board included).
 */
export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, store, queues } = deps;
  const problem = bindProblem(config.server);
  if (problem) throw new Error(problem);
  const app = Fastify({ logger: false });

  // On loopback the only callers are this machine's programs and browser pages; a page of another site reaching
  // 127.0.0.1 through a rebound DNS name still sends its own name as Host.
  if (isLoopbackHost(config.server.host)) {
    app.addHook('onRequest', async (req, reply) => {
      if (!loopbackHostHeaderOk(req.headers.host, req.socket.localPort)) {
        return reply.code(403).send({ error: `Host "${req.headers.host ?? ''}" refused: this server answers to localhost, 127.0.0.1 or [::1] with its port only` });
      }
    });
  }

  const token = config.server.token;
  if (!token) {
    // bull-board's readOnlyMode hides its buttons and refuses its per-queue actions; this refuses every other write
    // too (pause/resume all), whatever a bull-board version does.
    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return reply.code(403).send({ error: 'read-only: set VIGIE_TOKEN to act on the queues' });
      }
    });
  } else {
    app.addHook('onRequest', async (req, reply) => {
      if (OPEN_ROUTES.has(req.url.split('?')[0]!)) return;
      const fromQuery = new URL(req.url, 'http://x').searchParams.get('token');
      const given = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? fromQuery ?? cookieValue(req.headers.cookie, TOKEN_COOKIE);
      if (!sameToken(given, token)) return reply.code(401).send({ error: 'missing or wrong token (VIGIE_TOKEN)' });
      // A browser cannot add a header to bull-board's own asset and API requests: after one ?token= visit, a
      // cookie carries the token for them.
      if (fromQuery !== null && sameToken(fromQuery, token)) reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    });
  }

  const board = new FastifyAdapter();
  board.setBasePath('/queues');
  createBullBoard({ queues: queues.all.map((q) => new BullMQAdapter(q, { readOnlyMode: !token })), serverAdapter: board });
  await app.register(board.registerPlugin() as never, { prefix: '/queues' });

  app.get('/health', async (_req, reply) => {
    const { status, body } = await healthReport(deps);
    return reply.code(status).send(body);
  });

  const ctx = serverContext(deps);
  app.get('/api/queues', ctx.queueCounts);
  app.get('/api/sources', async () => ctx.sourcesNow());
  app.get('/api/hosts', ctx.hosts);
  app.get<{ Querystring: { source?: string; limit?: string } }>('/api/entries', async (req) =>
    store.recentEntries({ sourceId: req.query.source, limit: clampLimit(req.query.limit) }),
  );
  app.get<{ Querystring: { limit?: string } }>('/api/articles', async (req) =>
    Promise.all(
      (await store.recentArticles({ limit: clampLimit(req.query.limit) })).map(async (a) => ({
        ...a,
        html: undefined,
        alsoAt: a.storyId ? (await store.storyCopies(a.storyId)).filter((c) => c.articleId !== a.id) : [],
      })),
    ),
  );
  app.get<{ Params: { id: string } }>('/api/stories/:id', async (req, reply) => {
    const copies = await store.storyCopies(Number(req.params.id));
    if (copies.length === 0) return reply.code(404).send({ error: `no story ${req.params.id}` });
    // `copies`: all of them with their language, and for a translation the copy it translates; `languages` in order.
    return { id: Number(req.params.id), first: copies[0], alsoAt: copies.slice(1), copies, languages: storyLanguages(copies) };
  });
  app.get<{ Querystring: { limit?: string } }>('/api/deliveries', async (req) => ctx.deliveriesNow(clampLimit(req.query.limit)));
  await registerDashboard(app, ctx);
  await registerMetrics(app, ctx);
  await registerFeeds(app, ctx);
  await registerEvents(app, ctx);
  await registerActions(app, ctx);
  return app;
}

function clampLimit(text: string | undefined): number {
  const n = Number(text ?? 50);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 500) : 50;
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Constant-time comparison, so response timing does not reveal how much of a guessed token was right. */
function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

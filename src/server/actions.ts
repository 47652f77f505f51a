import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import { webhookEndpoint } from '../alerts/index.ts';
import type { Logger } from '../config/logger.ts';
import { csrfToken, csrfTokenOk, foreignOrigin } from './csrf.ts';
import type { ServerContext } from './server-context.ts';

/** What a page may show after an action: `?done=<key>` on the page it came back to. */
export type ActionDone = 'crawl-queued' | 'replay-queued' | 'webhook-paused' | 'webhook-resumed';

type Body = Record<string, string> | undefined;
type ActionRequest = FastifyRequest<{ Params: { id: string }; Body: Body }>;

const FORM = 'application/x-www-form-urlencoded';

/**
 * The dashboard's state changes, each a POST: crawl a source now, replay a delivery, pause or resume a webhook.
 * Every POST carries the CSRF token (`_csrf` field, or an `x-csrf-token` header) and, when it has an Origin or
 * Referer, comes from this server's own pages; otherwise 403. Without a server token these routes are refused
 * before they run (the read-only hook), and refused here again if that hook ever went.
 */
export async function registerActions(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const log = (ctx.log ?? stderrLogger()).child({ component: 'actions' });
  const { config, store, queues } = ctx;

  // In a scope of its own: the form parser and the CSRF check apply to these routes only.
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser(FORM)) {
      scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }

    scope.addHook('preHandler', async (req: ActionRequest, reply) => {
      const problem = csrfToken(config) === null ? 'read-only: set VIGIE_TOKEN to act' : foreignOrigin(req.headers) ?? csrfProblem(req);
      if (problem === null) return;
      log.warn({ route: req.routeOptions.url, by: req.ip }, `action refused: ${problem}`);
      return refuse(req, reply, 403, problem);
    });

    scope.post('/sources/:id/crawl', async (req: ActionRequest, reply) => {
      const { id } = req.params;
      if (!config.sources.some((s) => s.id === id)) return refuse(req, reply, 404, `no source "${id}" in the config`);
      const reason = `now-${Date.now()}`;
      await queues.enqueueCrawl(id, reason);
      log.info({ action: 'crawl-now', sourceId: id, reason, by: req.ip }, `crawl of ${id} queued now (asked by ${req.ip})`);
      return done(req, reply, 'crawl-queued', `/sources/${encodeURIComponent(id)}`, { sourceId: id });
    });

    scope.post('/deliveries/:id/replay', async (req: ActionRequest, reply) => {
      const id = positiveInt(req.params.id);
      const row = id === null ? null : await store.replayDelivery(id, new Date().toISOString());
      if (row === null) return refuse(req, reply, 404, `no delivery ${req.params.id}`);
      const job = await queues.enqueueReplay(row);
      log.info(
        { action: 'replay', deliveryId: row.id, webhookId: row.webhookId, endpoint: webhookEndpoint(row.url), job, by: req.ip },
        `delivery ${row.id} to ${webhookEndpoint(row.url)} replayed (asked by ${req.ip})`,
      );
      // Back to the delivery's story by default, else to its source, else the overview.
      const [listed] = await store.deliveryList({ eventIds: [row.eventId], limit: 1 });
      const fallback = listed?.storyId != null ? `/stories/${listed.storyId}` : listed?.sourceId ? `/sources/${encodeURIComponent(listed.sourceId)}` : '/';
      return done(req, reply, 'replay-queued', fallback, { deliveryId: row.id, state: row.state, job });
    });

    for (const paused of [true, false]) {
      scope.post(`/webhooks/:id/${paused ? 'pause' : 'resume'}`, async (req: ActionRequest, reply) => {
        const webhook = config.webhooks.find((w) => w.id === req.params.id);
        if (!webhook) return refuse(req, reply, 404, `no webhook "${req.params.id}" in the config`);
        await store.setWebhookPaused(webhook.id, paused, new Date().toISOString());
        const endpoint = webhookEndpoint(webhook.url);
        log.info(
          { action: paused ? 'webhook-pause' : 'webhook-resume', webhookId: webhook.id, endpoint, by: req.ip },
          `webhook ${webhook.id} (${endpoint}) ${paused ? 'paused' : 'resumed'} (asked by ${req.ip})`,
        );
        return done(req, reply, paused ? 'webhook-paused' : 'webhook-resumed', '/', { webhookId: webhook.id, paused });
      });
    }
  });

  function csrfProblem(req: ActionRequest): string | null {
    const given = (isRecord(req.body) ? req.body._csrf : undefined) ?? req.headers['x-csrf-token'];
    if (given === undefined) return 'missing CSRF token: post from the dashboard\'s own form (its _csrf field)';
    return csrfTokenOk(config, given) ? null : 'wrong CSRF token: reload the page and try again';
  }
}

/** A 303 back to the page the form was on (`back`, a same-origin path) with `?done=`; JSON for JSON clients. */
function done(req: ActionRequest, reply: FastifyReply, key: ActionDone, fallback: string, details: Record<string, unknown>) {
  if (wantsJson(req)) return reply.send({ ok: true, done: key, ...details });
  const back = new URL(safeBack(isRecord(req.body) ? req.body.back : undefined) ?? fallback, 'http://self');
  back.searchParams.set('done', key);
  return reply.code(303).header('location', `${back.pathname}${back.search}${back.hash}`).send();
}

function refuse(req: ActionRequest, reply: FastifyReply, status: number, message: string) {
  if (wantsJson(req)) return reply.code(status).send({ error: message });
  return reply.code(status).type('text/plain; charset=utf-8').send(`${message}\n`);
}

/**
 * A path on this server, or null: starts with one `/`, and neither `//` nor `/\` (which browsers read as another
 * host); no control characters; and it resolves to this origin.
 */
export function safeBack(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/')) return null;
  if (value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return null;
  try {
    return new URL(value, 'http://self').origin === 'http://self' ? value : null;
  } catch {
    return null;
  }
}

function wantsJson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

function positiveInt(text: string): number | null {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n > 0 ? n : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

let fallbackLogger: Logger | null = null;
/** When the server was built without a logger: JSON lines on stderr, as the CLI logs; one per process. */
function stderrLogger(): Logger {
  fallbackLogger ??= pino({ level: 'info', base: undefined }, pino.destination(2)) as unknown as Logger;
  return fallbackLogger;
}

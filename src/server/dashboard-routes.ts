import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FunctionComponent } from 'preact';
import { registerAssets } from './assets/asset-routes.ts';
import { csrfToken } from './csrf.ts';
import { dashboardPage } from './dashboard-page.ts';
import { ArticlesPage } from './pages/articles-page.tsx';
import { articlesQuery } from './pages/articles-query.ts';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { overviewData } from './pages/overview-data.ts';
import type { PageFrame } from './pages/page-frame.ts';
import { doneText } from './pages/page-frame.ts';
import { sourceData } from './pages/source-data.ts';
import { SourcePage } from './pages/source-page.tsx';
import { storyData } from './pages/story-data.ts';
import { StoryPage } from './pages/story-page.tsx';
import { watchlistData, watchlistsData } from './pages/watchlist-data.ts';
import { WatchlistPage } from './pages/watchlist-page.tsx';
import { WatchlistsPage } from './pages/watchlists-page.tsx';
import type { ServerContext } from './server-context.ts';

/** Our pages: no inline script or style, nothing from elsewhere, no framing, forms post only to us. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * bull-board's page needs more: inline styles (its loading screen, and React's), a <base href>, and Google's web
 * fonts (which fail offline and fall back to local fonts). Its scripts are its own files, so inline script stays out.
 */
export const QUEUES_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

type Query = Record<string, string | string[] | undefined>;

/** The dashboard's pages (overview, source, story, articles, watchlists), their assets, and the CSP on every HTML answer. */
export async function registerDashboard(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.addHook('onSend', async (req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      const queues = req.url === '/queues' || req.url.startsWith('/queues/') || req.url.startsWith('/queues?');
      reply.header('content-security-policy', queues ? QUEUES_CSP : DASHBOARD_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
    }
    return payload;
  });

  const assets = await registerAssets(app);
  const frame = (req: FastifyRequest): PageFrame => ({
    assets: { css: assets.url('dashboard.css'), js: assets.url('live.js'), icon: assets.url('favicon.svg') },
    csrf: csrfToken(ctx.config),
    now: Date.now(),
    path: backPath(req.url),
    done: doneText(first((req.query as Query).done))?.key ?? null,
    watchlists: ctx.config.watchlists.length > 0,
  });
  const send = <P>(reply: FastifyReply, Page: FunctionComponent<P>, props: P, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(dashboardPage(Page, props));
  const notFound = (req: FastifyRequest, reply: FastifyReply, what: string) => send(reply, NotFoundPage, { what, frame: frame(req) }, 404);

  app.get('/', async (req, reply) => {
    const f = frame(req);
    return send(reply, OverviewPage, { data: await overviewData(ctx, f.now), frame: f });
  });

  app.get<{ Params: { id: string } }>('/sources/:id', async (req, reply) => {
    const f = frame(req);
    const data = await sourceData(ctx, req.params.id, f.now);
    if (!data) return notFound(req, reply, `No source "${req.params.id}" is configured.`);
    return send(reply, SourcePage, { data, frame: f });
  });

  app.get<{ Params: { id: string } }>('/stories/:id', async (req, reply) => {
    const id = positiveInt(req.params.id);
    const copy = positiveInt(first((req.query as Query).copy) ?? '');
    const data = id === null ? null : await storyData(ctx, id, copy);
    if (!data) return notFound(req, reply, `No story ${req.params.id}.`);
    return send(reply, StoryPage, { data, frame: frame(req) });
  });

  app.get('/watchlists', async (req, reply) => {
    const f = frame(req);
    return send(reply, WatchlistsPage, { data: await watchlistsData(ctx, f.now), frame: f });
  });

  app.get<{ Params: { id: string } }>('/watchlists/:id', async (req, reply) => {
    const data = await watchlistData(ctx, req.params.id);
    if (!data) return notFound(req, reply, `No watchlist "${req.params.id}" is configured.`);
    return send(reply, WatchlistPage, { data, frame: frame(req) });
  });

  app.get('/articles', async (req, reply) => {
    const query = articlesQuery(req.query as Query);
    const { total, articles } = await ctx.store.searchArticles(query.search);
    return send(reply, ArticlesPage, { data: { query, total, articles, sources: ctx.config.sources.map((s) => s.id) }, frame: frame(req) });
  });
}

/** Where a form sends the reader back to: this page, without `?token=` (kept out of URLs) or the last `?done=`. */
function backPath(url: string): string {
  const u = new URL(url, 'http://self');
  u.searchParams.delete('token');
  u.searchParams.delete('done');
  return `${u.pathname}${u.search}`;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function positiveInt(text: string): number | null {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n > 0 ? n : null;
}

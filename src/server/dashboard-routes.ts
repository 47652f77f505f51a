import type { FastifyInstance } from 'fastify';
import type { ArticleRow, DeliveryRow } from '../store/index.ts';
import { dashboardPage } from './dashboard-page.ts';
import type { ServerContext } from './server-context.ts';

/** The dashboard's pages. */
export async function registerDashboard(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/', async (_req, reply) => {
    const [counts, hostsNow] = await Promise.all([ctx.queueCounts(), ctx.hosts()]);
    return reply.type('text/html; charset=utf-8').send(
      dashboardPage({
        sources: await ctx.sourcesNow(),
        hosts: hostsNow,
        articles: (await ctx.store.recentArticles({ limit: 30 })) as ArticleRow[],
        deliveries: (await ctx.deliveriesNow(30)) as DeliveryRow[],
        counts,
      }),
    );
  });
}

import type { FastifyInstance } from 'fastify';
import { metricsText } from './metrics-text.ts';
import type { ServerContext } from './server-context.ts';

/** Prometheus at /metrics. */
export async function registerMetrics(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/metrics', async (_req, reply) => {
    const sources = await ctx.store.health();
    const [queuesNow, lag, hostsNow] = await Promise.all([ctx.queueCounts(), ctx.lag?.read(sources.map((s) => s.id)) ?? [], ctx.hosts()]);
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(metricsText({ queues: queuesNow, sources, deliveries: await ctx.store.deliveryCounts(), lag, hosts: hostsNow }));
  });
}

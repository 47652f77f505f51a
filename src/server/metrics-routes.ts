import type { FastifyInstance } from 'fastify';
import { VigieMetrics } from '../jobs/vigie-metrics.ts';
import type { ServerContext } from './server-context.ts';

/**
 * Prometheus at /metrics: the process's registry (its workers' histograms and counters when it runs them), whose
 * cluster-wide gauges read Redis and the store at each scrape. A server built without one (tests) gets its own:
 * process metrics and cluster-wide figures, no job counts.
 */
export async function registerMetrics(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const metrics = ctx.metrics ?? new VigieMetrics();
  metrics.readClusterWith(async () => {
    const sources = await ctx.store.health();
    const [queues, lag, hosts, deliveries] = await Promise.all([ctx.queueCounts(), ctx.lag?.read(sources.map((s) => s.id)) ?? [], ctx.hosts(), ctx.store.deliveryCounts()]);
    return { queues, sources, deliveries, lag, hosts };
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}

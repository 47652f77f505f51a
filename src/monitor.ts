import { join } from 'node:path';
import { createLogger } from './create-logger.ts';
import { redactUrl, type Config } from './config/index.ts';
import {
  createRedisConnection,
  HostGate,
  hostLoad,
  LagHistogram,
  reconcile,
  ReconcileLoop,
  redisAnswers,
  redisHelp,
  redisServerOnPath,
  startPrivateRedis,
  syncDigestSchedules,
  syncSchedules,
  VigieQueues,
  VigieWorkers,
  type Logger,
  type PrivateRedis,
  type UseCaseDeps,
} from './jobs/index.ts';
import { VigieMetrics } from './jobs/vigie-metrics.ts';
import { createServer } from './server/create-server.ts';
import { openStore, useCaseDeps, type DepsOptions } from './use-case-deps.ts';

export { openStore, useCaseDeps } from './use-case-deps.ts';

export interface MonitorOptions {
  config: Config;
  /** Which parts run in this process. `vigie start` runs all three. */
  roles: { scheduler: boolean; workers: boolean; server: boolean };
  log?: Logger;
  /** Start a private redis-server when none answers (only `vigie start` and `vigie demo`). Default false. */
  privateRedis?: boolean;
  /** The resolver of the connect-time address check for page fetches. Default: the system's. Tests inject one. */
  lookup?: DepsOptions['lookup'];
}

export interface Monitor {
  /** Base URL of the HTTP server, when it runs. */
  url: string | null;
  deps: UseCaseDeps;
  queues: VigieQueues;
  close(): Promise<void>;
}

/**
 * Starts the long-lived parts in order (Redis, store, queues, workers, schedules, server) and returns one close()
 * that stops them in reverse order. Nothing is left half-started: a failure closes what had started.
 */
export async function startMonitor(options: MonitorOptions): Promise<Monitor> {
  const { config, roles } = options;
  const log = options.log ?? createLogger();
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'error while closing');
      }
    }
  };
  try {
    let privateRedis: PrivateRedis | null = null;
    if (!(await redisAnswers(config.redis))) {
      if (!options.privateRedis || !redisServerOnPath()) throw new Error(redisHelp(config.redis));
      privateRedis = await startPrivateRedis(config.redis, config.storage);
      closers.push(() => privateRedis!.close());
      log.info({ url: redactUrl(config.redis), dir: join(config.storage, 'redis') }, 'started a private redis-server');
    }
    const connection = createRedisConnection(config.redis, { name: 'vigie' });
    connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
    closers.push(() => void connection.disconnect());

    const store = await openStore(config);
    closers.push(() => store.close());
    await store.syncSources(config.sources, new Date().toISOString());
    const deps = await useCaseDeps(config, store, log, { lookup: options.lookup });
    closers.push(() => deps.browser?.close());

    const queues = new VigieQueues(connection, config);
    closers.push(() => queues.close());
    const gate = new HostGate(connection, { prefix: config.queuePrefix });
    const lag = new LagHistogram(connection, config.queuePrefix);
    // One registry per process: its workers observe into it and its server (if any) exposes it.
    const metrics = new VigieMetrics();
    // Said once at start, with the figures: a host that cannot serve what its sources ask is the usual cause of lag.
    for (const h of hostLoad(config)) if (h.overCapacity) log.warn({ ...h, sources: h.sources.length }, `host over capacity: ${h.summary}`);
    if (roles.workers) {
      const workerConnection = createRedisConnection(config.redis, { name: 'vigie-worker' });
      workerConnection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
      closers.push(() => void workerConnection.disconnect());
      const { lockDuration, ...concurrency } = config.workers;
      const workers = new VigieWorkers(workerConnection, { ...deps, queues, gate, lag, metrics, log: log.child({ component: 'worker' }) }, { ...concurrency, lockDurationMs: lockDuration });
      closers.push(() => workers.close());
    }
    if (roles.scheduler) {
      // A source without a baseline yet is crawled at once even if its scheduler exists (a new store, a lost crawl).
      const crawlNow = new Set((await store.health()).filter((s) => s.baselineAt === null).map((s) => s.id));
      const { upserted, removed, crawledNow } = await syncSchedules(queues, config, { crawlNow });
      log.info({ sources: upserted, removed, crawledNow }, `schedules in place for ${upserted.length} source${upserted.length === 1 ? '' : 's'}; ${crawledNow.length} crawled now`);
      const digests = await syncDigestSchedules(queues, config);
      if (digests.upserted.length + digests.removed.length > 0) log.info(digests, `digest schedules in place: ${digests.upserted.length}, removed: ${digests.removed.length}`);
    }
    if (roles.scheduler || roles.workers) {
      // Redis can lose its data under a running process (FLUSHALL, a restart without AOF, a failover): every minute
      // and on each reconnect, what the store says should be queued is put back (stable job ids make it idempotent).
      const reconcileDeps = { config, store, queues, log: log.child({ component: 'reconcile' }) };
      const loop = new ReconcileLoop(reconcileDeps, connection, { everyMs: config.reconcile.every, schedules: roles.scheduler, work: roles.workers });
      // Now, with no grace: deliveries and entries left by a crash or an earlier --once run are put back at once.
      if (roles.workers) await reconcile(reconcileDeps, { schedules: false, work: true, graceMs: 0, reason: 'start' });
      loop.start();
      closers.push(() => loop.close());
    }
    let url: string | null = null;
    if (roles.server) {
      const app = await createServer({ config, store, queues, gate, lag, metrics, redisOk: () => redisAnswers(config.redis), log: log.child({ component: 'server' }) });
      url = await app.listen({ host: config.server.host, port: config.server.port });
      closers.push(() => app.close());
      log.info({ url, dashboard: `${url}/`, queues: `${url}/queues` }, 'server listening');
    }
    return { url, deps, queues, close };
  } catch (err) {
    await close();
    throw err;
  }
}

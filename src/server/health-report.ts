import type { Config } from '../config/index.ts';
import { missingSchedules, schedulePeriodMs, type VigieQueues } from '../jobs/index.ts';
import type { SourceHealth, Store } from '../store/index.ts';

/** A source is late when its last crawl is older than this many of its schedule periods. */
export const LATE_AFTER_PERIODS = 3;
/** The schedulers' check must not hold /health up: past this, their state is reported unknown. */
const SCHEDULES_TIMEOUT_MS = 1_000;

export interface HealthDeps {
  config: Config;
  store: Store;
  queues: VigieQueues;
  redisOk: () => Promise<boolean>;
}

export interface HealthReport {
  status: 200 | 503;
  body: {
    ok: boolean;
    redis: 'ok' | 'unreachable';
    store: 'ok' | 'error';
    /** `missing` when Redis lost some source's scheduler: nothing crawls that source until the reconcile puts it back. */
    schedules: 'ok' | 'missing' | 'unknown';
    missingSchedules: string[];
    /** Sources whose last crawl is more than LATE_AFTER_PERIODS periods old. */
    late: string[];
    sources: Array<ReturnType<typeof sourceHealth>>;
  };
}

/**
 * What /health answers: Redis, the store, the sources' schedulers in Redis (one ZMSCORE), and each source's last
 * crawl against its schedule, from one store read. 503 when Redis or the store fails, or when schedulers are gone.
 */
export async function healthReport(deps: HealthDeps, now = Date.now()): Promise<HealthReport> {
  const { config, store } = deps;
  const [redis, storeOk] = await Promise.all([deps.redisOk(), Promise.resolve().then(() => store.ping()).catch(() => false)]);
  let missing: string[] | null = null;
  if (redis) {
    // Only once Redis answered: a command to a Redis that is away waits for it to come back.
    missing = await Promise.race([
      missingSchedules(deps.queues, config).catch(() => null),
      new Promise<null>((r) => setTimeout(() => r(null), SCHEDULES_TIMEOUT_MS).unref()),
    ]);
  }
  // A failing store is what /health must report, so it cannot be allowed to turn the answer into a 500.
  const sources = (storeOk ? await store.health() : []).map((s) => sourceHealth(config, s, now));
  const schedules = missing === null ? 'unknown' : missing.length > 0 ? 'missing' : 'ok';
  const ok = redis && storeOk && schedules !== 'missing';
  return {
    status: ok ? 200 : 503,
    body: {
      ok,
      redis: redis ? 'ok' : 'unreachable',
      store: storeOk ? 'ok' : 'error',
      schedules,
      missingSchedules: missing ?? [],
      late: sources.filter((s) => s.late).map((s) => s.id),
      sources,
    },
  };
}

function sourceHealth(config: Config, s: SourceHealth, now: number) {
  const source = config.sources.find((c) => c.id === s.id);
  const periodMs = source ? schedulePeriodMs(source, now) : null;
  // A source never crawled yet is not called late: its first crawl may still be on its way.
  const late = periodMs !== null && s.lastCrawlAt !== null && now - Date.parse(s.lastCrawlAt) > LATE_AFTER_PERIODS * periodMs;
  return {
    id: s.id,
    degraded: s.degraded,
    late,
    periodMs,
    baselineAt: s.baselineAt,
    lastCrawlAt: s.lastCrawlAt,
    lastOkAt: s.lastOkAt,
    consecutiveFailures: s.consecutiveFailures,
    lastCrawl: s.lastCrawl && { at: s.lastCrawl.at, outcome: s.lastCrawl.outcome, status: s.lastCrawl.status, error: s.lastCrawl.error },
  };
}

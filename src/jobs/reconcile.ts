import type { Config } from '../config/index.ts';
import type { Store } from '../store/index.ts';
import { missingDigestSchedules, syncDigestSchedules } from './digest-schedules.ts';
import { missingSchedules, syncSchedules } from './sync-schedules.ts';
import type { Logger } from '../config/logger.ts';
import type { VigieQueues } from './vigie-queues.ts';

export interface ReconcileDeps {
  config: Config;
  store: Store;
  queues: VigieQueues;
  log: Logger;
}

export interface ReconcileOptions {
  /** Put back the sources' job schedulers (the scheduler role). */
  schedules: boolean;
  /** Put back the jobs of pending deliveries and of unread entries (the workers role). */
  work: boolean;
  /**
   * Rows younger than this are left to the job that created them, which enqueues right after its commit: only older
   * ones can have been lost. Default 30 s.
   */
  graceMs?: number;
  /** Why it runs, for the log line: `start`, `interval`, `reconnect`. */
  reason?: string;
}

export interface ReconcileReport {
  /** Sources whose scheduler was missing and was put back. */
  schedules: string[];
  /** Delivery and article jobs put back on their queue. */
  deliveries: number;
  articles: number;
}

/** Rows read from the store at a time. */
const PAGE = 500;

/**
 * Makes Redis hold again what the store says should be there, after Redis lost data (FLUSHALL, a restart without
 * AOF, a failover to an empty replica) or a job was lost: the sources' schedulers, a job for every pending delivery
 * (all of them, page by page) and for every unread new entry (an "orphan"). Idempotent, as every job id is stable and
 * a job still queued is left alone; a failed one is replaced (see VigieQueues). Logs at warn only what it had to put
 * back, since that means something was lost; a healthy run logs nothing.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const { config, store, queues, log } = deps;
  const report: ReconcileReport = { schedules: [], deliveries: 0, articles: 0 };
  const reason = options.reason ?? 'interval';
  const before = new Date(Date.now() - (options.graceMs ?? 30_000)).toISOString();

  if (options.schedules) {
    const missing = await missingSchedules(queues, config);
    if (missing.length > 0) {
      const { crawledNow } = await syncSchedules(queues, config, { crawlNow: new Set(missing) });
      report.schedules = missing;
      log.warn(
        { reason, sources: missing, crawledNow },
        `reconcile (${reason}): ${missing.length} source schedule${missing.length === 1 ? ' was' : 's were'} missing from Redis and ${missing.length === 1 ? 'is' : 'are'} back; ${crawledNow.length} crawled now`,
      );
    }
    const digests = await missingDigestSchedules(queues, config);
    if (digests.length > 0) {
      await syncDigestSchedules(queues, config);
      log.warn({ reason, digests }, `reconcile (${reason}): ${digests.length} digest schedule${digests.length === 1 ? ' was' : 's were'} missing from Redis and ${digests.length === 1 ? 'is' : 'are'} back`);
    }
  }

  if (options.work) {
    for (let page = await store.pendingDeliveries(PAGE); page.length > 0; page = await store.pendingDeliveries(PAGE, page.at(-1)!.id)) {
      report.deliveries += (await queues.enqueueDeliveries(page.filter((d) => d.createdAt < before))).length;
    }
    for (const source of config.sources) {
      for (let page = await store.entriesWithoutArticle(source.id, PAGE); page.length > 0; page = await store.entriesWithoutArticle(source.id, PAGE, page.at(-1)!.id)) {
        report.articles += (await queues.enqueueArticles(page.filter((e) => e.firstSeenAt < before))).length;
      }
    }
    if (report.deliveries + report.articles > 0) {
      log.warn(
        { reason, deliveries: report.deliveries, articles: report.articles },
        `reconcile (${reason}): put back ${report.deliveries} delivery job${report.deliveries === 1 ? '' : 's'} and ${report.articles} article job${report.articles === 1 ? '' : 's'} missing from Redis`,
      );
    }
  }
  return report;
}

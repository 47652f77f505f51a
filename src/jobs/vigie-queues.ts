import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import type { DeliveryRow, EntryRow } from '../store/index.ts';
import { QUEUE_NAMES } from './queue-names.ts';

/** BullMQ needs a finite count; this one outlasts the retry window, which is what ends a delivery. */
export const DELIVERY_ATTEMPTS = 10_000;

/** Name of a template warm-up job on the article queue. */
export const WARM_UP_JOB = 'warm-up';
/**
 * How much later than it did a warm-up counts as having asked for its host, so that new entries' articles go first,
 * as crawls do (HostGate's crawl handicap): a warm-up only improves alerts that have not come yet.
 */
export const WARM_UP_HANDICAP_MS = 10 * 60_000;

const KEEP = { removeOnComplete: { age: 7 * 86_400, count: 5_000 }, removeOnFail: { age: 30 * 86_400 } } as const;

/** The three queues and how jobs are put on them. Job ids make every enqueue idempotent. */
export class VigieQueues {
  readonly crawl: Queue;
  readonly article: Queue;
  readonly delivery: Queue;

  constructor(
    connection: Redis,
    private readonly config: Config,
  ) {
    const opts = { connection, prefix: config.queuePrefix };
    this.crawl = new Queue(QUEUE_NAMES.crawl, opts);
    this.article = new Queue(QUEUE_NAMES.article, opts);
    this.delivery = new Queue(QUEUE_NAMES.delivery, opts);
  }

  get all(): Queue[] {
    return [this.crawl, this.article, this.delivery];
  }

  /** Crawl and article jobs: `crawl.attempts` tries with exponential backoff from 5 s. */
  crawlJobOptions(): JobsOptions {
    return { attempts: this.config.crawl.attempts, backoff: { type: 'exponential', delay: 5_000 }, ...KEEP };
  }

  async enqueueCrawl(sourceId: string, reason: string): Promise<void> {
    await this.crawl.add('crawl', { sourceId }, { ...this.crawlJobOptions(), jobId: `crawl-${sourceId}-${reason}` });
  }

  async enqueueArticles(entries: EntryRow[]): Promise<void> {
    if (entries.length === 0) return;
    await this.article.addBulk(
      entries.map((e) => ({
        name: 'article',
        data: { entryId: e.id },
        // Row ids alone would repeat after a reset database while Redis keeps finished jobs for days, and BullMQ
        // silently drops an add whose id it already has: the entry's first-seen time makes the id unique.
        opts: { ...this.crawlJobOptions(), jobId: `article-${e.id}-${Date.parse(e.firstSeenAt)}` },
      })),
    );
  }

  /** A warm-up of the source's template from its listed articles: two tries at most, as it only saves work later. */
  async enqueueWarmUp(sourceId: string): Promise<void> {
    const now = Date.now();
    await this.article.add(WARM_UP_JOB, { sourceId, askedAt: now + WARM_UP_HANDICAP_MS }, { attempts: 2, backoff: { type: 'exponential', delay: 5_000 }, ...KEEP, jobId: `warm-up-${sourceId}-${now}` });
  }

  async enqueueDeliveries(deliveries: DeliveryRow[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.delivery.addBulk(
      deliveries.map((d) => ({
        name: 'delivery',
        data: { deliveryId: d.id },
        // The retry window, not the attempt count, ends a delivery: the processor gives up once it is over.
        opts: { jobId: `delivery-${d.msgId}`, attempts: DELIVERY_ATTEMPTS, backoff: { type: 'webhook' }, ...KEEP },
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((q) => q.close()));
  }
}

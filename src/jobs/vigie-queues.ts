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
 * How much later than it did a warm-up counts as having asked for its host: twice a crawl's handicap (HostGate's),
 * so new entries' articles go first and routine crawls next; a warm-up only improves alerts that have not come yet.
 * Tied with crawls, the warm-ups of a host's 20 new sources (60 reads) held its crawls back 14 s at start (bench:load
 * A), and at twice its capacity for two minutes (B). One that waited over 10 min still passes newer crawls.
 */
export const WARM_UP_HANDICAP_MS = 20 * 60_000;

const KEEP = { removeOnComplete: { age: 7 * 86_400, count: 5_000 }, removeOnFail: { age: 30 * 86_400 } } as const;

/**
 * An entry's article job id. Row ids alone would repeat after a reset database while Redis keeps finished jobs for
 * days, and BullMQ ignores an add whose id it already has: the entry's first-seen time makes the id unique.
 */
export const articleJobId = (e: Pick<EntryRow, 'id' | 'firstSeenAt'>): string => `article-${e.id}-${Date.parse(e.firstSeenAt)}`;
/** A delivery's job id: its message id, the same `webhook-id` on every attempt. */
export const deliveryJobId = (d: Pick<DeliveryRow, 'msgId'>): string => `delivery-${d.msgId}`;

/** The three queues and how jobs are put on them. Job ids make every enqueue idempotent. */
export class VigieQueues {
  readonly crawl: Queue;
  readonly article: Queue;
  readonly delivery: Queue;

  constructor(
    /** The connection the queues use, for reads BullMQ has no method for. */
    readonly connection: Redis,
    private readonly config: Config,
  ) {
    const opts = { connection, prefix: config.queuePrefix };
    this.crawl = new Queue(QUEUE_NAMES.crawl, opts);
    this.article = new Queue(QUEUE_NAMES.article, opts);
    this.delivery = new Queue(QUEUE_NAMES.delivery, opts);
    // BullMQ prints each error of a queue without a listener, with its stack, on every reconnect attempt while Redis
    // is away; the connection's owner logs these errors once per attempt already (see startMonitor).
    for (const q of this.all) q.on('error', () => undefined);
  }

  get all(): Queue[] {
    return [this.crawl, this.article, this.delivery];
  }

  /** Crawl and article jobs: `crawl.attempts` tries with exponential backoff from 5 s. */
  crawlJobOptions(): JobsOptions {
    return { attempts: this.config.crawl.attempts, backoff: { type: 'exponential', delay: 5_000 }, ...KEEP };
  }

  /** A digest whose store is out of reach is tried again for about 40 minutes: a late digest beats none. */
  digestJobOptions(): JobsOptions {
    return { attempts: 8, backoff: { type: 'exponential', delay: 10_000 }, ...KEEP };
  }

  async enqueueCrawl(sourceId: string, reason: string): Promise<void> {
    await this.crawl.add('crawl', { sourceId }, { ...this.crawlJobOptions(), jobId: `crawl-${sourceId}-${reason}` });
  }

  /** Queues each entry's article job unless it is already queued; returns the ids put on the queue. */
  async enqueueArticles(entries: EntryRow[]): Promise<string[]> {
    return this.addFresh(
      this.article,
      entries.map((e) => ({
        name: 'article',
        data: { entryId: e.id },
        opts: { ...this.crawlJobOptions(), jobId: articleJobId(e) },
      })),
    );
  }

  /** A warm-up of the source's template from its listed articles: two tries at most, as it only saves work later. */
  async enqueueWarmUp(sourceId: string): Promise<void> {
    const now = Date.now();
    await this.article.add(WARM_UP_JOB, { sourceId, askedAt: now + WARM_UP_HANDICAP_MS }, { attempts: 2, backoff: { type: 'exponential', delay: 5_000 }, ...KEEP, jobId: `warm-up-${sourceId}-${now}` });
  }

  /** Queues each delivery's job unless it is already queued; returns the ids put on the queue. */
  async enqueueDeliveries(deliveries: DeliveryRow[]): Promise<string[]> {
    return this.addFresh(
      this.delivery,
      deliveries.map((d) => ({
        name: 'delivery',
        data: { deliveryId: d.id },
        // The retry window, not the attempt count, ends a delivery: the processor gives up once it is over.
        opts: { jobId: deliveryJobId(d), attempts: DELIVERY_ATTEMPTS, backoff: { type: 'webhook' }, ...KEEP },
      })),
    );
  }

  /**
   * A replayed delivery (put back to pending by the store): a job of its own, as the delivery's stable job id may
   * still be kept as completed, which would make a plain enqueue a no-op.
   */
  async enqueueReplay(delivery: DeliveryRow, at = Date.now()): Promise<string> {
    const jobId = `${deliveryJobId(delivery)}-replay-${at}`;
    await this.delivery.add('delivery', { deliveryId: delivery.id }, { jobId, attempts: DELIVERY_ATTEMPTS, backoff: { type: 'webhook' }, ...KEEP });
    return jobId;
  }

  /**
   * Adds jobs with stable ids, so that asking twice queues once. BullMQ silently ignores an add whose id it still
   * keeps as a failed job (for 30 days), which would drop a re-enqueue after a failure for good: such a job is
   * removed first. A waiting, delayed, active or completed job with the id is left alone. Returns the ids added.
   */
  private async addFresh(queue: Queue, jobs: Array<{ name: string; data: unknown; opts: JobsOptions & { jobId: string } }>): Promise<string[]> {
    if (jobs.length === 0) return [];
    const pipeline = this.connection.pipeline();
    for (const j of jobs) pipeline.exists(queue.toKey(j.opts.jobId)).zscore(queue.toKey('failed'), j.opts.jobId);
    const replies = (await pipeline.exec()) ?? [];
    const fresh: typeof jobs = [];
    for (const [i, j] of jobs.entries()) {
      const [existsErr, exists] = replies[2 * i] ?? [];
      const [failedErr, failedScore] = replies[2 * i + 1] ?? [];
      if (existsErr || failedErr) throw existsErr ?? failedErr;
      if (exists === 0) fresh.push(j);
      // remove() answers 0 when the job is locked, i.e. some worker has it again: then it is queued after all.
      else if (failedScore !== null && (await queue.remove(j.opts.jobId)) === 1) fresh.push(j);
    }
    if (fresh.length > 0) await queue.addBulk(fresh);
    return fresh.map((j) => j.opts.jobId);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((q) => q.close()));
  }
}

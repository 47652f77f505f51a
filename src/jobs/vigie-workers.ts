import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliveryBackoff } from './delivery-backoff.ts';
import { articleProcessor, crawlProcessor, deliveryProcessor, type ProcessorDeps } from './processors.ts';
import { QUEUE_NAMES } from './queue-names.ts';
import { TemplateWarmUps } from './use-cases/warm-up-template.ts';

export interface VigieWorkersOptions {
  /** Crawl jobs run at once per process. Browser pages are bounded apart, by the shared BrowserFetcher. Default 8. */
  crawlConcurrency?: number;
  /** Article jobs at once per process. Default 8. */
  articleConcurrency?: number;
  /** Webhook deliveries at once per process. Default 8. */
  deliveryConcurrency?: number;
  /** Lock and stall-check period: a worker killed mid-job has its job re-run after about twice this. Default 30 s. */
  lockDurationMs?: number;
}

/** The three workers of a Vigie process. Each processor is thin; the work lives in `use-cases/`. */
export class VigieWorkers {
  readonly workers: Worker[];

  constructor(connection: Redis, deps: ProcessorDeps, options: VigieWorkersOptions = {}) {
    for (const [field, value] of Object.entries(options)) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        throw new TypeError(`VigieWorkers: options.${field} must be a positive integer, got ${String(value)}`);
      }
    }
    const lockDuration = options.lockDurationMs ?? 30_000;
    const common = { connection, prefix: deps.config.queuePrefix, lockDuration, stalledInterval: lockDuration };
    const log = deps.log;
    // One per process, shared by the crawl worker (which asks for warm-ups) and the article worker (which runs them).
    deps = { ...deps, warmUps: deps.warmUps ?? new TemplateWarmUps(deps) };
    this.workers = [
      new Worker(QUEUE_NAMES.crawl, crawlProcessor(deps), { ...common, concurrency: options.crawlConcurrency ?? 8 }),
      new Worker(QUEUE_NAMES.article, articleProcessor(deps), { ...common, concurrency: options.articleConcurrency ?? 8 }),
      new Worker(QUEUE_NAMES.delivery, deliveryProcessor(deps), {
        ...common,
        concurrency: options.deliveryConcurrency ?? 8,
        settings: {
          backoffStrategy: (attemptsMade, _type, err) =>
            deliveryBackoff(attemptsMade, (err as { retryAfterMs?: number } | undefined)?.retryAfterMs, Math.random, { firstMs: deps.config.delivery.firstRetry, capMs: deps.config.delivery.maxRetryDelay }),
        },
      }),
    ];
    for (const w of this.workers) {
      w.on('failed', (job, err) => {
        // Crawls and deliveries log each failed attempt themselves, with what the user needs; articles do not.
        if (err.name === 'DelayedError' || w.name !== QUEUE_NAMES.article) return;
        log.warn({ queue: w.name, job: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
      });
      w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

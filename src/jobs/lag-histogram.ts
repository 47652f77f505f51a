import type { Redis } from 'ioredis';

/** Upper bounds of the schedule-lag buckets, in seconds (Prometheus `le`). */
export const LAG_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

export interface LagCounts {
  sourceId: string;
  /** Cumulative count per bucket of LAG_BUCKETS_S, then +Inf. */
  buckets: number[];
  sumSeconds: number;
  count: number;
}

/**
 * Schedule lag per source (due tick to host slot) as a Prometheus histogram kept in Redis, so that every worker
 * process adds to one histogram and any `vigie server` can expose it. Counters restart with Redis, which
 * Prometheus reads as a counter reset.
 */
export class LagHistogram {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!prefix) throw new TypeError('LagHistogram: prefix is required');
  }

  async observe(sourceId: string, lagMs: number): Promise<void> {
    const seconds = Math.max(0, lagMs) / 1000;
    const bucket = LAG_BUCKETS_S.findIndex((le) => seconds <= le);
    const key = `${this.prefix}:lag:${sourceId}`;
    await this.redis
      .multi()
      .hincrby(key, `b${bucket === -1 ? LAG_BUCKETS_S.length : bucket}`, 1)
      .hincrbyfloat(key, 'sum', seconds)
      .hincrby(key, 'count', 1)
      .exec();
  }

  async read(sourceIds: readonly string[]): Promise<LagCounts[]> {
    if (sourceIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of sourceIds) pipeline.hgetall(`${this.prefix}:lag:${id}`);
    const replies = (await pipeline.exec()) ?? [];
    return sourceIds.map((sourceId, i) => {
      const h = (replies[i]?.[1] ?? {}) as Record<string, string>;
      let running = 0;
      const buckets = [...LAG_BUCKETS_S, Infinity].map((_, b) => (running += Number(h[`b${b}`] ?? 0)));
      return { sourceId, buckets, sumSeconds: Number(h.sum ?? 0), count: Number(h.count ?? 0) };
    });
  }
}

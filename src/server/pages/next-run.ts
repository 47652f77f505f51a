/** When a source is next crawled: `due` when a tick has passed without its crawl starting yet. */
export interface NextRun {
  due: boolean;
  /** The next tick (ISO); when due, the tick it waits on. Null when nothing tells (never crawled, no scheduler). */
  at: string | null;
}

/**
 * From the source's scheduler in Redis (`schedulerNext`, ms: BullMQ moves it on only once the tick's job starts, so
 * a past value means the crawl waits, for a worker or its host), else from its last crawl plus its period.
 */
export function nextRun(options: { schedulerNext: number | null; lastCrawlAt: string | null; periodMs: number; now: number }): NextRun {
  const { schedulerNext, lastCrawlAt, periodMs, now } = options;
  const at = schedulerNext ?? (lastCrawlAt === null ? null : Date.parse(lastCrawlAt) + periodMs);
  if (at === null || Number.isNaN(at)) return { due: true, at: null };
  return { due: at <= now, at: new Date(at).toISOString() };
}

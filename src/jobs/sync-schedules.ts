import { createHash } from 'node:crypto';
import type { Config } from '../config/index.ts';
import { lostSchedulers, removeSchedulers, schedulerKeys } from './job-schedulers.ts';
import type { VigieQueues } from './vigie-queues.ts';

const PREFIX = 'source-';

/** A new source whose first tick comes sooner than this waits for it instead of being crawled at once as well. */
export const FIRST_TICK_SOON_MS = 60_000;

export interface SyncSchedulesOptions {
  /** Sources to crawl at once even though their scheduler exists (e.g. no baseline yet). Default: none. */
  crawlNow?: ReadonlySet<string>;
}

/**
 * One job scheduler per configured source, upserted in place; schedulers of sources that left the config are
 * removed. A source new to the schedule (or listed in `crawlNow`) is also crawled at once, so its baseline does not
 * wait for the first tick, unless that tick comes within a minute: then the ticks themselves, spread by phase, take
 * the baselines, rather than every source at once and then again at its tick.
 *
 * An `every` schedule gets a phase of its own, derived from the source id: BullMQ otherwise phases each scheduler
 * from the moment it was created, so sources configured together all fall due at the same instant and a host's
 * sources queue up behind one another every period. A stable phase also keeps two processes' upserts identical.
 */
export async function syncSchedules(
  queues: VigieQueues,
  config: Config,
  options: SyncSchedulesOptions = {},
): Promise<{ upserted: string[]; removed: string[]; crawledNow: string[] }> {
  const wanted = new Set(config.sources.map((s) => PREFIX + s.id));
  const existing = await schedulerKeys(queues.crawl);
  const crawledNow: string[] = [];
  for (const source of config.sources) {
    const repeat =
      'cron' in source.schedule
        ? { pattern: source.schedule.cron, tz: 'UTC' }
        : { every: source.schedule.everyMs, offset: phaseOf(source.id, source.schedule.everyMs) };
    try {
      await queues.crawl.upsertJobScheduler(PREFIX + source.id, repeat, {
        name: 'crawl',
        data: { sourceId: source.id },
        opts: queues.crawlJobOptions(),
      });
    } catch (err) {
      throw new Error(`sources "${source.id}": cannot schedule it: ${(err as Error).message}`);
    }
    const firstTickSoon = 'offset' in repeat && nextTickIn(repeat.every!, repeat.offset!) <= FIRST_TICK_SOON_MS;
    if ((!existing.has(PREFIX + source.id) || options.crawlNow?.has(source.id)) && !firstTickSoon) {
      await queues.enqueueCrawl(source.id, `start-${Date.now()}`);
      crawledNow.push(source.id);
    }
  }
  const removed = (await removeSchedulers(queues.crawl, existing, PREFIX, wanted)).map((key) => key.slice(PREFIX.length));
  return { upserted: config.sources.map((s) => s.id), removed, crawledNow };
}

/** Configured sources whose job scheduler Redis no longer holds (see lostSchedulers). */
export async function missingSchedules(queues: VigieQueues, config: Config): Promise<string[]> {
  const lost = await lostSchedulers(queues.connection, queues.crawl, config.sources.map((s) => PREFIX + s.id));
  return config.sources.filter((_, i) => lost[i]).map((s) => s.id);
}

/** Time until an every-schedule's next tick, as BullMQ aligns it (period boundaries plus the phase). */
function nextTickIn(every: number, offset: number, now = Date.now()): number {
  const at = Math.floor(now / every) * every + offset;
  return (at > now ? at : at + every) - now;
}

/** Where in its period a source falls due: spread evenly by a hash of its id, the same in every process. */
export function phaseOf(sourceId: string, everyMs: number): number {
  // BullMQ reads an offset of 0 as "none" (phase from creation time): 1 ms stands in for it.
  return Math.max(1, createHash('sha256').update(sourceId).digest().readUInt32BE(0) % everyMs);
}

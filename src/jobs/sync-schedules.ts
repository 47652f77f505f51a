import type { Config } from '../config/index.ts';
import type { VigieQueues } from './vigie-queues.ts';

const PREFIX = 'source-';

/**
 * One job scheduler per configured source, upserted in place; schedulers of sources that left the config are
 * removed. An `every` schedule runs at once; a cron source also gets one crawl now, so its baseline does not
 * wait for the first cron tick.
 */
export async function syncSchedules(queues: VigieQueues, config: Config): Promise<{ upserted: string[]; removed: string[] }> {
  const wanted = new Set(config.sources.map((s) => PREFIX + s.id));
  for (const source of config.sources) {
    const repeat = 'cron' in source.schedule ? { pattern: source.schedule.cron, tz: 'UTC' } : { every: source.schedule.everyMs };
    try {
      await queues.crawl.upsertJobScheduler(PREFIX + source.id, repeat, {
        name: 'crawl',
        data: { sourceId: source.id },
        opts: queues.crawlJobOptions(),
      });
    } catch (err) {
      throw new Error(`sources "${source.id}": cannot schedule it: ${(err as Error).message}`);
    }
    if ('cron' in source.schedule) await queues.enqueueCrawl(source.id, `start-${Date.now()}`);
  }
  const removed: string[] = [];
  for (const scheduler of await queues.crawl.getJobSchedulers(0, -1)) {
    const id = scheduler.key ?? (scheduler as { id?: string }).id;
    if (id && id.startsWith(PREFIX) && !wanted.has(id)) {
      await queues.crawl.removeJobScheduler(id);
      removed.push(id.slice(PREFIX.length));
    }
  }
  return { upserted: config.sources.map((s) => s.id), removed };
}

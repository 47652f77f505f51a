import { schedulePeriodMs } from '../../jobs/index.ts';
import type { DeliveryListRow, StorySummary } from '../../store/index.ts';
import type { HostReport, LagSummary } from '../load-report.ts';
import type { ServerContext } from '../server-context.ts';
import { nextRun, type NextRun } from './next-run.ts';
import { plainError } from './plain-error.ts';
import { shownDelivery } from './shown-delivery.ts';
import { sourceState, type SourceState } from './source-state.ts';
import { lastDays } from './sparkline.tsx';

export const SPARK_DAYS = 14;
export const LATEST_STORIES = 20;

export interface OverviewSource {
  id: string;
  url: string;
  state: SourceState;
  lastCrawlAt: string | null;
  next: NextRun;
  lag: LagSummary;
  /** New entries per day, one per `OverviewData.days`. */
  perDay: number[];
  error: string | null;
  template: { learned: boolean; pages: number };
}

export interface OverviewData {
  sources: OverviewSource[];
  days: string[];
  overCapacity: HostReport[];
  queues: Record<string, Record<string, number>>;
  failing: DeliveryListRow[];
  stories: StorySummary[];
}

/** Everything the overview shows, read at once. */
export async function overviewData(ctx: ServerContext, now: number): Promise<OverviewData> {
  const days = lastDays(SPARK_DAYS, now);
  const [sources, hosts, queues, daily, failing, stories, schedulers] = await Promise.all([
    ctx.sourcesNow(),
    ctx.hosts(),
    ctx.queueCounts(),
    ctx.store.dailyEntries(days[0]!),
    ctx.store.deliveryList({ failing: true, limit: 50 }),
    ctx.store.stories({ limit: LATEST_STORIES }),
    ctx.queues.crawl.getJobSchedulers(0, -1),
  ]);
  const overHosts = new Set(hosts.filter((h) => h.overCapacity).flatMap((h) => h.sources));
  const counts = new Map(daily.map((d) => [`${d.sourceId} ${d.day}`, d.count]));
  const nextTicks = new Map(schedulers.map((s) => [s.key ?? (s as { id?: string }).id, s.next ?? null]));
  const configured = new Map(ctx.config.sources.map((s) => [s.id, s]));
  return {
    days,
    sources: sources
      .filter((s) => configured.has(s.id))
      .map((s) => ({
        id: s.id,
        url: s.url,
        state: sourceState(s, overHosts.has(s.id)),
        lastCrawlAt: s.lastCrawlAt,
        next: nextRun({ schedulerNext: nextTicks.get(`source-${s.id}`) ?? null, lastCrawlAt: s.lastCrawlAt, periodMs: schedulePeriodMs(configured.get(s.id)!, now), now }),
        lag: s.lag,
        perDay: days.map((day) => counts.get(`${s.id} ${day}`) ?? 0),
        error: plainError(s.lastCrawl),
        template: s.template,
      })),
    overCapacity: hosts.filter((h) => h.overCapacity),
    queues,
    failing: failing.map((d) => shownDelivery(ctx.config, d)),
    stories,
  };
}

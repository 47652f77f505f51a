import { schedulePeriodMs, TEMPLATE_LEARNED_AT } from '../../jobs/index.ts';
import type { CrawlRow, EntryRow, EventRow, SourceHealth } from '../../store/index.ts';
import type { LagSummary } from '../load-report.ts';
import type { ServerContext } from '../server-context.ts';
import { nextRun, type NextRun } from './next-run.ts';
import { plainError } from './plain-error.ts';
import { sourceState, type SourceState } from './source-state.ts';
import { lastDays } from './sparkline.tsx';
import { SPARK_DAYS } from './overview-data.ts';

export const SOURCE_CRAWLS = 50;
export const SOURCE_ENTRIES = 50;

export interface SourceData {
  id: string;
  url: string;
  /** "every 15 min" or "cron 0 * * * * (UTC)". */
  schedule: string;
  health: SourceHealth | null;
  state: SourceState;
  next: NextRun;
  lag: LagSummary;
  error: string | null;
  template: { learned: boolean; pages: number; learnedAt: number };
  crawls: CrawlRow[];
  /** Newest first, each with its story when its article is in one. */
  entries: Array<EntryRow & { storyId: number | null }>;
  healthEvents: EventRow[];
  days: string[];
  perDay: number[];
}

/** A configured source's page data, or null when no configured source has this id. */
export async function sourceData(ctx: ServerContext, id: string, now: number): Promise<SourceData | null> {
  const source = ctx.config.sources.find((s) => s.id === id);
  if (!source) return null;
  const days = lastDays(SPARK_DAYS, now);
  const [all, hosts, crawls, entries, stories, healthEvents, daily, scheduler] = await Promise.all([
    ctx.sourcesNow(),
    ctx.hosts(),
    ctx.store.recentCrawls({ sourceId: id, limit: SOURCE_CRAWLS }),
    ctx.store.recentEntries({ sourceId: id, limit: SOURCE_ENTRIES }),
    // Enough stories to cover the entries listed: each new entry's article opens or joins at most one.
    ctx.store.stories({ sourceId: id, limit: SOURCE_ENTRIES * 2 }),
    ctx.store.events({ sourceId: id, types: ['source.degraded', 'source.recovered'], limit: 50 }),
    ctx.store.dailyEntries(days[0]!),
    ctx.queues.crawl.getJobScheduler(`source-${id}`),
  ]);
  const row = all.find((s) => s.id === id) ?? null;
  const storyOf = new Map(stories.flatMap((s) => s.copies.filter((c) => c.sourceId === id).map((c) => [c.entryId, s.id] as const)));
  const counts = new Map(daily.filter((d) => d.sourceId === id).map((d) => [d.day, d.count]));
  const overCapacity = hosts.some((h) => h.overCapacity && h.sources.includes(id));
  const lastCrawlAt = row?.lastCrawlAt ?? null;
  return {
    id,
    url: source.url,
    schedule: 'cron' in source.schedule ? `cron ${source.schedule.cron} (UTC)` : `every ${everyText(source.schedule.everyMs)}`,
    health: row,
    state: sourceState(row ?? { degraded: false, consecutiveFailures: 0, lastCrawlAt: null }, overCapacity),
    next: nextRun({ schedulerNext: scheduler?.next ?? null, lastCrawlAt, periodMs: schedulePeriodMs(source, now), now }),
    lag: row?.lag ?? { crawls: 0, p50Ms: null, p95Ms: null, maxMs: null },
    error: plainError(row?.lastCrawl ?? null),
    template: { ...(row?.template ?? { learned: false, pages: 0 }), learnedAt: TEMPLATE_LEARNED_AT },
    crawls,
    entries: entries.map((e) => ({ ...e, storyId: storyOf.get(e.id) ?? null })),
    healthEvents,
    days,
    perDay: days.map((d) => counts.get(d) ?? 0),
  };
}

function everyText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

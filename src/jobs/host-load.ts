import { CronExpressionParser } from 'cron-parser';
import { hostOf, intervalOfHost, type Config, type SourceConfig } from '../config/index.ts';

export interface HostLoad {
  host: string;
  sources: string[];
  /** Least time between two requests to the host, from the config (robots.txt may ask for more). */
  intervalMs: number;
  /** Crawls per second the sources' schedules ask of the host. */
  demandPerSecond: number;
  /** Requests per second the host's interval allows; null when spacing is off. */
  allowedPerSecond: number | null;
  overCapacity: boolean;
  /** When over capacity: about how often each source is crawled instead (every source gets one turn per round). */
  crawledEveryMs: number | null;
  /** One sentence for logs and the dashboard, with the figures. */
  summary: string;
}

const DAY_MS = 86_400_000;

// Walking a cron pattern costs about 0.3 ms a tick, and /metrics asks on every scrape: one answer per pattern and day.
const cronPeriods = new Map<string, number>();

/** Mean time between two crawls a source's schedule asks for (a cron pattern: over the next day). */
export function schedulePeriodMs(source: SourceConfig, now = Date.now()): number {
  const { cron, everyMs } = source.schedule as { cron?: string; everyMs?: number };
  if (cron === undefined) return everyMs!;
  const key = `${Math.floor(now / DAY_MS)} ${cron}`;
  let period = cronPeriods.get(key);
  if (period === undefined) {
    if (cronPeriods.size > 1_000) cronPeriods.clear();
    cronPeriods.set(key, (period = cronPeriodMs(cron, now)));
  }
  return period;
}

function cronPeriodMs(cron: string, now: number): number {
  const it = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date(now) });
  let n = 0;
  // Capped: a per-second pattern fires 86,400 times a day, and 1,000 ticks tell its rate as well.
  for (; n < 1_000 && it.hasNext(); n++) if (it.next().getTime() > now + DAY_MS) break;
  const span = n >= 1_000 ? it.prev().getTime() - now : DAY_MS;
  return n > 0 ? span / n : DAY_MS;
}

/**
 * Demand against capacity for each host the sources are on, and for `alsoHosts` (hosts that only article jobs
 * visit): a host whose sources ask for more crawls per second than its interval allows is over capacity, and each
 * of its sources is then crawled about once per round of them.
 */
export function hostLoad(config: Pick<Config, 'crawl' | 'hosts' | 'sources'>, now = Date.now(), alsoHosts: Iterable<string> = []): HostLoad[] {
  const byHost = new Map<string, SourceConfig[]>();
  for (const s of config.sources) {
    const host = hostOf(s.url);
    (byHost.get(host) ?? byHost.set(host, []).get(host)!).push(s);
  }
  for (const host of alsoHosts) if (!byHost.has(host)) byHost.set(host, []);
  return [...byHost].sort(([a], [b]) => a.localeCompare(b)).map(([host, sources]) => {
    const intervalMs = intervalOfHost(config, host);
    const periods = sources.map((s) => schedulePeriodMs(s, now));
    const demandPerSecond = periods.reduce((sum, p) => sum + 1000 / p, 0);
    const allowedPerSecond = intervalMs > 0 ? 1000 / intervalMs : null;
    const overCapacity = allowedPerSecond !== null && demandPerSecond > allowedPerSecond;
    const crawledEveryMs = overCapacity ? sources.length * intervalMs : null;
    const fmt = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(n >= 1 ? 1 : 2).replace(/\.?0+$/, ''));
    const capacity =
      allowedPerSecond === null
        ? `${host} has no spacing (interval 0)`
        : `${host} allows ${fmt(allowedPerSecond)} req/s` + (overCapacity ? `: each is crawled about every ${fmt(crawledEveryMs! / 1000)} s` : '');
    const summary =
      sources.length === 0
        ? `no source on ${host}; article jobs only`
        : `${sources.length} source${sources.length > 1 ? 's' : ''} ${describeSchedules(sources, periods)} need ${fmt(demandPerSecond)} req/s; ${capacity}`;
    return { host, sources: sources.map((s) => s.id), intervalMs, demandPerSecond, allowedPerSecond, overCapacity, crawledEveryMs, summary };
  });
}

function describeSchedules(sources: SourceConfig[], periods: number[]): string {
  const texts = sources.map((s, i) => ('cron' in s.schedule ? `on cron "${s.schedule.cron}"` : `every ${duration(periods[i]!)}`));
  const distinct = [...new Set(texts)];
  if (distinct.length === 1) return distinct[0]!;
  const lo = Math.min(...periods);
  const hi = Math.max(...periods);
  return `every ${duration(lo)} to ${duration(hi)}`;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0 || ms >= 10_000) return `${Math.round(ms / 1000)}s`;
  return `${ms}ms`;
}

import { hostIntervalFor, type Config } from '../config/index.ts';
import type { RobotsPolicy } from './robots-policy.ts';

/** The longest robots.txt `Crawl-delay` honoured: a larger one (a typo, a day) would silence the source. */
export const MAX_CRAWL_DELAY_MS = 10 * 60_000;

export interface HostSpacing {
  /** Least time between two requests to the host, in ms. */
  intervalMs: number;
  /** What the configuration alone says (`hosts.<host>.interval`, else `crawl.hostInterval`). */
  configuredMs: number;
  /** The robots.txt `Crawl-delay` asked of us, in ms, when it is longer than the configured interval. */
  crawlDelayMs: number | null;
}

/** Spacing for `url`'s host: the configured interval, or robots.txt's `Crawl-delay` when that is longer (capped). */
export async function hostSpacing(config: Pick<Config, 'crawl' | 'hosts'>, robots: RobotsPolicy | null, url: string): Promise<HostSpacing> {
  const configuredMs = hostIntervalFor(config, url);
  const asked = robots ? await robots.crawlDelayMs(url) : undefined;
  if (asked === undefined || !(asked > configuredMs)) return { intervalMs: configuredMs, configuredMs, crawlDelayMs: null };
  const crawlDelayMs = Math.min(asked, MAX_CRAWL_DELAY_MS);
  return { intervalMs: Math.max(configuredMs, crawlDelayMs), configuredMs, crawlDelayMs };
}

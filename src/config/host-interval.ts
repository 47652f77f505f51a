import type { Config } from './config-schema.ts';

/** The host a URL's requests count against: host name and non-default port, lower-cased (`example.org:8080`). */
export function hostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

/** The configured least time between two requests to `url`'s host: `hosts.<host>.interval`, else `crawl.hostInterval`. */
export function hostIntervalFor(config: Pick<Config, 'crawl' | 'hosts'>, url: string): number {
  return intervalOfHost(config, hostOf(url));
}

/** The same, for a host already in `hostOf` form. */
export function intervalOfHost(config: Pick<Config, 'crawl' | 'hosts'>, host: string): number {
  return config.hosts[host]?.interval ?? config.crawl.hostInterval;
}

import type { Config } from './config/index.ts';
import type { LookupAll } from './crawlers/guarded-agent.ts';
import { fetchPages } from './crawlers/page-fetcher.ts';
import { RobotsPolicy } from './crawlers/robots-policy.ts';
import type { Logger } from './config/logger.ts';
import { configWatchlists } from './jobs/use-cases/config-watchlists.ts';
import type { UseCaseDeps } from './jobs/use-cases/deps.ts';
import { openStore as openConfiguredStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

// Imports are narrow on purpose: `vigie start --once` and `vigie check` use this module without BullMQ or Fastify,
// and Playwright (about 60 MB and a second of imports) is loaded only for a config with a browser source.

/** Opens the configured store: Postgres when `database` (or DATABASE_URL) names one, else `<storage>/vigie.db`. */
export function openStore(config: Config): Promise<Store> {
  return openConfiguredStore({ database: config.database, storage: config.storage });
}

/** Builds the use-case dependencies shared by workers and `--once`. Close `deps.browser` when done. */
export interface DepsOptions {
  /** The resolver of the connect-time address check for page fetches. Default: the system's. Tests inject one. */
  lookup?: LookupAll;
}

export async function useCaseDeps(config: Config, store: Store, log: Logger, options: DepsOptions = {}): Promise<UseCaseDeps> {
  // Compiled once here, so a bad term stops the process at start (a ConfigError), not at the first article.
  configWatchlists(config);
  const robots = config.crawl.respectRobotsTxt ? new RobotsPolicy({ userAgent: config.crawl.userAgent, allowNetworks: config.network.allow, maxBytes: config.limits.maxRobotsBytes }) : null;
  // Chromium is launched on the first browser job only, and only when some source renders in a browser.
  const browser = config.sources.some((s) => s.render === 'browser')
    ? new (await import('./crawlers/browser-fetcher.ts')).BrowserFetcher({
        userAgent: config.crawl.userAgent,
        timeoutMs: config.crawl.timeout,
        log,
        allowNetworks: config.network.allow,
        maxBodyBytes: config.limits.maxBodyBytes,
        noSandbox: config.crawl.chromiumNoSandbox,
      })
    : null;
  const { lookup } = options;
  const fetch: UseCaseDeps['fetchPages'] = lookup ? (requests, fetchOptions) => fetchPages(requests, { ...fetchOptions, lookup }) : fetchPages;
  return { config, store, log, robots, browser, fetchPages: fetch, now: () => new Date() };
}

// Types only: the class loads Playwright, which a process without browser sources should not pay for.
export type { BrowserFetcher, BrowserFetcherOptions } from './browser-fetcher.ts';
export { fateOf, type Fate, type FatedError } from '../config/fate.ts';
export { FetchFailedError } from './fetch-failed-error.ts';
export { HttpStatusError } from './http-status-error.ts';
export { fetchPages, type PageFetcherOptions, type PageResult } from './page-fetcher.ts';
export type { Page, PageRequest } from './page.ts';
export { parseRetryAfter } from '../config/retry-after.ts';
export { RobotsDisallowedError } from './robots-disallowed-error.ts';
export { RobotsPolicy, type RobotsPolicyOptions } from './robots-policy.ts';
export { NotHtmlError } from './not-html-error.ts';
export { hostSpacing, MAX_CRAWL_DELAY_MS, type HostSpacing } from './host-spacing.ts';
export { guardedAgent, guardedConnector, type GuardOptions, type LookupAll } from './guarded-agent.ts';
export { RefusedAddressError, refusalIn } from './refused-address-error.ts';

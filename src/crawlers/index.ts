export { CHROMIUM_ARGS } from './browser-fetch.ts';
export { fateOf, type Fate, type FatedError } from './fate.ts';
export { FetchFailedError } from './fetch-failed-error.ts';
export { HttpStatusError } from './http-status-error.ts';
export { fetchPages, type PageFetcherOptions, type PageResult } from './page-fetcher.ts';
export type { Page, PageRequest } from './page.ts';
export { parseRetryAfter } from './retry-after.ts';
export { RobotsDisallowedError } from './robots-disallowed-error.ts';
export { RobotsPolicy, type RobotsPolicyOptions } from './robots-policy.ts';

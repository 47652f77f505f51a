import type { CrawlRecord } from '../../store/index.ts';

/** What each kind of fetch error means, said for a person (the error's own message follows with the details). */
const MEANINGS: Record<string, string> = {
  FetchFailedError: 'Could not reach the site',
  RobotsDisallowedError: "The site's robots.txt forbids reading this page",
  NotHtmlError: 'The page is not HTML',
  EmptyPageError: 'The page came back empty',
  PageLimitError: 'The page is over a configured limit',
  RefusedAddressError: 'The address is refused by the network policy',
  ChromiumSandboxError: 'The browser could not start',
};

function statusMeaning(status: number): string {
  if (status === 404 || status === 410) return 'The page is gone';
  if (status === 401 || status === 403) return 'The site refuses us';
  if (status === 429) return 'The site asks us to slow down';
  if (status >= 500) return 'The site has a server error';
  return `The site answered HTTP ${status}`;
}

/**
 * A crawl's error in plain words: "The site has a server error (https://x/ answered HTTP 500)". Notes of crawls that
 * did not fail (no list found, a new baseline) are plain already. Null when there is nothing to say.
 */
export function plainError(crawl: Pick<CrawlRecord, 'error' | 'status' | 'outcome'> | null): string | null {
  if (!crawl?.error) return null;
  const m = /^([A-Z][A-Za-z]*Error): ([\s\S]*)$/.exec(crawl.error);
  if (!m) return crawl.error;
  const name = m[1]!;
  const detail = m[2]!;
  const meaning = name === 'HttpStatusError' && crawl.status !== null ? statusMeaning(crawl.status) : MEANINGS[name];
  return meaning ? `${meaning} (${detail})` : detail;
}

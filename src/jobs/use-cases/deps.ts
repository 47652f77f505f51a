import type { Config } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { SniffedHtml } from '../../extract/decode-html.ts';
import type { BrowserFetcher, PageFetcherOptions, PageRequest, PageResult, RobotsPolicy } from '../../crawlers/index.ts';
import type { LatestList, LatestListOptions } from '../../crawlers/latest-list.ts';
import type { Store } from '../../store/index.ts';

export type { Logger } from '../../config/logger.ts';

/** What every use-case gets handed: nothing reads globals, so tests and `--once` wire their own. */
export interface UseCaseDeps {
  config: Config;
  store: Store;
  log: Logger;
  robots: RobotsPolicy | null;
  /** The process's long-lived Chromium for `render: browser` sources; null when no source needs one. */
  browser: BrowserFetcher | null;
  fetchPages: (requests: PageRequest[], options: PageFetcherOptions) => Promise<PageResult[]>;
  /**
   * Reads a fetched page's latest list, from its text or its sniffed bytes (Page.sniffed). Default: on the calling
   * thread (readLatestList). `--once` hands a ListReader's.
   */
  readList?: (page: string | SniffedHtml, options: LatestListOptions) => Promise<LatestList>;
  now: () => Date;
}

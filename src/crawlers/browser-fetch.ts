import { BrowserFetcher } from './browser-fetcher.ts';
import type { PageFetcherOptions, PageResult } from './page-fetcher.ts';
import type { PageRequest } from './page.ts';

/**
 * Renders pages in Chromium for sources whose list is built by script. A process that renders often passes its
 * long-lived `options.browser`; a one-off caller (`vigie check`) gets a browser for this call only.
 */
export async function fetchWithBrowser(requests: PageRequest[], options: PageFetcherOptions): Promise<PageResult[]> {
  const fetcher =
    options.browser ??
    new BrowserFetcher({
      userAgent: options.userAgent,
      timeoutMs: options.timeoutMs,
      executablePath: options.executablePath,
      noSandbox: options.chromiumNoSandbox,
      log: options.log,
      allowNetworks: options.allowNetworks,
      maxBodyBytes: options.limits?.maxBodyBytes,
    });
  try {
    return await Promise.all(
      requests.map((r) =>
        fetcher.fetch(r, async (url) => {
          await options.beforeRequest?.(url);
          options.onRequestSent?.(url);
        }),
      ),
    );
  } finally {
    if (!options.browser) await fetcher.close();
  }
}

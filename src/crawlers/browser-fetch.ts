import { createHash } from 'node:crypto';
import { Configuration, PlaywrightCrawler, RequestList } from '@crawlee/playwright';
import { chromium } from 'playwright';
import { FetchFailedError } from './fetch-failed-error.ts';
import { HttpStatusError } from './http-status-error.ts';
import type { PageFetcherOptions, PageResult } from './page-fetcher.ts';
import type { PageRequest } from './page.ts';
import { parseRetryAfter } from './retry-after.ts';

/** Flags that let Debian's chromium start headless as root on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Renders pages in Chromium for sources whose list is built by script. The HTML handed back is the DOM after
 * the network went quiet, so it is already decoded; there is no conditional GET, but identical rendered bytes
 * still count as not modified.
 */
export async function fetchWithBrowser(requests: PageRequest[], options: PageFetcherOptions): Promise<PageResult[]> {
  const results = new Map<string, PageResult>();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const config = new Configuration({ persistStorage: false, purgeOnStart: false, headless: true });
  const list = await RequestList.open(
    null,
    requests.map((r, i) => ({ url: r.url, uniqueKey: String(i) })),
  );
  const crawler = new PlaywrightCrawler(
    {
      requestList: list,
      maxRequestRetries: 0,
      useSessionPool: false,
      persistCookiesPerSession: false,
      maxConcurrency: Math.min(options.concurrency ?? 2, 4),
      navigationTimeoutSecs: timeoutMs / 1000,
      requestHandlerTimeoutSecs: Math.max(5, timeoutMs / 1000),
      launchContext: {
        launcher: chromium,
        userAgent: options.userAgent,
        launchOptions: { executablePath: options.executablePath ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
      },
      browserPoolOptions: { useFingerprints: false },
      statisticsOptions: { logIntervalSecs: 3600, saveErrorSnapshots: false },
      requestHandler: async ({ request, response, page }) => {
        const asked = requests[Number(request.uniqueKey)]!;
        const status = response?.status() ?? 0;
        if (status >= 400) {
          const retryAfter = parseRetryAfter(await response?.headerValue('retry-after'));
          results.set(request.uniqueKey, { ok: false, url: asked.url, error: new HttpStatusError(asked.url, status, retryAfter) });
          return;
        }
        await page.waitForLoadState('networkidle', { timeout: Math.min(5_000, timeoutMs) }).catch(() => undefined);
        const html = await page.content();
        const bodyHash = createHash('sha256').update(html).digest('hex');
        const notModified = asked.bodyHash === bodyHash;
        results.set(request.uniqueKey, {
          ok: true,
          page: {
            url: asked.url,
            finalUrl: page.url(),
            status,
            notModified,
            html: notModified ? null : html,
            charset: 'utf-8',
            etag: null,
            lastModified: null,
            bodyHash,
            bytes: Buffer.byteLength(html),
            durationMs: 0,
          },
        });
      },
      failedRequestHandler: async ({ request }, error) => {
        results.set(request.uniqueKey, { ok: false, url: request.url, error: new FetchFailedError(request.url, error.message.split('\n')[0]!) });
      },
    },
    config,
  );
  await crawler.run();
  await crawler.teardown();
  return requests.map((r, i) => results.get(String(i)) ?? { ok: false, url: r.url, error: new FetchFailedError(r.url, 'no response') });
}

import { createHash, randomUUID } from 'node:crypto';
import { Configuration, PlaywrightCrawler, RequestQueue, type PlaywrightCrawlingContext } from '@crawlee/playwright';
import { chromium } from 'playwright';
import { chromiumLaunchOptions, chromiumSandbox, ChromiumSandboxError } from './chromium-sandbox.ts';
import { crawleeLog } from './crawlee-log.ts';
import { FetchFailedError } from './fetch-failed-error.ts';
import { REFUSED_HEADER, refusalFromHeader, startGuardedProxy, type GuardedProxy } from './guarded-proxy.ts';
import { HttpStatusError } from './http-status-error.ts';
import type { Page, PageRequest } from './page.ts';
import { PageLimitError } from './page-limit-error.ts';
import { parseRetryAfter } from '../config/retry-after.ts';

/** Flags for Debian's chromium, headless on a machine with no outside network. The sandbox is chromiumSandbox's call. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Result = { ok: true; page: Page } | { ok: false; url: string; error: Error };

export interface BrowserFetcherOptions {
  /** Sent by the browser on every request. Required. */
  userAgent: string;
  /** Navigation timeout. Default 30 s. */
  timeoutMs?: number;
  /** Pages rendered at once. Each tab costs tens of MB on top of the browser's ~400 MB. Default 2. */
  maxConcurrency?: number;
  /** Browser binary. Default `/usr/bin/chromium` (Debian's package; Playwright's own download cannot work here). */
  executablePath?: string;
  /** How long rendering waits for the network to go quiet after load, for lists fetched by script. Default 5 s. */
  settleMs?: number;
  log?: { warn(obj: object, msg?: string): void };
  /**
   * CIDRs the browser may connect to although private (`network.allow`). Everything the browser fetches goes through
   * a guarded proxy that refuses every other private address, redirects and sub-resources included. Default: none.
   */
  allowNetworks?: readonly string[];
  /** Largest rendered page (`limits.maxBodyBytes`); a larger DOM fails with a PageLimitError. Default 10 MB. */
  maxBodyBytes?: number;
  /** `crawl.chromiumNoSandbox`: drop Chromium's sandbox, which is done only when running as root. Default false. */
  noSandbox?: boolean;
  /** The process's uid, for the sandbox decision. Default `process.getuid()`. */
  uid?: number | null;
}

/**
 * One long-lived PlaywrightCrawler (keepAlive) shared by every browser job of a process: Chromium is launched
 * once, not per job, and each `fetch` is a request on the crawler's in-memory queue. Close it on shutdown.
 */
export class BrowserFetcher {
  private readonly pending = new Map<string, { request: PageRequest; resolve: (r: Result) => void; beforeRequest?: (url: string) => Promise<void> | void }>();
  private readonly options: BrowserFetcherOptions;
  private started: Promise<{ crawler: PlaywrightCrawler; queue: RequestQueue; done: Promise<unknown>; proxy: GuardedProxy }> | null = null;

  constructor(options: BrowserFetcherOptions) {
    if (!options?.userAgent) throw new TypeError('BrowserFetcher: options.userAgent is required');
    if (options.maxConcurrency !== undefined && !(Number.isInteger(options.maxConcurrency) && options.maxConcurrency > 0)) {
      throw new TypeError(`BrowserFetcher: options.maxConcurrency must be a positive integer, got ${options.maxConcurrency}`);
    }
    this.options = options;
  }

  /** Renders one page; `beforeRequest` is awaited just before the browser navigates to it. */
  async fetch(request: PageRequest, beforeRequest?: (url: string) => Promise<void> | void): Promise<Result> {
    const sandbox = this.sandbox();
    if (!sandbox.ok) return { ok: false, url: request.url, error: new ChromiumSandboxError(request.url, sandbox.error) };
    const { queue } = await this.start();
    const uniqueKey = randomUUID();
    const result = new Promise<Result>((resolve) => this.pending.set(uniqueKey, { request, resolve, beforeRequest }));
    await queue.addRequest({ url: request.url, uniqueKey });
    return result;
  }

  async close(): Promise<void> {
    if (!this.started) return;
    const { crawler, done, proxy } = await this.started;
    this.started = null;
    crawler.stop('closing');
    await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    await crawler.teardown().catch(() => undefined);
    await proxy.close();
    for (const [key, p] of this.pending) p.resolve({ ok: false, url: p.request.url, error: new FetchFailedError(p.request.url, 'browser closed') }), this.pending.delete(key);
  }

  private sandbox() {
    return chromiumSandbox({ noSandbox: this.options.noSandbox ?? false, uid: this.options.uid !== undefined ? this.options.uid : (process.getuid?.() ?? null) });
  }

  private start() {
    this.started ??= (async () => {
      const sandbox = this.sandbox();
      if (sandbox.ok && sandbox.note) this.options.log?.warn({ sandbox: sandbox.sandbox }, sandbox.note);
      const config = new Configuration({ persistStorage: false, purgeOnStart: false, headless: true });
      const queue = await RequestQueue.open(null, { config });
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      const proxy = await startGuardedProxy(this.options.allowNetworks ?? []);
      const crawler = new PlaywrightCrawler(
        {
          requestQueue: queue,
          keepAlive: true,
          maxRequestRetries: 0,
          useSessionPool: false,
          persistCookiesPerSession: false,
          maxConcurrency: this.options.maxConcurrency ?? 2,
          navigationTimeoutSecs: timeoutMs / 1000,
          requestHandlerTimeoutSecs: Math.max(10, timeoutMs / 1000 + 10),
          launchContext: {
            launcher: chromium,
            userAgent: this.options.userAgent,
            // Playwright adds `<-loopback>` to the bypass list, so loopback goes through the proxy too.
            launchOptions: chromiumLaunchOptions(
              { executablePath: this.options.executablePath ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, proxy: { server: proxy.url } },
              { sandbox: sandbox.ok && sandbox.sandbox },
            ),
          },
          browserPoolOptions: { useFingerprints: false },
          statisticsOptions: { logIntervalSecs: 3600, saveErrorSnapshots: false },
          log: crawleeLog(this.options.log),
          preNavigationHooks: [async ({ request }) => await this.pending.get(request.uniqueKey)?.beforeRequest?.(request.url)],
          requestHandler: (ctx) => this.handle(ctx),
          failedRequestHandler: async ({ request }, error) => {
            // A refused https host: its tunnel was refused, which the browser reports as a bare tunnel failure.
            const refused = /ERR_TUNNEL_CONNECTION_FAILED/.test(error.message) ? proxy.refusals.get(new URL(request.url).hostname.replace(/^\[(.*)\]$/, '$1')) : undefined;
            const reason = refused?.forUrl(request.url) ?? new FetchFailedError(request.url, error.message.split('\n')[0]!);
            this.settle(request.uniqueKey, { ok: false, url: request.url, error: reason });
          },
        },
        config,
      );
      const done = crawler.run().catch((err: Error) => this.options.log?.warn({ err: err.message }, 'browser crawler stopped'));
      return { crawler, queue, done, proxy };
    })();
    return this.started;
  }

  private async handle({ request, response, page }: PlaywrightCrawlingContext): Promise<void> {
    const asked = this.pending.get(request.uniqueKey)?.request ?? { url: request.url };
    const status = response?.status() ?? 0;
    const refused = refusalFromHeader(await response?.headerValue(REFUSED_HEADER));
    if (refused) return this.settle(request.uniqueKey, { ok: false, url: asked.url, error: refused.forUrl(asked.url) });
    if (status >= 400) {
      const retryAfter = parseRetryAfter(await response?.headerValue('retry-after'));
      return this.settle(request.uniqueKey, { ok: false, url: asked.url, error: new HttpStatusError(asked.url, status, retryAfter) });
    }
    await page.waitForLoadState('networkidle', { timeout: this.options.settleMs ?? 5_000 }).catch(() => undefined);
    const maxBytes = this.options.maxBodyBytes ?? 10 * 1024 ** 2;
    // Measured in the page first, so a huge DOM is never serialised across to this process; a character is at
    // least one byte, and the exact byte count is checked once the HTML is here.
    const chars = await page.evaluate(() => document.documentElement?.outerHTML.length ?? 0).catch(() => 0);
    const tooLarge = PageLimitError.rendered(asked.url, maxBytes);
    if (chars > maxBytes) return this.settle(request.uniqueKey, { ok: false, url: asked.url, error: tooLarge });
    const html = await page.content();
    if (Buffer.byteLength(html) > maxBytes) return this.settle(request.uniqueKey, { ok: false, url: asked.url, error: tooLarge });
    const bodyHash = createHash('sha256').update(html).digest('hex');
    const notModified = asked.bodyHash === bodyHash;
    this.settle(request.uniqueKey, {
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
      },
    });
  }

  private settle(key: string, result: Result): void {
    const p = this.pending.get(key);
    this.pending.delete(key);
    p?.resolve(result);
  }
}

import { createHash } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { totalmem } from 'node:os';
import { Configuration, Request } from '@crawlee/cheerio';
import { crawleeLog } from './crawlee-log.ts';
import { decodeSniffed, sniffHtml, type SniffedHtml } from '../extract/decode-html.ts';
import { FetchFailedError } from './fetch-failed-error.ts';
import { guardedAgent, type LookupAll } from './guarded-agent.ts';
import { HttpStatusError } from './http-status-error.ts';
import { NotHtmlError } from './not-html-error.ts';
import type { Page, PageRequest } from './page.ts';
import { RawHtmlCrawler, type RawHtmlContext } from './raw-html-crawler.ts';
import { refusalIn } from './refused-address-error.ts';
import { limitIn } from './page-limit-error.ts';
import { sniffPage, unknownCharset } from './sniff-page.ts';
import { RequestFeed } from './request-feed.ts';
import { parseRetryAfter } from '../config/retry-after.ts';
import { RobotsDisallowedError } from './robots-disallowed-error.ts';
import type { BrowserFetcher } from './browser-fetcher.ts';
import type { RobotsPolicy } from './robots-policy.ts';
import { QuietEventManager } from './quiet-event-manager.ts';
import { UndiciHttpClient } from './undici-http-client.ts';

/** A page, or the error that explains why there is none. One per request, in request order. */
export type PageResult = { ok: true; page: Page } | { ok: false; url: string; error: Error };

export interface PageFetcherOptions {
  /** `http`: RawHtmlCrawler (a Crawlee BasicCrawler on the undici client); `browser`: PlaywrightCrawler on Debian's chromium. Default `http`. */
  render?: 'http' | 'browser';
  /** Sent on every request; an honest name with a contact. Required. */
  userAgent: string;
  /** Whole-request timeout. Default 30 s. */
  timeoutMs?: number;
  /**
   * CIDRs that may be connected to although private (`network.allow`). Every other loopback, private, link-local...
   * address is refused when connecting, redirects included, with a RefusedAddressError. Default: none.
   */
  allowNetworks?: readonly string[];
  /** The resolver the connect-time check uses. Default: the system's. Tests inject one (see guardedConnector). */
  lookup?: LookupAll;
  /** What one response may cost (`limits.maxBodyBytes`, `limits.maxRedirects`). Default: 10 MB, 5 redirects. */
  limits?: { maxBodyBytes?: number; maxRedirects?: number };
  /** Skips URLs that robots.txt disallows for our User-Agent. Share one across calls so robots.txt is cached. Default: none (no check). */
  robots?: RobotsPolicy | null;
  /** Parallel requests within one call of `fetch`. Default 10. */
  concurrency?: number;
  /** Path of the browser for `render: browser`. Default `/usr/bin/chromium`. */
  executablePath?: string;
  /** `crawl.chromiumNoSandbox`, for `render: browser` without a long-lived `browser`: see chromiumSandbox. Default false. */
  chromiumNoSandbox?: boolean;
  /** A long-lived browser for `render: browser`, shared across calls. Default: one launched for this call only. */
  browser?: BrowserFetcher | null;
  /** Pino-compatible logger; Crawlee's own messages go to it at warn level and above. */
  log?: { warn(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };
  /**
   * Awaited just before each request leaves (after robots.txt, once the crawler is ready), so a per-host spacing
   * can count from the moment the site really sees the request. Default: none.
   */
  beforeRequest?: (url: string) => Promise<void> | void;
  /**
   * Called once per request when it has left: over HTTP when its headers are written to the socket (undici's
   * `undici:client:sendHeaders`), in the browser just before navigating. Default: none.
   */
  onRequestSent?: (url: string) => void;
}

/** Only HTML is a page: text, JSON, feeds and files are refused, with NotHtmlError. */
const HTML_TYPES = /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i;
// Given, so the autoscaled pool does not spawn `ps` to learn it on every call.
const MEMORY_MBYTES = Math.floor(totalmem() / 1024 / 1024);
/**
 * The `beforeRequest` hooks of the calls in flight, by request URL. Awaited by the HTTP client itself: on a cold
 * crawler, half a second can pass between Crawlee's pre-navigation hooks and the request really leaving.
 */
const beforeSend = new Map<string, NonNullable<PageFetcherOptions['beforeRequest']>>();
/** One client per allow-list and limits, each on its allow-list's guarded keep-alive agent. */
const httpClients = new Map<string, UndiciHttpClient>();
function httpClientFor(allow: readonly string[], limits: PageFetcherOptions['limits'] = {}, lookup?: LookupAll): UndiciHttpClient {
  const key = `${allow.join(',')} ${limits.maxBodyBytes} ${limits.maxRedirects} ${lookupId(lookup)}`;
  let client = httpClients.get(key);
  if (!client) httpClients.set(key, (client = new UndiciHttpClient(guardedAgent(allow, lookup), (url) => beforeSend.get(url)?.(url), limits)));
  return client;
}

/** Ids of injected resolvers (tests), for the keys of the clients and shared crawlers built on them; 0 is the system's. */
const lookupIds = new WeakMap<LookupAll, number>();
let lookupCount = 0;
function lookupId(lookup: LookupAll | undefined): number {
  if (!lookup) return 0;
  let id = lookupIds.get(lookup);
  if (id === undefined) lookupIds.set(lookup, (id = ++lookupCount));
  return id;
}

/** The `onRequestSent` hooks of the calls in flight, by origin + path as undici reports a request it has written. */
const onSent = new Map<string, { url: string; hook: (url: string) => void }>();
const sentKey = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search}`;
};
diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const { request } = message as { request: { origin?: string; path?: string } };
  const key = `${request.origin}${request.path}`;
  const entry = onSent.get(key);
  if (!entry) return;
  onSent.delete(key);
  entry.hook(entry.url);
});
let nextStatisticsId = 0;

/**
 * Fetches pages through Crawlee, over HTTP on a long-lived crawler shared by the calls of the process (with a
 * private Configuration: no `./storage`, no dedup cache), at most `concurrency` requests of one call at a time.
 * Sends the conditional-GET validators it is given and reports 304 or identical bytes as `notModified` without
 * decoding them.
 */
export async function fetchPages(requests: PageRequest[], options: PageFetcherOptions): Promise<PageResult[]> {
  if (!options.userAgent) throw new TypeError('fetchPages: options.userAgent is required');
  if (requests.length === 0) return [];
  const results = new Map<string, PageResult>();
  const allowed = await checkRobots(requests, options.robots, results);
  if (allowed.length === 0) return collect(requests, results);
  if (options.render === 'browser') {
    // Loaded on first use: Playwright and @crawlee/playwright take about a second to import, which a process
    // crawling over HTTP only (`vigie start --once`, `vigie check`) should not pay.
    const { fetchWithBrowser } = await import('./browser-fetch.ts');
    const rendered = await fetchWithBrowser(allowed.map((i) => requests[i]!), options);
    rendered.forEach((r, j) => results.set(String(allowed[j]), r));
    return collect(requests, results);
  }

  const crawler = sharedCrawler(options);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 10, allowed.length));
  let next = 0;
  // `concurrency` lanes, each with one request of this call on the shared crawler at a time.
  const lane = async (): Promise<void> => {
    while (next < allowed.length) {
      const i = allowed[next++]!;
      results.set(String(i), await crawler.fetch(requests[i]!, options));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return collect(requests, results);
}

/** A request on the shared crawler, until its result is known. */
interface Job {
  asked: PageRequest;
  settle: (result: PageResult) => void;
  fail: (error: Error) => void;
}

/** Requests in flight on one shared crawler at most; each call also keeps to its own `concurrency`. */
const SHARED_CONCURRENCY = 64;
/**
 * How long a shared crawler with nothing to do keeps running. A running crawler keeps the process alive (Crawlee's
 * timers), so an idle one stops: a finished `vigie start --once` exits this long after its last request. A
 * request after that starts a new run, which costs what every call cost before crawlers were shared.
 */
const IDLE_STOP_MS = 100;

/**
 * One long-lived crawler (keepAlive) per logger and timeout, fed through an in-memory RequestFeed, so a request
 * costs a push and a handler call rather than a whole run: Crawlee builds its request list, autoscaled pool and
 * statistics and checks its options on every `run()`, about 1.5-2 ms of CPU, as much as the rest of a 304. Each
 * crawler has a private Configuration (never the global one, so no `./storage` and no shared dedup state); every
 * request has a unique key of its own, so a late event of a request that timed out cannot be taken for another.
 */
class SharedCrawler {
  private readonly jobs = new Map<string, Job>();
  private readonly feed = new RequestFeed();
  private crawler: RawHtmlCrawler | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly log: PageFetcherOptions['log'],
    private readonly httpClient: UndiciHttpClient,
  ) {}

  fetch(asked: PageRequest, options: PageFetcherOptions): Promise<PageResult> {
    const uniqueKey = String(nextRequestId++);
    const { url } = asked;
    const hook = options.beforeRequest;
    const sent = options.onRequestSent;
    // Two calls on one URL at once register the same kind of hook (spacing that URL's host): either may serve.
    if (hook) beforeSend.set(url, hook);
    if (sent) onSent.set(sentKey(url), { url, hook: sent });
    const result = new Promise<PageResult>((settle, fail) => this.jobs.set(uniqueKey, { asked, settle, fail }));
    this.feed.push(new Request({ url, uniqueKey, headers: validatorHeaders(asked, options.userAgent) }));
    this.wake();
    return result.finally(() => {
      if (hook && beforeSend.get(url) === hook) beforeSend.delete(url);
      if (sent && onSent.get(sentKey(url))?.hook === sent) onSent.delete(sentKey(url));
    });
  }

  private wake(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.running) {
      // A stopping run takes no new request; it starts again when it has finished (see run).
      if (!this.stopping) void this.crawler?.autoscaledPool?.notify();
      return;
    }
    this.stopping = false;
    const crawler = (this.crawler ??= newCrawler(this.timeoutMs, this.log, this.httpClient, this.feed, (key, ctx) => this.handle(key, ctx), (key, url, error) => {
      // Called after every request; the error is only built for one still waiting (a stack trace costs tens of us).
      if (!this.jobs.has(key)) return;
      const cause = error ?? new Error('no response');
      this.settle(key, { ok: false, url, error: refusalIn(cause)?.forUrl(url) ?? limitIn(cause)?.forUrl(url) ?? new FetchFailedError(url, conciseReason(cause)) });
    }));
    runningShared.add(this);
    this.running = crawler.run().then(
      () => undefined,
      (err: Error) => {
        // A crawler whose run failed is dropped, not reused; the calls waiting on it fail with its error.
        this.crawler = null;
        this.feed.drain();
        for (const [key, job] of this.jobs) this.jobs.delete(key), job.fail(err);
      },
    );
    void this.running.then(() => {
      this.running = null;
      runningShared.delete(this);
      if (this.jobs.size > 0) this.wake();
    });
  }

  private handle(uniqueKey: string, ctx: RawHtmlContext): void {
    const job = this.jobs.get(uniqueKey);
    if (job) this.settle(uniqueKey, responseResult(job.asked, ctx));
  }

  /** Stops the crawler now if it has nothing to do, instead of IDLE_STOP_MS later; resolves when its run has ended. */
  async stopIfIdle(): Promise<void> {
    if (this.jobs.size > 0 || !this.running || !this.crawler) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const running = this.running;
    if (!this.stopping) {
      this.stopping = true;
      this.crawler.stop('idle');
      void this.crawler.autoscaledPool?.notify();
    }
    await running;
  }

  private settle(uniqueKey: string, result: PageResult): void {
    const job = this.jobs.get(uniqueKey);
    if (!job) return;
    this.jobs.delete(uniqueKey);
    job.settle(result);
    if (this.jobs.size === 0 && this.running && !this.idleTimer) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        void this.stopIfIdle();
      }, IDLE_STOP_MS);
    }
  }
}

let nextRequestId = 0;
/** The shared crawlers whose run has not ended, for stopIdleFetchers (the maps below hold them by logger, weakly). */
const runningShared = new Set<SharedCrawler>();

/**
 * Stops the process's idle crawlers at once, so that a command that has fetched all it wanted (`vigie start
 * --once`) exits now rather than after IDLE_STOP_MS. A later fetch starts a crawler again.
 */
export async function stopIdleFetchers(): Promise<void> {
  await Promise.all([...runningShared].map((c) => c.stopIfIdle()));
}

/** Shared crawlers by logger, then by timeout and allow-list. */
const sharedByLog = new WeakMap<object, Map<string, SharedCrawler>>();
const sharedWithoutLog = new Map<string, SharedCrawler>();

function sharedCrawler(options: PageFetcherOptions): SharedCrawler {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const allow = options.allowNetworks ?? [];
  const byTimeout = options.log ? sharedByLog.get(options.log) ?? sharedByLog.set(options.log, new Map()).get(options.log)! : sharedWithoutLog;
  const key = `${timeoutMs} ${allow.join(',')} ${options.limits?.maxBodyBytes} ${options.limits?.maxRedirects} ${lookupId(options.lookup)}`;
  let crawler = byTimeout.get(key);
  if (!crawler) byTimeout.set(key, (crawler = new SharedCrawler(timeoutMs, options.log, httpClientFor(allow, options.limits, options.lookup))));
  return crawler;
}

function newCrawler(
  timeoutMs: number,
  log: PageFetcherOptions['log'],
  httpClient: UndiciHttpClient,
  feed: RequestFeed,
  onResponse: (uniqueKey: string, ctx: RawHtmlContext) => void,
  /** With null when the crawler is done with a request and neither handler was called. */
  onFailure: (uniqueKey: string, url: string, error: Error | null) => void,
): RawHtmlCrawler {
  const config = new Configuration({ persistStorage: false, purgeOnStart: false, memoryMbytes: MEMORY_MBYTES });
  config.useEventManager(new QuietEventManager(config));
  // At the end of every run, Crawlee arms a 1 s timer (to log "waiting for the storage") around the storage's
  // teardown() and never clears it, so a finished `vigie start --once` stayed alive a second more. With persistence
  // off there is nothing for teardown() to wait for, and without one Crawlee arms no timer.
  (config.getStorageClient() as { teardown?: unknown }).teardown = undefined;
  const crawler = new RawHtmlCrawler(
    {
      keepAlive: true,
      maxRequestRetries: 0,
      // Crawlee reads ECONNRESET/ECONNREFUSED as a blocked proxy and retries up to ten times behind the job's back.
      maxSessionRotations: 0,
      useSessionPool: false,
      maxConcurrency: SHARED_CONCURRENCY,
      minConcurrency: SHARED_CONCURRENCY,
      // Start at full concurrency: Crawlee otherwise ramps up from 1 over ten-second autoscale intervals.
      // A number, not the default: the check of an absent value fails one branch of an `ow.any`, which builds an
      // error and reads the caller's source file to name it.
      autoscaledPoolOptions: { desiredConcurrency: SHARED_CONCURRENCY, loggingIntervalSecs: 3600 },
      navigationTimeoutMs: timeoutMs,
      requestHandlerTimeoutSecs: Math.max(5, timeoutMs / 1000),
      // Honest headers only (ours, plus accept-encoding), no generated browser fingerprint, no hidden retries.
      httpClient,
      log: crawleeLog(log),
      // Given explicitly for the same `ow.any` reason as loggingIntervalSecs (an absent value costs an error + file read).
      respectRobotsTxtFile: false,
      statisticsOptions: {
        // Typed as a string, but Crawlee's own check tries `number` first and a string fails that branch (same
        // `ow.any` cost as above).
        id: nextStatisticsId++ as unknown as string,
        logIntervalSecs: 3600,
        saveErrorSnapshots: false,
        persistenceOptions: { enable: false },
      },
      requestHandler: async (ctx: RawHtmlContext) => onResponse(ctx.request.uniqueKey, ctx),
      failedRequestHandler: async ({ request }, error) => onFailure(request.uniqueKey, request.url, error),
    },
    config,
  );
  crawler.useRequestManager(feed);
  // A request that neither handler settled (none should be) fails rather than leave its caller waiting.
  crawler.onRequestDone = (request) => onFailure(request.uniqueKey, request.url, null);
  return crawler;
}

function responseResult(asked: PageRequest, ctx: RawHtmlContext): PageResult {
  const response = ctx.response;
  const status = response.statusCode ?? 0;
  if (status >= 400) {
    return { ok: false, url: asked.url, error: new HttpStatusError(asked.url, status, parseRetryAfter(response.headers['retry-after'])) };
  }
  const type = header(response.headers, 'content-type');
  if (status !== 304 && type && !HTML_TYPES.test(type)) {
    return { ok: false, url: asked.url, error: new NotHtmlError(asked.url, type) };
  }
  const body = ctx.body;
  if (status !== 304) {
    const refused = sniffPage(asked.url, body, type);
    if (refused) return { ok: false, url: asked.url, error: refused };
  }
  return { ok: true, page: toPage(asked, ctx.request.loadedUrl ?? asked.url, status, response.headers, body) };
}

async function checkRobots(requests: PageRequest[], robots: RobotsPolicy | null | undefined, results: Map<string, PageResult>): Promise<number[]> {
  const allowed: number[] = [];
  for (const [i, r] of requests.entries()) {
    if (!robots || (await robots.isAllowed(r.url))) allowed.push(i);
    else results.set(String(i), { ok: false, url: r.url, error: new RobotsDisallowedError(r.url) });
  }
  return allowed;
}

function collect(requests: PageRequest[], results: Map<string, PageResult>): PageResult[] {
  return requests.map((r, i) => results.get(String(i)) ?? { ok: false, url: r.url, error: new FetchFailedError(r.url, 'no response') });
}

function validatorHeaders(request: PageRequest, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
  };
  if (request.etag) headers['if-none-match'] = request.etag;
  if (request.lastModified) headers['if-modified-since'] = request.lastModified;
  return headers;
}

function toPage(
  asked: PageRequest,
  finalUrl: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Page {
  const etag = header(headers, 'etag') ?? asked.etag ?? null;
  const lastModified = header(headers, 'last-modified') ?? asked.lastModified ?? null;
  if (status === 304) {
    return { url: asked.url, finalUrl, status, notModified: true, html: null, charset: null, etag, lastModified, bodyHash: asked.bodyHash ?? null, bytes: 0 };
  }
  const bodyHash = createHash('sha256').update(body).digest('hex');
  if (asked.bodyHash && asked.bodyHash === bodyHash) {
    return { url: asked.url, finalUrl, status, notModified: true, html: null, charset: null, etag, lastModified, bodyHash, bytes: body.length };
  }
  const type = header(headers, 'content-type');
  const sniffed = sniffHtml(body, type);
  const page = fetchedPage({ url: asked.url, finalUrl, status, charset: sniffed.charset, etag, lastModified, bodyHash, bytes: body.length }, sniffed);
  const unknown = unknownCharset(body, type);
  if (unknown !== null) page.warnings = [`unknown charset "${unknown}"; decoded as ${sniffed.charset} instead`];
  return page;
}

/** A page whose `html` is its sniffed bytes decoded on the first read (once), not before. */
function fetchedPage(fields: Omit<Page, 'html' | 'notModified' | 'sniffed'>, sniffed: SniffedHtml): Page {
  let html: string | null = null;
  return {
    ...fields,
    notModified: false,
    sniffed,
    get html() {
      return (html ??= decodeSniffed(sniffed));
    },
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * The first line that says what happened. Crawlee puts its own wrapper line first on network errors ("Detected a
 * session error, rotating session..."), with the cause (`connect ECONNREFUSED 127.0.0.1:9`) on the next.
 */
function conciseReason(error: Error): string {
  const lines = error.message.split('\n').map((l) => l.trim().replace(/^Error: /, '')).filter((l) => l !== '' && !l.startsWith('at '));
  const cause = lines.find((l) => !/^Detected a session error/i.test(l));
  return cause ?? lines[0] ?? error.message;
}

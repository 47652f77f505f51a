import { createHash } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { totalmem } from 'node:os';
import { Configuration, RequestList, type CheerioCrawlingContext } from '@crawlee/cheerio';
import { crawleeLog } from './crawlee-log.ts';
import { decodeHtml } from '../extract/decode-html.ts';
import { FetchFailedError } from './fetch-failed-error.ts';
import { HttpStatusError } from './http-status-error.ts';
import { NotHtmlError } from './not-html-error.ts';
import type { Page, PageRequest } from './page.ts';
import { IdlePool } from './idle-pool.ts';
import { RawHtmlCrawler } from './raw-html-crawler.ts';
import { parseRetryAfter } from './retry-after.ts';
import { RobotsDisallowedError } from './robots-disallowed-error.ts';
import type { BrowserFetcher } from './browser-fetcher.ts';
import type { RobotsPolicy } from './robots-policy.ts';
import { QuietEventManager } from './quiet-event-manager.ts';
import { UndiciHttpClient } from './undici-http-client.ts';

/** A page, or the error that explains why there is none. One per request, in request order. */
export type PageResult = { ok: true; page: Page } | { ok: false; url: string; error: Error };

export interface PageFetcherOptions {
  /** `http`: RawHtmlCrawler (a CheerioCrawler); `browser`: PlaywrightCrawler on Debian's chromium. Default `http`. */
  render?: 'http' | 'browser';
  /** Sent on every request; an honest name with a contact. Required. */
  userAgent: string;
  /** Whole-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Skips URLs that robots.txt disallows for our User-Agent. Share one across calls so robots.txt is cached. Default: none (no check). */
  robots?: RobotsPolicy | null;
  /** Parallel requests within one call of `fetch`. Default 10. */
  concurrency?: number;
  /** Path of the browser for `render: browser`. Default `/usr/bin/chromium`. */
  executablePath?: string;
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

const HTML_LIKE = /html|xml|text\/plain|octet-stream/i;
const ERROR_STATUSES = Array.from({ length: 200 }, (_, i) => 400 + i);
// Given, so the autoscaled pool does not spawn `ps` to learn it on every call.
const MEMORY_MBYTES = Math.floor(totalmem() / 1024 / 1024);
/**
 * The `beforeRequest` hooks of the calls in flight, by request URL. Awaited by the HTTP client itself: on a cold
 * crawler, half a second can pass between Crawlee's pre-navigation hooks and the request really leaving.
 */
const beforeSend = new Map<string, NonNullable<PageFetcherOptions['beforeRequest']>>();
const HTTP_CLIENT = new UndiciHttpClient(undefined, (url) => beforeSend.get(url)?.(url));

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
let nextCallId = 0;
// Enough for the parallel jobs of one worker; more idle crawlers would only hold memory.
const IDLE_PER_KEY = 8;

/**
 * Fetches pages through Crawlee on crawlers with private Configurations, one call per crawler at a time, so
 * concurrent jobs never share a request queue, a dedup cache or `./storage`. Sends the conditional-GET validators
 * it is given and reports 304 or identical bytes as `notModified` without decoding them.
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

  const byKey = new Map(allowed.map((i) => [String(i), requests[i]!]));
  await fetchOverHttp({ prefix: `${nextCallId++}:`, byKey, results, beforeRequest: options.beforeRequest, onRequestSent: options.onRequestSent }, options);
  return collect(requests, results);
}

/** One call's requests and results, which the lent crawler's handlers read and write while the call runs. */
interface Call {
  /**
   * Starts the unique key of each of this call's requests, so that a late event of an earlier call on the same
   * crawler (a handler that outlived its timeout) cannot be taken for one of this call's.
   */
  prefix: string;
  /** The requests, by their index in the caller's array (as a string). */
  byKey: Map<string, PageRequest>;
  results: Map<string, PageResult>;
  beforeRequest?: PageFetcherOptions['beforeRequest'];
  onRequestSent?: PageFetcherOptions['onRequestSent'];
}

interface Lent {
  crawler: RawHtmlCrawler;
  call: Call | null;
}

/**
 * Crawlers between calls, per logger and per (concurrency, timeout). Building one cost 1-1.7 ms of CPU per call
 * (loopback pages; about a third of what Crawlee adds to a one-URL fetch), so a call borrows an idle one when there is one. Each crawler has its own
 * private Configuration (never the global one), serves one call at a time with that call's own RequestList, and
 * keeps nothing of a call after it: results go to the call's maps, Crawlee resets its statistics at each run, and
 * storage and statistics persistence are off. A crawler whose run failed is dropped, not reused.
 */
const idleByLog = new WeakMap<object, IdlePool<Lent>>();
const idleWithoutLog = new IdlePool<Lent>(IDLE_PER_KEY);

async function fetchOverHttp(call: Call, options: PageFetcherOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 10, call.byKey.size));
  const idle = options.log ? idleByLog.get(options.log) ?? idleByLog.set(options.log, new IdlePool(IDLE_PER_KEY)).get(options.log)! : idleWithoutLog;
  const key = `${concurrency}/${timeoutMs}`;
  const lent = idle.take(key) ?? newCrawler(concurrency, timeoutMs, options.log);
  // The options form skips `open(null, …)`'s argument check, whose failing branch reads this file from disk.
  const list = await RequestList.open({
    sources: [...call.byKey].map(([k, r]) => ({ url: r.url, uniqueKey: call.prefix + k, headers: validatorHeaders(r, options.userAgent) })),
  });
  lent.crawler.useRequestList(list);
  lent.call = call;
  const hook = call.beforeRequest;
  const sent = call.onRequestSent;
  // Two calls on one URL at once register the same kind of hook (spacing that URL's host): either may serve.
  if (hook) for (const r of call.byKey.values()) beforeSend.set(r.url, hook);
  if (sent) for (const r of call.byKey.values()) onSent.set(sentKey(r.url), { url: r.url, hook: sent });
  try {
    await lent.crawler.run();
  } finally {
    lent.call = null;
    if (hook) for (const r of call.byKey.values()) if (beforeSend.get(r.url) === hook) beforeSend.delete(r.url);
    if (sent) for (const r of call.byKey.values()) if (onSent.get(sentKey(r.url))?.hook === sent) onSent.delete(sentKey(r.url));
  }
  idle.give(key, lent);
}

function newCrawler(concurrency: number, timeoutMs: number, log: PageFetcherOptions['log']): Lent {
  const config = new Configuration({ persistStorage: false, purgeOnStart: false, memoryMbytes: MEMORY_MBYTES });
  config.useEventManager(new QuietEventManager(config));
  // At the end of every run, Crawlee arms a 1 s timer (to log "waiting for the storage") around the storage's
  // teardown() and never clears it, so a finished `vigie start --once` stayed alive a second more. With persistence
  // off there is nothing for teardown() to wait for, and without one Crawlee arms no timer.
  (config.getStorageClient() as { teardown?: unknown }).teardown = undefined;
  const lent: Lent = { crawler: null as unknown as RawHtmlCrawler, call: null };
  lent.crawler = new RawHtmlCrawler(
    {
      maxRequestRetries: 0,
      // Crawlee reads ECONNRESET/ECONNREFUSED as a blocked proxy and retries up to ten times behind the job's back.
      maxSessionRotations: 0,
      useSessionPool: false,
      persistCookiesPerSession: false,
      maxConcurrency: concurrency,
      minConcurrency: concurrency,
      // Start at full concurrency: Crawlee otherwise ramps up from 1 over ten-second autoscale intervals.
      // A number, not the default: the check of an absent value fails one branch of an `ow.any`, which builds an
      // error and reads the caller's source file to name it, on every run.
      autoscaledPoolOptions: { desiredConcurrency: concurrency, loggingIntervalSecs: 3600 },
      navigationTimeoutSecs: timeoutMs / 1000,
      requestHandlerTimeoutSecs: Math.max(5, timeoutMs / 1000),
      ignoreHttpErrorStatusCodes: ERROR_STATUSES,
      // A 304 carries no Content-Type, and Crawlee then guesses one from the URL's extension (`.php` gives
      // application/x-httpd-php) and refuses it; the request handler checks the type of real bodies instead.
      additionalMimeTypes: ['*/*'],
      // Raw bytes pass through untouched when the encoding is one Node knows: Vigie decodes them itself.
      forceResponseEncoding: 'utf8',
      // Honest headers only (ours, plus accept-encoding), no generated browser fingerprint, no hidden retries.
      httpClient: HTTP_CLIENT,
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
      requestHandler: async (ctx: CheerioCrawlingContext) => {
        const key = keyIn(lent.call, ctx.request.uniqueKey);
        if (key !== null) handleResponse(lent.call!, key, ctx);
      },
      failedRequestHandler: async ({ request }, error) => {
        const key = keyIn(lent.call, request.uniqueKey);
        if (key !== null) lent.call!.results.set(key, { ok: false, url: request.url, error: new FetchFailedError(request.url, conciseReason(error)) });
      },
    },
    config,
  );
  return lent;
}

/** The index of one of `call`'s requests from its unique key; null for a request of another call, or no call. */
function keyIn(call: Call | null, uniqueKey: string): string | null {
  if (!call || !uniqueKey.startsWith(call.prefix)) return null;
  const key = uniqueKey.slice(call.prefix.length);
  return call.byKey.has(key) ? key : null;
}

function handleResponse({ byKey, results }: Call, key: string, ctx: CheerioCrawlingContext): void {
  const asked = byKey.get(key)!;
  const response = ctx.response;
  const status = response.statusCode ?? 0;
  if (status >= 400) {
    results.set(key, { ok: false, url: asked.url, error: new HttpStatusError(asked.url, status, parseRetryAfter(response.headers['retry-after'])) });
    return;
  }
  const type = header(response.headers, 'content-type');
  if (status !== 304 && type && !HTML_LIKE.test(type)) {
    results.set(key, { ok: false, url: asked.url, error: new NotHtmlError(asked.url, type) });
    return;
  }
  const body = (ctx as unknown as { body: Buffer }).body;
  results.set(key, { ok: true, page: toPage(asked, ctx.request.loadedUrl ?? asked.url, status, response.headers, body) });
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
  const decoded = decodeHtml(body, header(headers, 'content-type'));
  return { url: asked.url, finalUrl, status, notModified: false, html: decoded.html, charset: decoded.charset, etag, lastModified, bodyHash, bytes: body.length };
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

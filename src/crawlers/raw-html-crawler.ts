import { BasicCrawler, type BasicCrawlerOptions, type BasicCrawlingContext, type Configuration, type HttpRequest, type IRequestManager } from '@crawlee/cheerio';
import type { IncomingHttpHeaders } from 'node:http';

/** What the request handler of a RawHtmlCrawler finds on its context, besides Crawlee's own fields. */
export interface RawHtmlContext extends BasicCrawlingContext {
  /** Status and headers of the final response (after redirects). */
  response: { statusCode: number; headers: IncomingHttpHeaders };
  /** The response's bytes, decompressed, undecoded; empty for a 304. */
  body: Buffer;
}

export interface RawHtmlCrawlerOptions extends BasicCrawlerOptions<RawHtmlContext> {
  /** Whole exchange, headers and body, per request. Required. */
  navigationTimeoutMs: number;
}

/**
 * A Crawlee BasicCrawler that fetches each request with its `httpClient` (Vigie's UndiciHttpClient) and hands the
 * request handler the raw response: status, headers and bytes.
 *
 * Why not HttpCrawler (or CheerioCrawler): Vigie had replaced or switched off each of its layers (got-scraping by
 * the undici client, the double parse, the cookie merge, sessions, its content-type and status checks); what was
 * left of it only passed each response along. Crawlee still schedules, bounds concurrency, times out and reports
 * each request; Vigie sniffs the charset from the bytes and parses once.
 */
export class RawHtmlCrawler extends BasicCrawler<RawHtmlContext> {
  private readonly navigationTimeoutMs: number;

  constructor({ navigationTimeoutMs, ...options }: RawHtmlCrawlerOptions, config?: Configuration) {
    if (!(navigationTimeoutMs > 0)) throw new RangeError(`RawHtmlCrawler: navigationTimeoutMs must be a number of ms > 0, got ${navigationTimeoutMs}`);
    super(options, config);
    this.navigationTimeoutMs = navigationTimeoutMs;
  }

  protected override async _runRequestHandler(ctx: RawHtmlContext): Promise<void> {
    const { request } = ctx;
    // The whole body as bytes (a 304's is empty), within the client's limits; error statuses are the handler's to judge.
    const response = await this.httpClient.sendRequest({
      url: request.url,
      method: 'GET',
      headers: request.headers,
      timeout: { request: this.navigationTimeoutMs },
      responseType: 'buffer',
    } as HttpRequest<'buffer'>);
    request.loadedUrl = response.url;
    ctx.response = { statusCode: response.statusCode, headers: response.headers as IncomingHttpHeaders };
    ctx.body = response.body;
    await super._runRequestHandler(ctx);
  }

  /**
   * Feeds the crawler from `manager`. Not the `requestManager` option: Crawlee validates its options against an
   * exact shape that lacks it.
   */
  useRequestManager(manager: IRequestManager): void {
    this.requestManager = manager;
  }

  /** Called with each request once the crawler is done with it, after its handler or failed-request handler. */
  onRequestDone: ((request: RawHtmlContext['request']) => void) | null = null;

  protected override async _cleanupContext(context: RawHtmlContext): Promise<void> {
    await super._cleanupContext(context);
    this.onRequestDone?.(context.request);
  }
}

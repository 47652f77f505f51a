import { Transform, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type {
  BaseHttpClient,
  BaseHttpResponseData,
  HttpRequest,
  HttpResponse,
  RedirectHandler,
  ResponseTypes,
  StreamingHttpResponse,
} from '@crawlee/cheerio';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { guardedAgent } from './guarded-agent.ts';
import { PageLimitError } from './page-limit-error.ts';

type Headers = Record<string, string | string[] | undefined>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 ** 2;

export interface UndiciHttpClientLimits {
  /** Body bytes read, after decompression; past them the stream fails with a PageLimitError. Default 10 MB. */
  maxBodyBytes?: number;
  /** Redirects followed per request, whatever the request asks; one more fails with a PageLimitError. Default 5. */
  maxRedirects?: number;
}
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A Crawlee `httpClient` on undici, in place of got-scraping.
 *
 * Why: got-scraping cost about 1 ms more CPU per request than this client on loopback pages, and its
 * whole point (generated browser headers, TLS fingerprints) is what an honest crawler must not do. This
 * client sends exactly the headers of the request plus `accept-encoding`, follows redirects itself (so Crawlee's
 * redirect hook and `loadedUrl` keep working), applies `timeout.request` to the whole exchange, body included,
 * and decompresses gzip, deflate and brotli.
 */
export class UndiciHttpClient implements BaseHttpClient {
  /**
   * @param dispatcher undici dispatcher. Default: the process's keep-alive agent that refuses every private address.
   * @param beforeSend awaited with the request's URL just before it is sent (not before redirect hops). Default: none.
   * @param limits what one response may cost. Default: 10 MB, 5 redirects.
   */
  constructor(
    private readonly dispatcher: Dispatcher = guardedAgent([]),
    private readonly beforeSend?: (url: string) => Promise<void> | void,
    private readonly limits: UndiciHttpClientLimits = {},
  ) {}

  async stream(request: HttpRequest, onRedirect?: RedirectHandler): Promise<StreamingHttpResponse> {
    if (request.proxyUrl) throw new Error('UndiciHttpClient does not support proxies');
    await this.beforeSend?.(String(request.url));
    const deadline = new Deadline(timeoutOf(request), request.signal);
    try {
      const response = await this.follow(request, deadline, onRedirect);
      deadline.clearWhenDone(response.stream);
      return response;
    } catch (err) {
      deadline.clear();
      throw err;
    }
  }

  private async follow(request: HttpRequest, deadline: Deadline, onRedirect?: RedirectHandler): Promise<StreamingHttpResponse> {
    const method = (request.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod;
    const ceiling = this.limits.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    const maxRedirects = Math.min(request.maxRedirects ?? ceiling, ceiling);
    let url = new URL(String(request.url));
    let headers: Headers = { ...request.headers, 'accept-encoding': 'gzip, deflate, br' };
    const redirectUrls: URL[] = [];
    for (;;) {
      const res = await undiciRequest(url, {
        dispatcher: this.dispatcher,
        method,
        headers: plainHeaders(headers),
        body: method === 'GET' || method === 'HEAD' ? null : (request.body as string | Buffer | Readable | null | undefined) ?? null,
        signal: deadline.signal,
        headersTimeout: deadline.timeoutMs,
        bodyTimeout: deadline.timeoutMs,
      });
      const location = res.headers.location;
      if (request.followRedirect !== false && REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        res.body.resume();
        if (redirectUrls.length >= maxRedirects) throw PageLimitError.redirects(String(request.url), maxRedirects);
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirect to unsupported protocol ${next.protocol}`);
        const updated = { url: next, headers: { ...headers } };
        onRedirect?.(responseData(res, url, redirectUrls), updated);
        url = new URL(String(updated.url));
        headers = updated.headers;
        redirectUrls.push(url);
        continue;
      }
      const maxBytes = this.limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      const declared = Number(res.headers['content-length']);
      // A body declared too large is not read at all; one that is not declared is counted as it streams.
      if (declared > maxBytes && !res.headers['content-encoding']) {
        res.body.destroy();
        throw PageLimitError.body(url.href, maxBytes);
      }
      const stream = capped(decompressed(res.body, res.headers['content-encoding']), maxBytes, url.href, res.body);
      // Progress is only read by Crawlee's file downloads. Counting bytes here would need a 'data' listener, which
      // starts the stream flowing before the crawler reads it.
      return { ...responseData(res, url, redirectUrls), request, stream, downloadProgress: { percent: 0, transferred: 0 }, uploadProgress: { percent: 1, transferred: 0 } };
    }
  }

  async sendRequest<T extends keyof ResponseTypes = 'text'>(request: HttpRequest<T>): Promise<HttpResponse<T>> {
    const response = await this.stream(request as HttpRequest);
    const chunks: Buffer[] = [];
    for await (const chunk of response.stream) chunks.push(chunk as Buffer);
    const buffer = Buffer.concat(chunks);
    const type = request.responseType ?? 'text';
    const body = type === 'buffer' ? buffer : type === 'json' ? JSON.parse(buffer.toString(request.encoding ?? 'utf8')) : buffer.toString(request.encoding ?? 'utf8');
    if (request.throwHttpErrors && response.statusCode >= 400) throw new Error(`HTTP ${response.statusCode} from ${response.url}`);
    return { ...response, complete: true, body } as unknown as HttpResponse<T>;
  }
}

function timeoutOf(request: HttpRequest): number {
  const t = request.timeout as { request?: number; response?: number } | undefined;
  return t?.request ?? t?.response ?? DEFAULT_TIMEOUT_MS;
}

/** undici wants string values; Crawlee hands over header objects that may hold undefined or arrays. */
function plainHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

function responseData(res: Dispatcher.ResponseData, url: URL, redirectUrls: URL[]): BaseHttpResponseData {
  return {
    url: url.href,
    redirectUrls: [...redirectUrls],
    statusCode: res.statusCode,
    statusMessage: res.statusText ?? '',
    headers: res.headers as Headers,
    trailers: res.trailers,
    complete: false,
  };
}

function decompressed(body: Readable, encoding: string | string[] | undefined): Readable {
  const coding = (Array.isArray(encoding) ? encoding.at(-1) : encoding)?.trim().toLowerCase();
  const decoder =
    coding === 'gzip' || coding === 'x-gzip' ? createGunzip() : coding === 'deflate' ? createInflate() : coding === 'br' ? createBrotliDecompress() : null;
  if (!decoder) return body;
  body.on('error', (err) => decoder.destroy(err));
  return body.pipe(decoder);
}

/**
 * `stream`, failing with a PageLimitError once more than `maxBytes` have come out of it (after decompression), and
 * destroying the socket's body so no more is read or inflated: a 64 KB gzip bomb stops at the limit, not at 64 MB.
 */
function capped(stream: Readable, maxBytes: number, url: string, raw: Readable): Readable {
  let seen = 0;
  let over = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen <= maxBytes) return done(null, chunk);
      // Fail first, then hang up: the socket's own "aborted" error must not hide which limit was hit.
      over = true;
      done(PageLimitError.body(url, maxBytes));
      stream.unpipe(counter);
      raw.destroy();
      if (stream !== raw) stream.destroy();
    },
  });
  stream.on('error', (err) => {
    if (!over) counter.destroy(err);
  });
  return stream.pipe(counter);
}

/**
 * The whole-exchange timeout, headers and body. Not `AbortSignal.timeout()`: on Node 20 a timeout signal that
 * undici listened to stays reachable with the request, its response and its body after the exchange (about
 * 15 KB per call, never freed). This one lets go when the body ends, fails or is closed.
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onOuterAbort: (() => void) | null = null;

  constructor(
    readonly timeoutMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.controller.abort(new Error(`request timed out after ${timeoutMs} ms`)), timeoutMs);
    if (outer) {
      this.onOuterAbort = () => this.controller.abort(outer.reason);
      outer.addEventListener('abort', this.onOuterAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clearWhenDone(stream: Readable): void {
    const clear = (): void => this.clear();
    stream.once('end', clear);
    stream.once('error', clear);
    stream.once('close', clear);
  }

  clear(): void {
    clearTimeout(this.timer);
    if (this.outer && this.onOuterAbort) this.outer.removeEventListener('abort', this.onOuterAbort);
  }
}

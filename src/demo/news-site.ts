import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { templates, type TemplateName } from './templates/index.ts';
import type { Charset, NewsArticle, SiteArticle, SiteView } from './templates/site-template.ts';

export type { Charset, NewsArticle } from './templates/site-template.ts';
export type { TemplateName } from './templates/index.ts';

export interface NewsSiteOptions {
  /** Which kind of site to imitate. Default `'reference'`. */
  template?: TemplateName;
  /** The initial articles, newest first. Default `[]`. */
  articles?: readonly NewsArticle[];
  /** Default 0: the system picks a free port. */
  port?: number;
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Default: the template's (`'windows-1252'` for `legacy` and `reference-cell`, `'utf-8'` otherwise). */
  charset?: Charset;
  /** Whether Content-Type names the charset. Default: false for `legacy` (only its meta tag declares it), true otherwise. */
  charsetInHeader?: boolean;
  /** The robots.txt body; null answers 404. Default `'User-agent: *\nDisallow: /admin/\n'`. */
  robotsTxt?: string | null;
  /** Send ETag and Last-Modified and answer 304 to If-None-Match / If-Modified-Since. Default true. */
  etag?: boolean;
  /** The site's name, shown in its header and page titles. Default `'Vigie Demo Defense News'`. */
  title?: string;
}

/** How the site misbehaves. Without `pathPrefix` it applies to every path except /robots.txt. */
export type FailMode = ({ status: 500 } | { status: 429; retryAfter?: number } | { hang: true }) & { pathPrefix?: string };

export interface RecordedRequest {
  method: string;
  /** Path and query string as the client sent them. */
  path: string;
  headers: IncomingMessage['headers'];
  /** 0 while the request hangs. */
  status: number;
  /** Epoch milliseconds at arrival. */
  at: number;
}

export interface NewsSite {
  /** Base URL with trailing slash, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  /**
   * The page whose latest list is watched: on `reference` the page of the oldest initial article
   * (`/n_index.php?id=7031`, or the home page if the site starts empty), the home page elsewhere.
   */
  readonly listUrl: string;
  readonly template: TemplateName;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Absolute URL of an article, without any session id. Throws for an unknown slug. */
  articleUrl(slug: string): string;
  /** The entries the latest list currently shows, as a monitor should read them (absolute, no session id). */
  latestEntries(): { title: string; url: string }[];
  /** Adds the article at the top of the latest list and returns its URL. Throws if the slug exists. */
  publish(article: NewsArticle): string;
  /**
   * Reorders the existing entries. The default swaps neighbouring entries among the visible ones, so no
   * entry enters or leaves the list. `fn` receives every article in display order and returns the new order
   * (same articles).
   */
  reorder(fn?: (articles: NewsArticle[]) => NewsArticle[]): void;
  setAd(text: string): void;
  /** Returns the new count. Pages only change when this is called, never by being visited. */
  bumpCounter(): number;
  /** Links to that article gain a session id in the template's style (`PHPSESSID=`, `;jsessionid=` or `sid=`); null removes it. */
  sessionIdOn(slug: string, value: string | null): void;
  fail(mode: FailMode | null): void;
  close(): Promise<void>;
}

interface Rendered {
  version: number;
  bytes: Buffer;
  contentType: string;
  etag: string;
}

const defaultRobots = 'User-agent: *\nDisallow: /admin/\n';

export async function startNewsSite(options: NewsSiteOptions = {}): Promise<NewsSite> {
  const templateName = options.template ?? 'reference';
  const template = templates[templateName];
  const charset = options.charset ?? template.charset;
  const charsetInHeader = options.charsetInHeader ?? template.charsetInHeader;
  const robotsTxt = options.robotsTxt === undefined ? defaultRobots : options.robotsTxt;
  const useEtag = options.etag ?? true;
  const siteTitle = options.title ?? 'Vigie Demo Defense News';

  let nextId = 7031;
  const order: SiteArticle[] = [...(options.articles ?? [])].reverse().map((a) => ({ ...a, id: nextId++ })).reverse();
  assertUniqueSlugs(order);
  const sessions = new Map<string, string>();
  let ad = 'Salon Eurosatory : réservez votre stand';
  let counter = 104_233;
  let fault: FailMode | null = null;
  let version = 0;
  let dirty = false;
  let changedAt = Math.floor(Date.now() / 1000) * 1000;
  const cache = new Map<string, Rendered>();
  const requests: RecordedRequest[] = [];

  const changed = (): void => {
    version++;
    dirty = true;
    cache.clear();
  };

  const view = (): SiteView => ({
    siteTitle,
    charset,
    articles: order,
    latest: order.slice(0, template.latestLimit),
    ad,
    counter,
    href: (article) => {
      const path = template.articlePath(article);
      const sid = sessions.get(article.slug);
      return sid === undefined ? path : template.withSession(path, sid);
    },
  });

  const find = (slug: string): SiteArticle => {
    const article = order.find((a) => a.slug === slug);
    if (!article) throw new Error(`no article with slug ${slug}`);
    return article;
  };

  const render = (url: URL): Rendered | null => {
    const key = url.pathname + url.search;
    const hit = cache.get(key);
    if (hit && hit.version === version) return hit;
    const page = template.route(url, view());
    if (!page) return null;
    const html = page.contentType === 'text/html';
    const bytes = html && charset === 'windows-1252' ? iconv.encode(page.body, 'windows-1252') : Buffer.from(page.body, 'utf8');
    const declared = html ? charset : 'utf-8';
    const contentType = html && !charsetInHeader ? page.contentType : `${page.contentType}; charset=${declared}`;
    const etag = `"${createHash('sha1').update(bytes).digest('base64url')}"`;
    const rendered = { version, bytes, contentType, etag };
    // Any query string is a new key; a crawler adding random parameters must not grow the cache forever.
    if (cache.size >= 5_000) cache.clear();
    cache.set(key, rendered);
    return rendered;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const record: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, status: 0, at: Date.now() };
    requests.push(record);
    const send = (status: number, headers: Record<string, string>, body?: Buffer | string): void => {
      record.status = status;
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const url = new URL(req.url ?? '/', base);
    url.pathname = url.pathname.replace(/;jsessionid=[^/?]*/i, '');

    if (fault && (fault.pathPrefix === undefined ? url.pathname !== '/robots.txt' : url.pathname.startsWith(fault.pathPrefix))) {
      if ('hang' in fault) return;
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
      if (fault.status === 429) headers['retry-after'] = String(fault.retryAfter ?? 2);
      send(fault.status, headers, `<html><body><h1>${fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error'}</h1></body></html>`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'Method Not Allowed');
      return;
    }
    if (url.pathname === '/robots.txt') {
      if (robotsTxt === null) send(404, { 'content-type': 'text/plain; charset=utf-8' }, 'Not Found');
      else send(200, { 'content-type': 'text/plain; charset=utf-8' }, robotsTxt);
      return;
    }
    const page = render(url);
    if (!page) {
      send(404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body><h1>Page introuvable / Not Found</h1></body></html>');
      return;
    }
    if (dirty) {
      // HTTP dates have whole seconds: a change must move Last-Modified past what clients already hold.
      changedAt = Math.max(Math.floor(Date.now() / 1000) * 1000, changedAt + 1000);
      dirty = false;
    }
    const headers: Record<string, string> = { 'content-type': page.contentType, 'cache-control': 'no-cache' };
    if (useEtag) {
      headers.etag = page.etag;
      headers['last-modified'] = new Date(changedAt).toUTCString();
      if (notModified(req, page.etag, changedAt)) {
        send(304, { etag: page.etag, 'last-modified': headers['last-modified'] });
        return;
      }
    }
    headers['content-length'] = String(page.bytes.length);
    send(200, headers, page.bytes);
  };

  // Requests only arrive once the server listens, by which time the real address is known.
  let base = 'http://127.0.0.1/';
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  base = `http://${host}:${address.port}/`;
  const absolute = (path: string): string => new URL(path, base).href;
  const listUrl = absolute(template.listPath(view()));

  return {
    url: base,
    listUrl,
    template: templateName,
    requests,
    articleUrl: (slug) => absolute(template.articlePath(find(slug))),
    latestEntries: () => order.slice(0, template.latestLimit).map((a) => ({ title: a.title, url: absolute(template.articlePath(a)) })),
    publish(article) {
      if (order.some((a) => a.slug === article.slug)) throw new Error(`slug ${article.slug} already published`);
      const added: SiteArticle = { ...article, id: nextId++ };
      order.unshift(added);
      changed();
      return absolute(template.articlePath(added));
    },
    reorder(fn) {
      let next: SiteArticle[];
      if (fn) {
        const bySlug = new Map(order.map((a) => [a.slug, a]));
        next = fn(order.map((a) => ({ ...a }))).map((a) => {
          const known = bySlug.get(a.slug);
          if (!known) throw new Error(`reorder returned an unknown slug ${a.slug}`);
          return known;
        });
        if (new Set(next.map((a) => a.slug)).size !== order.length) throw new Error('reorder must return every article once');
      } else {
        next = [...order];
        const visible = Math.min(next.length, template.latestLimit);
        for (let i = 0; i + 1 < visible; i += 2) [next[i], next[i + 1]] = [next[i + 1]!, next[i]!];
      }
      order.splice(0, order.length, ...next);
      changed();
    },
    setAd(text) {
      ad = text;
      changed();
    },
    bumpCounter() {
      counter++;
      changed();
      return counter;
    },
    sessionIdOn(slug, value) {
      find(slug);
      if (value === null) sessions.delete(slug);
      else sessions.set(slug, value);
      changed();
    },
    fail(mode) {
      fault = mode;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function assertUniqueSlugs(articles: readonly NewsArticle[]): void {
  const seen = new Set<string>();
  for (const a of articles) {
    if (seen.has(a.slug)) throw new Error(`duplicate slug ${a.slug}`);
    seen.add(a.slug);
  }
}

/** Whether a conditional GET's validators still match the page (the demo sites and the load bench's sites). */
export function notModified(req: IncomingMessage, etag: string, lastModified: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    return inm.split(',').some((tag) => {
      const t = tag.trim();
      return t === '*' || t.replace(/^W\//, '') === etag;
    });
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && since >= lastModified;
}

/** One article of a simulated news site, as the site's editors wrote it. */
export interface NewsArticle {
  /** Unique per site; becomes part of the URL on most templates. */
  slug: string;
  title: string;
  /** The standfirst shown in bold before the body; part of the article text. */
  lead?: string;
  paragraphs: string[];
  lang: 'fr' | 'en';
  /** ISO 8601 timestamp. */
  publishedAt: string;
  byline?: string;
}

export type Charset = 'utf-8' | 'windows-1252';

/** An article once the site has given it a numeric id (the reference and gov templates show it in the URL). */
export interface SiteArticle extends NewsArticle {
  readonly id: number;
}

/** Everything a template may show, computed from the site's state at the time of the request. */
export interface SiteView {
  siteTitle: string;
  charset: Charset;
  /** Every article in the order the latest list shows them, newest first unless reordered. */
  articles: readonly SiteArticle[];
  /** The entries the latest list shows: `articles` cut to the template's `latestLimit`. */
  latest: readonly SiteArticle[];
  ad: string;
  counter: number;
  /** Site-relative link to an article, carrying its session id when one was set. */
  href(article: SiteArticle): string;
}

export interface Page {
  contentType: 'text/html' | 'application/json' | 'text/css' | 'application/javascript';
  body: string;
}

export interface SiteTemplate {
  /** How many entries the latest list shows. */
  latestLimit: number;
  charset: Charset;
  charsetInHeader: boolean;
  /** The page whose latest list a monitor watches. */
  listPath(view: SiteView): string;
  articlePath(article: SiteArticle): string;
  /** The same link once the server has put a session id in it, the way this kind of site does. */
  withSession(path: string, sessionId: string): string;
  /** The page at this address, or null for a 404. Session ids have already been removed from `url.pathname`. */
  route(url: URL, view: SiteView): Page | null;
}

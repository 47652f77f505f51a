/** One entry of a site's latest-articles list, as the page shows it. `url` is absolute. */
export interface LatestEntry {
  title: string;
  url: string;
}

/** What Vigie reads on one page once the site's menus, sidebars and footer are gone. */
export interface Article {
  title: string;
  /** The body as paragraphs separated by blank lines. Empty when the page has no body. */
  text: string;
  /** The cleaned article HTML, safe tags only (no script, style, iframe, event handlers). */
  html: string;
  /** ISO 639-1 code such as `fr` or `en`; null when the page gives no clue. */
  lang: string | null;
  /** ISO 8601 timestamp, or null when the page does not say. */
  publishedAt: string | null;
  byline: string | null;
  /** Absolute `<link rel=canonical>` / `og:url`, or null. */
  canonicalUrl: string | null;
  /** The latest-articles list found on the page (empty when there is none). */
  latest: LatestEntry[];
  /** Non-fatal problems, e.g. "page cut at 5 MB". */
  warnings: string[];
}

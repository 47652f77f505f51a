import { boundedMemo } from '../config/bounded-memo.ts';
import { canonicalUrl } from '../dedupe/canonical-url.ts';
import { urlKey } from '../dedupe/url-key.ts';
import { findLatest, type LatestFound } from '../extract/extract-latest.ts';
import { parseHtml, releaseDocument } from '../extract/parse-html.ts';

export interface LatestListOptions {
  /** The page's final URL: the base of its links. */
  url: string;
  /** The source's `latest.heading`. Default: none (the known headings). */
  heading?: string;
  /** The source's `latest.selector`. Default: none. */
  selector?: string;
  /** The config's `limits.maxNesting`. Default: the parser's. */
  maxNesting?: number;
}

export interface LatestListEntry {
  title: string;
  /** Canonical URL. */
  url: string;
  /** Identity key (dedupe/url-key.ts). */
  urlKey: string;
}

/** A page's latest list, ready for the store: canonical URLs with their keys, in page order, one entry per key. */
export interface LatestList {
  entries: LatestListEntry[];
  via: LatestFound['via'];
  heading?: string;
}

/** What `readLatestList` throws when the source's `latest.selector` is not a valid CSS selector. */
export class LatestSelectorError extends Error {
  override name = 'LatestSelectorError';
}

/**
 * Parses a page and reads its latest list. Pure and synchronous, so that it can run in a worker thread
 * (list-reader.ts). Throws LatestSelectorError for an invalid `selector`.
 */
export function readLatestList(html: string, options: LatestListOptions): LatestList {
  const doc = parseHtml(html, { maxNesting: options.maxNesting });
  let found: LatestFound;
  try {
    found = findLatest(doc, { url: options.url, heading: options.heading, selector: options.selector });
  } catch (err) {
    throw new LatestSelectorError((err as Error).message);
  } finally {
    releaseDocument(doc);
  }
  const seen = new Set<string>();
  const entries: LatestListEntry[] = [];
  for (const item of found.entries) {
    const canonical = canonicalEntry(item.url);
    if (canonical === null || seen.has(canonical.urlKey)) continue;
    seen.add(canonical.urlKey);
    entries.push({ title: item.title, url: canonical.url, urlKey: canonical.urlKey });
  }
  return found.heading === undefined ? { entries, via: found.via } : { entries, via: found.via, heading: found.heading };
}

/**
 * Canonical URLs of links already read, with their keys (null: not a URL Vigie keeps). A site's latest list is the
 * same on each of its pages and changes by an entry or two between crawls, so most links were read before.
 */
const canonicalEntry = boundedMemo(20_000, (href): { url: string; urlKey: string } | null => {
  try {
    const url = canonicalUrl(href);
    return { url, urlKey: urlKey(url) };
  } catch {
    return null;
  }
});

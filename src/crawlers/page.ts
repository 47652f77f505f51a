import type { SniffedHtml } from '../extract/decode-html.ts';

/** What the crawl path asks for: one URL, plus what we remember of it for a conditional GET. */
export interface PageRequest {
  url: string;
  /** ETag of the last response, sent as If-None-Match. */
  etag?: string | null;
  /** Last-Modified of the last response, sent as If-Modified-Since. */
  lastModified?: string | null;
  /** sha-256 of the last body; identical bytes count as not modified and are not parsed. */
  bodyHash?: string | null;
}

/** A fetched page. `html` is null when nothing changed since the request's validators (304 or same bytes). */
export interface Page {
  url: string;
  /** URL after redirects. */
  finalUrl: string;
  status: number;
  notModified: boolean;
  /** Decoded HTML, or null when `notModified`. A fetched page decodes its bytes on the first read of it. */
  readonly html: string | null;
  /**
   * The bytes `html` is decoded from, with their encoding, when the page came over HTTP: a reader on another
   * thread is sent these rather than the text (ListReader), so the fetching thread never decodes a page it only
   * hands over.
   */
  sniffed?: SniffedHtml;
  /** Charset the bytes were decoded with, and where it was found. */
  charset: string | null;
  /** What the page got wrong but could still be read (an unknown charset label), for the caller to log. */
  warnings?: string[];
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  bytes: number;
}

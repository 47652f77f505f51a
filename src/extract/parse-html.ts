import { load, type CheerioAPI } from 'cheerio';

/** Inputs longer than this many characters are cut before parsing (about 5 MB of mostly-ASCII HTML). */
export const MAX_HTML_LENGTH = 5 * 1024 * 1024;

const truncated = new WeakSet<CheerioAPI>();

/**
 * Parses decoded HTML once, with htmlparser2 (several times faster than parse5 and forgiving of broken
 * markup). Oversized input is cut at the last tag start before the limit, so no tag is split in half;
 * `wasTruncated` tells the extractor to warn about it.
 */
export function parseHtml(html: string): CheerioAPI {
  let source = html;
  let cut = false;
  if (source.length > MAX_HTML_LENGTH) {
    const lastTag = source.lastIndexOf('<', MAX_HTML_LENGTH);
    source = source.slice(0, lastTag > 0 ? lastTag : MAX_HTML_LENGTH);
    cut = true;
  }
  const doc = load(source, { xml: { xmlMode: false, decodeEntities: true } });
  if (cut) truncated.add(doc);
  return doc;
}

/** True when `parseHtml` had to cut this document's source at MAX_HTML_LENGTH. */
export function wasTruncated(doc: CheerioAPI): boolean {
  return truncated.has(doc);
}

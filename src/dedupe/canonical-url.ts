import { InvalidUrlError } from './invalid-url-error.ts';

/** Query names that identify a visit or a campaign, never the page. Compared lower-cased. */
const TRACKING_PARAMS = new Set(['fbclid', 'gclid', 'phpsessid', 'jsessionid', 'sid']);

/** Session ids some servers (Java, old PHP) put in the path as `;name=value` instead of the query. */
const SESSION_PATH_PARAM = /;(?:jsessionid|phpsessid)=[^/;?#]*/gi;

/** RFC 3986 unreserved characters: escaping them changes nothing, so `%7E` and `~` must give one URL. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function normaliseEscapes(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

export interface QueryPair {
  /** Decoded name, for decisions. */
  name: string;
  /** The pair exactly as written (`a=1`, `a=`, `a`), so re-serialising does not re-encode values. */
  raw: string;
}

/** Splits a search string (with or without `?`) into pairs, dropping empty pieces such as `&&`. */
export function parseQuery(search: string): QueryPair[] {
  const body = search.startsWith('?') ? search.slice(1) : search;
  if (body === '') return [];
  const pairs: QueryPair[] = [];
  for (const raw of body.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    pairs.push({ name: decodeName(eq === -1 ? raw : raw.slice(0, eq)), raw });
  }
  return pairs;
}

export function serialiseQuery(pairs: readonly QueryPair[]): string {
  return pairs.length === 0 ? '' : `?${pairs.map((p) => p.raw).join('&')}`;
}

/**
 * The one spelling of a URL that Vigie stores and compares (issue 2, "URLs are canonical"): absolute, no
 * fragment, no tracking or session parameters, remaining parameters sorted by name (stable, so duplicates keep
 * their order; empty values kept), scheme and host lower-cased, default port dropped, escapes of unreserved
 * characters decoded. Path case is kept: paths are case-sensitive on most servers.
 */
export function canonicalUrl(url: string, base?: string): string {
  let parsed: URL;
  try {
    parsed = base === undefined ? new URL(url.trim()) : new URL(url.trim(), base);
  } catch (err) {
    throw new InvalidUrlError(url, base, { cause: err });
  }
  parsed.hash = '';
  if (parsed.hostname.endsWith('.') && parsed.hostname.length > 1) parsed.hostname = parsed.hostname.slice(0, -1);

  const pathname = normaliseEscapes(parsed.pathname.replace(SESSION_PATH_PARAM, ''));
  const pairs = parseQuery(parsed.search)
    .filter((p) => !isTrackingParam(p.name))
    .map((p) => ({ name: p.name, raw: normaliseEscapes(p.raw) }));
  // Array.prototype.sort is stable; compare code units, not locale, so every machine sorts alike.
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  if (!parsed.href.startsWith(`${parsed.protocol}//`)) {
    // Opaque URLs (mailto:, urn:) have no host and no hierarchy to normalise: keep them whole, minus fragment.
    return parsed.href;
  }
  // Assembled by hand: URL's search setter would re-encode the values we kept verbatim.
  const auth = parsed.username === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : `:${parsed.password}`}@`;
  const head = `${parsed.protocol}//${auth}${parsed.host}`;
  return `${head}${pathname}${serialiseQuery(pairs)}`;
}

import { canonicalUrl, isTrackingParam, parseQuery, serialiseQuery, type QueryPair } from './canonical-url.ts';

const WEB_SCHEMES = new Set(['http:', 'https:']);
const TRUTHY = new Set(['', '1', 'yes', 'true', 'on']);

/**
 * Query pairs that only ask for another rendering of the same article. Folded only with a value that cannot
 * mean anything else: `?print=0` or `?amp=article` are left alone.
 */
function isViewVariant(pair: QueryPair): boolean {
  const name = pair.name.toLowerCase();
  const eq = pair.raw.indexOf('=');
  const value = eq === -1 ? '' : decodeValue(pair.raw.slice(eq + 1)).toLowerCase();
  if (name === 'print' || name === 'amp') return TRUTHY.has(value);
  if (name === 'outputtype' || name === 'output' || name === 'view' || name === 'format') {
    return value === 'amp' || value === 'print';
  }
  return false;
}

function decodeValue(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * Drops a trailing `amp` / `print` segment (`/story/amp`, `/story/print/`), the `.amp` extension
 * (`/story.amp`, `/story.amp.html`) and a final `print.html` page under an article folder. A bare `/amp` or
 * `/print` at the root is a section, not a variant, so it stays.
 */
function foldPath(pathname: string): string {
  const segments = pathname.split('/');
  while (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const last = segments[segments.length - 1] ?? '';
  const lower = last.toLowerCase();
  if (segments.length > 2 && (lower === 'amp' || lower === 'print' || /^print\.html?$/.test(lower))) {
    segments.pop();
  } else {
    const amp = /^(.+)\.amp(\.html?)?$/i.exec(last);
    if (amp) segments[segments.length - 1] = `${amp[1]}${amp[2] ?? ''}`;
  }
  while (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const folded = segments.join('/');
  return folded === '' ? '/' : folded;
}

function foldHost(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

/**
 * The identity that decides "same entry": the canonical URL with every disguise of one article folded, i.e.
 * http/https, a leading `www.`, a trailing slash, and print/AMP views. It is a key, not a fetchable URL: the
 * scheme is dropped for http(s) (`example.org/a/b?x=1`); other schemes keep it. Throws InvalidUrlError.
 */
export function urlKey(url: string): string {
  const canonical = canonicalUrl(url);
  const parsed = new URL(canonical);
  if (!WEB_SCHEMES.has(parsed.protocol)) return canonical;
  // Ports are compared as the default for the *other* scheme too: http://x:443 is https://x in practice.
  const port = parsed.port === '' || parsed.port === '80' || parsed.port === '443' ? '' : `:${parsed.port}`;
  const search = canonical.includes('?') ? canonical.slice(canonical.indexOf('?')) : '';
  const pairs = parseQuery(search).filter((p) => !isViewVariant(p));
  return `${foldHost(parsed.hostname)}${port}${foldPath(parsed.pathname)}${serialiseQuery(pairs)}`;
}

/**
 * Whether a page's `<link rel=canonical>` / `og:url` may be adopted as its URL: it must resolve (relative hrefs
 * are allowed), be http(s), sit on the same host once `www.` is folded, and not be the site's front page while
 * the page itself is not — a template that points every article's canonical at `/` would otherwise merge them all.
 */
export function sameSiteUrl(candidate: string, pageUrl: string): boolean {
  let page: URL;
  let cand: URL;
  try {
    page = new URL(pageUrl);
    cand = new URL(candidate.trim(), page);
  } catch {
    return false;
  }
  if (!WEB_SCHEMES.has(page.protocol) || !WEB_SCHEMES.has(cand.protocol)) return false;
  if (foldHost(page.hostname.replace(/\.$/, '')) !== foldHost(cand.hostname.replace(/\.$/, ''))) return false;
  const isFront = (u: URL): boolean => 
    foldPath(u.pathname) === '/' && parseQuery(u.search).every((p) => isTrackingParam(p.name) || isViewVariant(p));
  return !isFront(cand) || isFront(page);
}

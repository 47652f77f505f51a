import type { CheerioAPI } from 'cheerio';
import {
  collapseWhitespace,
  firstElement,
  isElement,
  isListingUrl,
  linkCandidate,
  linkEntries,
  linksIn,
  noEntries,
  pathSegments,
  tagOf,
  textOf,
  walk,
  type AnyNode,
  type Element,
} from './link-entries.ts';
import type { LatestEntry } from './types.ts';

const MIN_FALLBACK_ITEMS = 4;
const MIN_LINK_DENSITY = 0.04;
const MIN_HEADED_SHARE = 0.6;
/** Characters a date, kicker or category may take before an item's headline. */
const MAX_HEADLINE_OFFSET = 40;
const MAX_LINKS_PER_ITEM = 3;
const MAX_ANCESTOR_WALK = 8;
const CHROME_TOKEN =
  /^(nav|navbar|navigation|menu|menubar|mainmenu|main-menu|main-nav|site-nav|topnav|top-menu|submenu|sub-menu|masthead|site-header|header|footer|site-footer|breadcrumbs?|pagination|pager|share|sharing|social|tags|tagcloud|tag-cloud|comments?|cookies?|cookie-banner|skip-links?)$|comment/i;
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'menu', 'menubar', 'search']);
/** Landmarks inside which a header or footer belongs to a card or section, not to the page. */
const SECTIONING = new Set(['article', 'aside', 'main', 'nav', 'section']);
const NON_ARTICLE_SEGMENT =
  /^(tags?|category|categories|categorie|categories|rubriques?|themes?|topics?|sections?|authors?|auteurs?|people|person|profiles?|contributors?|writers?|page|search|recherche|login|connexion|feed|rss|contact|about|a-propos|mentions-legales|privacy|cgu|newsletter|abonnement|subscribe|wp-login\.php|wp-admin)$/i;

function isChrome(el: Element): boolean {
  const tag = tagOf(el);
  if (tag === 'nav') return true;
  const { id, class: cls, role } = el.attribs;
  if (!id && !cls && !role && tag !== 'header' && tag !== 'footer') return false;
  if ((tag === 'header' || tag === 'footer') && !hasAncestor(el, SECTIONING)) return true;
  if (role && CHROME_ROLES.has(role.toLowerCase())) return true;
  return `${id ?? ''} ${cls ?? ''}`.split(/\s+/).some((t) => t !== '' && CHROME_TOKEN.test(t));
}

function sameSite(a: URL, b: URL | null): boolean {
  if (!b) return true;
  const host = (u: URL): string => u.hostname.toLowerCase().replace(/^www\./, '');
  return host(a) === host(b);
}

/** Whether a URL's shape says "one article": an id, a date, a long slug, or a numeric query parameter. */
export function looksLikeArticleUrl(url: URL): boolean {
  const segments = pathSegments(url);
  const last = segments.at(-1) ?? '';
  if (segments.length > 0 && NON_ARTICLE_SEGMENT.test(segments[0] ?? '') && !/\d{3}/.test(last)) return false;
  if (isListingUrl(url)) return false;
  if (/\/(19|20)\d{2}\/\d{1,2}(\/|$)/.test(url.pathname)) return true;
  if (segments.some((s) => /\d{3,}/.test(s))) return true;
  if (segments.some((s) => s.replace(/\.[a-z0-9]{2,5}$/i, '').split(/[-_+]+/).filter(Boolean).length >= 3)) {
    return true;
  }
  for (const value of url.searchParams.values()) if (/^\d{2,}$/.test(value)) return true;
  return false;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

interface ArticleLink {
  el: Element;
  url: string;
  title: string;
}

/**
 * The page's densest repeated list of article-like links outside menus, headers and footers, or [] when no list
 * is convincing: at least four items that each lead with a same-site headline whose URL looks like one article.
 */
export function densestList(doc: CheerioAPI, base: URL | null): LatestEntry[] {
  const roots = doc.root().toArray();
  const body = firstElement(roots, (el) => tagOf(el) === 'body') ?? roots[0];
  if (!body) return noEntries();
  const chrome = new Set<Element>();
  const articleLinks: ArticleLink[] = [];
  walk([body], (node) => {
    if (!isElement(node) || node.type !== 'tag') return false;
    const excluded = chrome.has(node.parent as Element) || isChrome(node);
    if (excluded) chrome.add(node);
    else if (tagOf(node) === 'a') {
      const link = articleLink(doc, node, base);
      if (link) articleLinks.push(link);
    }
    return undefined;
  });

  // For every container, the distinct article URLs held by each of its children.
  const items = new Map<Element, Map<AnyNode, Set<string>>>();
  for (const link of articleLinks) {
    let child: AnyNode = link.el;
    for (let i = 0; i < MAX_ANCESTOR_WALK; i++) {
      const parent: AnyNode | null = child.parent;
      if (!parent || !isElement(parent) || chrome.has(parent)) break;
      let children = items.get(parent);
      if (!children) items.set(parent, (children = new Map()));
      let urls = children.get(child);
      if (!urls) children.set(child, (urls = new Set()));
      urls.add(link.url);
      if (parent === body) break;
      child = parent;
    }
  }

  const titles = new Map(articleLinks.map((l) => [l.el, l.title]));
  let best: { el: Element; score: number; density: number } | null = null;
  for (const [el, children] of items) {
    const good = [...children].filter(([, urls]) => urls.size <= MAX_LINKS_PER_ITEM).map(([node]) => node);
    if (good.length < MIN_FALLBACK_ITEMS || !repeats(good)) continue;
    // In a list each item leads with its headline; in running text the links sit mid-sentence.
    const headed = good.filter((item) => leadsWithHeadline(item, titles));
    if (headed.length < MIN_FALLBACK_ITEMS || headed.length / good.length < MIN_HEADED_SHARE) continue;
    const density = linkDensity(el, titles);
    if (density < MIN_LINK_DENSITY) continue;
    const score = headed.length;
    if (!best || score > best.score || (score === best.score && density > best.density)) {
      best = { el, score, density };
    }
  }
  if (!best) return noEntries();
  const list = best.el;
  return linkEntries(doc, linksIn([list]).filter((l) => titles.has(l)), base);
}

/** Whether an item's text starts with (or after a short date or category line) one of its article links. */
function leadsWithHeadline(item: AnyNode, titles: Map<Element, string>): boolean {
  const text = collapseWhitespace(textOf(item, false));
  return linksIn([item]).some((a) => {
    const title = titles.get(a);
    if (!title) return false;
    const at = text.indexOf(title);
    return at >= 0 && at <= MAX_HEADLINE_OFFSET;
  });
}

function articleLink(doc: CheerioAPI, el: Element, base: URL | null): ArticleLink | null {
  const candidate = linkCandidate(doc, el, base);
  if (!candidate) return null;
  const url = new URL(candidate.url);
  if (!sameSite(url, base) || !looksLikeArticleUrl(url)) return null;
  if (base && url.href === base.href.replace(/#.*$/, '')) return null;
  const words = wordCount(candidate.title);
  if (words < 3 && candidate.title.length < 20) return null;
  return { el, url: candidate.url, title: candidate.title };
}

/** Items of a list share a tag: most children of the container are the same kind of element. */
function repeats(nodes: readonly AnyNode[]): boolean {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(tagOf(n), (counts.get(tagOf(n)) ?? 0) + 1);
  const top = Math.max(...counts.values());
  return top >= MIN_FALLBACK_ITEMS && top / nodes.length >= 0.6;
}

/** The share of a container's text that is article headlines. */
function linkDensity(el: Element, titles: Map<Element, string>): number {
  const total = collapseWhitespace(textOf(el, false)).length;
  if (total === 0) return 0;
  let inLinks = 0;
  for (const a of linksIn([el])) inLinks += titles.get(a)?.length ?? 0;
  return inLinks / total;
}

function hasAncestor(node: Element, tags: Set<string>): boolean {
  for (let p = node.parent; p; p = p.parent) if (tags.has(tagOf(p))) return true;
  return false;
}

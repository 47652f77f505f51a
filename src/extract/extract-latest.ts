import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { LatestEntry } from './types.ts';

export interface LatestOptions {
  /** The page's URL: the base for relative links (a `<base href>` in the page, resolved against it, wins). */
  url: string;
  /**
   * The heading of the site's latest list, compared with case, accents, whitespace and punctuation folded.
   * Default: none; the known headings (`KNOWN_HEADINGS`) are tried, and are still tried after this one.
   */
  heading?: string;
  /**
   * CSS selector of the element(s) holding the list; their links are the entries. Default: none. When it
   * matches no link, detection goes on with headings, then the densest-list fallback. An invalid selector throws.
   */
  selector?: string;
}

/**
 * Headings that announce a latest list, most specific first. The order is the priority when a page has several.
 * `minEntries` keeps vague ones ("Latest" as a badge, "À la une" as a single hero) from winning on one link.
 */
export const KNOWN_HEADINGS: readonly { text: string; minEntries: number }[] = [
  { text: 'Derniers articles', minEntries: 1 },
  { text: 'Articles récents', minEntries: 1 },
  { text: 'Latest News', minEntries: 1 },
  { text: 'Latest articles', minEntries: 1 },
  { text: 'Recent posts', minEntries: 1 },
  { text: 'Recent articles', minEntries: 1 },
  { text: 'Dernières nouvelles', minEntries: 1 },
  { text: 'Dernières actualités', minEntries: 1 },
  { text: 'Latest posts', minEntries: 1 },
  { text: 'Latest stories', minEntries: 1 },
  { text: 'Latest updates', minEntries: 1 },
  { text: 'Recent news', minEntries: 1 },
  { text: 'Les derniers articles', minEntries: 1 },
  { text: 'Nos derniers articles', minEntries: 1 },
  { text: 'Derniers articles publiés', minEntries: 1 },
  { text: 'Dernières publications', minEntries: 1 },
  { text: 'Dernières infos', minEntries: 1 },
  { text: 'Most recent', minEntries: 2 },
  { text: 'À la une', minEntries: 2 },
  { text: 'Latest', minEntries: 2 },
];

/** The latest-articles list of a parsed page, in page order, de-duplicated by URL. Does not modify `doc`. */
export function extractLatest(doc: CheerioAPI, options: LatestOptions): LatestEntry[] {
  const base = baseUrl(doc, options.url);
  if (options.selector) {
    const blocks = select(doc, options.selector);
    const entries = entriesFromLinks(doc, linksIn(blocks), base);
    if (entries.length > 0) return entries;
  }
  return latestByHeading(doc, base, options.heading) ?? densestList(doc, base);
}

function select(doc: CheerioAPI, selector: string): Element[] {
  try {
    return doc(selector).toArray().filter(isElement);
  } catch (err) {
    throw new TypeError(`invalid latest-list selector ${JSON.stringify(selector)}: ${(err as Error).message}`);
  }
}

/** Folds case, accents, punctuation and whitespace so that "À LA UNE :" equals "à la une". */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
}

/** Whitespace-collapsed text, as a reader sees it. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function baseUrl(doc: CheerioAPI, pageUrl: string): URL | null {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    return null;
  }
  const href = doc('base[href]').first().attr('href');
  if (href) {
    try {
      return new URL(href.trim(), page);
    } catch {
      // An unusable <base> is ignored, as browsers do.
    }
  }
  return page;
}

function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function tagOf(node: AnyNode): string {
  return isElement(node) ? node.tagName.toLowerCase() : '';
}

function linksIn(blocks: readonly AnyNode[]): Element[] {
  const links: Element[] = [];
  const seen = new Set<Element>();
  const visit = (node: AnyNode): void => {
    if (!isElement(node)) return;
    if (node.tagName.toLowerCase() === 'a' && node.attribs['href'] !== undefined && !seen.has(node)) {
      seen.add(node);
      links.push(node);
    }
    for (const child of node.children) visit(child);
  };
  for (const block of blocks) visit(block);
  return links;
}

// ---------------------------------------------------------------------------------------------------------
// Entries

const MORE_LINK = [
  /^(more|plus|suite|la suite|archives?|next|previous|prev|suivant|precedent|rss|top|haut de page)$/,
  /^(read|see|view|show|load|lire|voir|afficher|tout|en savoir) (more|all|plus|tout|tous|toutes|la suite|voir)\b/,
  /^(more|plus d|plus de|autres|other|all|tous les|toutes les) ?(articles?|news|actualites?|stories|posts|nouvelles|infos?|depeches)\b/,
  /^(older|newer|next|previous|page) (posts|entries|articles|page|suivante|precedente)$/,
  /^page \d+$/,
  /^\d+$/,
];

function isMoreLink(folded: string): boolean {
  return folded === '' || MORE_LINK.some((re) => re.test(folded));
}

interface Candidate {
  url: string;
  title: string;
  /** The title came from an attribute or image, not from the link's text. */
  weakTitle: boolean;
}

function linkCandidate(doc: CheerioAPI, link: Element, base: URL | null): Candidate | null {
  const href = (link.attribs['href'] ?? '').trim();
  if (!href || href.startsWith('#')) return null;
  if (/^(javascript|mailto|tel|sms|data|about|file|ftp):/i.test(href)) return null;
  let url: URL;
  try {
    url = base ? new URL(href, base) : new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  let title = linkTitle(link);
  let weakTitle = false;
  if (!title) {
    weakTitle = true;
    title = collapseWhitespace(
      link.attribs['title'] ?? doc(link).find('img[alt]').first().attr('alt') ?? link.attribs['aria-label'] ?? '',
    );
  }
  // Pagination and "more" links are short; folding every headline would cost more than the rest of the walk.
  if (!title || (title.length <= 40 && isMoreLink(foldText(title)))) return null;
  return { url: url.href, title, weakTitle };
}

/** Parts of a card link that are not the headline: its date, kicker, category, counters, hidden helper text. */
const NOT_HEADLINE =
  /^(date|dates|time|timestamp|datetime|published|pubdate|meta|byline|author|kicker|overline|eyebrow|badge|label|category|cat|rubrique|tag|count|comments?|comment-count|read-?time|reading-time|screen-reader-text|sr-only|visually-hidden|visuallyhidden)$/i;
const HEADLINE = /^(title|headline|heading|titre)$/i;

function classTokens(el: Element): string[] {
  return (el.attribs['class'] ?? '').split(/\s+/).filter(Boolean).flatMap((t) => [t, ...t.split(/[-_]+/)]);
}

/**
 * The headline a link shows: the text of a heading or `*-title` element inside it when there is one, else its
 * text without dates, kickers and hidden helper text; words in separate blocks stay separate.
 */
export function linkTitle(link: Element): string {
  const headline = findHeadline(link);
  if (headline) {
    const text = collapseWhitespace(textOf(headline, true));
    if (text) return text;
  }
  return collapseWhitespace(textOf(link, true)) || collapseWhitespace(textOf(link, false));
}

function findHeadline(el: Element): Element | null {
  for (const child of el.children) {
    if (!isElement(child) || child.type !== 'tag') continue;
    if (HEADING_TAGS.has(tagOf(child)) || classTokens(child).some((t) => HEADLINE.test(t))) return child;
    const inner = findHeadline(child);
    if (inner) return inner;
  }
  return null;
}

function textOf(node: AnyNode, skipDecorations: boolean): string {
  if (node.type === 'text') return node.data;
  if (!isElement(node) || node.type !== 'tag') return '';
  const tag = tagOf(node);
  if (tag === 'br') return ' ';
  if (skipDecorations && (tag === 'time' || classTokens(node).some((t) => NOT_HEADLINE.test(t)))) return ' ';
  const inner = node.children.map((c) => textOf(c, skipDecorations)).join('');
  return BLOCK_TAGS.has(tag) ? ` ${inner} ` : inner;
}

function entriesFromLinks(doc: CheerioAPI, links: readonly Element[], base: URL | null): LatestEntry[] {
  return uniqueEntries(links.map((link) => linkCandidate(doc, link, base)));
}

function uniqueEntries(candidates: readonly (Candidate | null)[]): LatestEntry[] {
  const byUrl = new Map<string, Candidate>();
  for (const c of candidates) {
    if (!c) continue;
    const first = byUrl.get(c.url);
    // Cards often link the image first (alt text) and the headline second: keep the place, take the headline.
    if (!first) byUrl.set(c.url, c);
    else if (first.weakTitle && !c.weakTitle) byUrl.set(c.url, { ...c });
  }
  return [...byUrl.values()].map(({ title, url }) => ({ title, url }));
}

// ---------------------------------------------------------------------------------------------------------
// Heading detection

const MAX_HEADING_CHARS = 80;
const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const TITLE_TAGS = new Set([
  ...HEADING_TAGS, 'strong', 'b', 'div', 'span', 'p', 'td', 'th', 'dt', 'legend', 'caption', 'header', 'em',
  'i', 'u', 'font', 'label', 'summary',
]);
const BLOCK_TAGS = new Set([
  ...HEADING_TAGS, 'br', 'div', 'p', 'li', 'td', 'th', 'tr', 'section', 'article', 'header', 'footer', 'ul', 'ol',
]);
const NO_HEADING_INSIDE = new Set(['a', 'nav', 'button', 'select', 'option', 'head', 'script', 'style', 'template']);
/** Siblings that hold list items: a heading followed by one of them owns it, even when it is empty. */
const LIST_HOLDERS = new Set(['ul', 'ol', 'li', 'table', 'article', 'dl']);
const MAX_CLIMB = 4;
const WRAPPED_TITLE_TAGS = new Set([...HEADING_TAGS, 'b', 'strong', 'th']);

/** The short text of every element whose text stays under MAX_HEADING_CHARS, computed in one walk. */
function shortTexts(doc: CheerioAPI): Map<Element, string> {
  const texts = new Map<Element, string>();
  const visit = (node: AnyNode): string | null => {
    if (node.type === 'text') return node.data;
    if (!isElement(node)) return node.type === 'comment' ? '' : null;
    if (node.type !== 'tag') return '';
    // Old sites drew section titles as images: <td><img src="titre.gif" alt="Derniers articles"></td>.
    if (tagOf(node) === 'img') return ` ${node.attribs['alt'] ?? ''} `;
    let text = '';
    let short = true;
    for (const child of node.children) {
      const part = visit(child);
      if (part === null) short = false;
      else if (short) {
        // <br> and block boundaries separate words even though they hold no text.
        text += tagOf(child) === 'br' || BLOCK_TAGS.has(tagOf(child)) ? ` ${part} ` : part;
        if (text.length > MAX_HEADING_CHARS * 4) short = false;
      }
    }
    if (!short) return null;
    const collapsed = collapseWhitespace(text);
    if (collapsed.length > MAX_HEADING_CHARS) return null;
    texts.set(node, collapsed);
    return text;
  };
  for (const root of doc.root().toArray()) for (const child of root.children) visit(child);
  return texts;
}

function hasAncestor(node: Element, tags: Set<string>): boolean {
  for (let p = node.parent; p; p = p.parent) if (tags.has(tagOf(p))) return true;
  return false;
}

function latestByHeading(doc: CheerioAPI, base: URL | null, configured?: string): LatestEntry[] | null {
  const wanted: { folded: string; minEntries: number }[] = [];
  if (configured && foldText(configured)) wanted.push({ folded: foldText(configured), minEntries: 1 });
  for (const h of KNOWN_HEADINGS) wanted.push({ folded: foldText(h.text), minEntries: h.minEntries });
  const rankOf = new Map<string, number>();
  wanted.forEach((w, i) => {
    if (!rankOf.has(w.folded)) rankOf.set(w.folded, i);
  });

  const texts = shortTexts(doc);
  const headings: { el: Element; rank: number }[] = [];
  const seen = new Set<Element>();
  for (const [el, text] of texts) {
    if (!TITLE_TAGS.has(el.tagName.toLowerCase())) continue;
    const rank = headingRank(el, text, rankOf);
    if (rank === undefined || hasAncestor(el, NO_HEADING_INSIDE) || containsListHolder([el])) continue;
    if (inMenu(el)) continue;
    const outer = outermostSameText(el, texts);
    if (seen.has(outer)) continue;
    seen.add(outer);
    headings.push({ el: outer, rank });
  }
  const order = documentOrder(doc);
  headings.sort((a, b) => a.rank - b.rank || (order.get(a.el) ?? 0) - (order.get(b.el) ?? 0));

  for (const { el, rank } of headings) {
    const entries = blockAfterHeading(doc, el, texts, base);
    if (entries.length >= (wanted[rank]?.minEntries ?? 1)) return entries;
  }
  return null;
}

/**
 * The priority of the heading an element shows, if it is one. A count ("Latest News (12)") may follow, and a
 * real heading (h1-h6 or a *-title element) may also carry its own "See all" link.
 */
function headingRank(el: Element, text: string, rankOf: Map<string, number>): number | undefined {
  const lookup = (folded: string): number | undefined => rankOf.get(folded) ?? rankOf.get(folded.replace(/ \d+$/, ''));
  const rank = lookup(foldText(text));
  if (rank !== undefined) return rank;
  const isHeading = HEADING_TAGS.has(tagOf(el)) || classTokens(el).some((t) => HEADLINE.test(t));
  if (!isHeading || linksIn([el]).length === 0) return undefined;
  const own = foldText(textWithoutLinks(el));
  return own ? lookup(own) : undefined;
}

function textWithoutLinks(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (!isElement(node) || node.type !== 'tag' || tagOf(node) === 'a') return ' ';
  return node.children.map(textWithoutLinks).join('');
}

const MENU_TOKEN = /^(nav|navbar|navigation|menu|menubar|submenu|sub-menu|dropdown|dropdown-menu|mega-menu|megamenu)$/i;

/** Inside a menu, a heading-like label ("Latest News" in a dropdown) heads menu items, not articles. */
function inMenu(el: Element): boolean {
  for (let p: AnyNode | null = el.parent; p && isElement(p); p = p.parent) {
    const role = p.attribs['role']?.toLowerCase();
    if (role === 'navigation' || role === 'menu' || role === 'menubar' || role === 'tablist') return true;
    const tokens = `${p.attribs['id'] ?? ''} ${p.attribs['class'] ?? ''}`.split(/\s+/).filter(Boolean);
    if (tokens.some((t) => MENU_TOKEN.test(t))) return true;
  }
  return false;
}

function documentOrder(doc: CheerioAPI): Map<Element, number> {
  const order = new Map<Element, number>();
  let i = 0;
  const visit = (node: AnyNode): void => {
    if (!isElement(node)) return;
    order.set(node, i++);
    for (const child of node.children) visit(child);
  };
  for (const root of doc.root().toArray()) for (const child of root.children) visit(child);
  return order;
}

function outermostSameText(el: Element, texts: Map<Element, string>): Element {
  const folded = foldText(texts.get(el) ?? '');
  let outer = el;
  for (let p = el.parent; p && isElement(p); p = p.parent) {
    const tag = tagOf(p);
    if (tag === 'body' || tag === 'html') break;
    const text = texts.get(p);
    // An empty list (filled later by script) must stay below the heading, not become its wrapper.
    if (text === undefined || foldText(text) !== folded || containsListHolder([p])) break;
    outer = p;
  }
  return outer;
}

function headingLevel(node: AnyNode): number {
  const tag = tagOf(node);
  return HEADING_TAGS.has(tag) ? Number(tag[1]) : 0;
}

/**
 * A sibling that starts another block: a heading of the same rank or above, an element shaped like the heading
 * (same tag and class), a bare title like `<b>Archives</b>`, or a box that opens with such a title.
 */
function startsAnotherBlock(node: AnyNode, heading: Element, texts: Map<Element, string>): boolean {
  if (!isElement(node)) return false;
  const ownLevel = headingLevel(heading);
  const isTitle = (el: Element): boolean => {
    const text = texts.get(el);
    if (text === undefined || !/\p{L}/u.test(text) || linksIn([el]).length > 0) return false;
    const level = headingLevel(el);
    if (level > 0) return ownLevel === 0 || level <= ownLevel;
    return sameShape(el, heading);
  };
  if (linksIn([node]).length === 0) {
    const text = texts.get(node);
    if (text === undefined || !/\p{L}/u.test(text)) return false;
    if (isTitle(node) || tagOf(node) === tagOf(heading)) return true;
    // A wrapper whose only content is a title (<tr><td><b>Archives</b></td></tr>).
    const folded = foldText(text);
    const visit = (n: AnyNode): boolean =>
      isElement(n) &&
      (((WRAPPED_TITLE_TAGS.has(tagOf(n)) || sameShape(n, heading)) && foldText(texts.get(n) ?? '') === folded) ||
        n.children.some(visit));
    return node.children.some(visit);
  }
  // A box holding links that opens with its own title (<div class="widget"><h2>Archives</h2><ul>…).
  let el: Element | undefined = node;
  for (let depth = 0; depth < 3 && el; depth++) {
    el = el.children.find((c): c is Element => isElement(c) && c.type === 'tag');
    if (el && isTitle(el)) return true;
  }
  return false;
}

function sameShape(a: Element, b: Element): boolean {
  const cls = (el: Element): string => (el.attribs['class'] ?? '').trim().split(/\s+/).sort().join(' ');
  return tagOf(a) === tagOf(b) && cls(a) !== '' && cls(a) === cls(b);
}

function isInside(node: AnyNode, container: AnyNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p === container) return true;
  return false;
}

function containsListHolder(nodes: readonly AnyNode[]): boolean {
  const visit = (node: AnyNode): boolean =>
    isElement(node) && (LIST_HOLDERS.has(tagOf(node)) || node.children.some(visit));
  return nodes.some(visit);
}

function blockAfterHeading(
  doc: CheerioAPI,
  heading: Element,
  texts: Map<Element, string>,
  base: URL | null,
): LatestEntry[] {
  let node: Element = heading;
  for (let level = 0; level <= MAX_CLIMB; level++) {
    const siblings: AnyNode[] = [];
    for (let s = node.nextSibling; s; s = s.nextSibling) {
      if (startsAnotherBlock(s, heading, texts)) break;
      siblings.push(s);
    }
    const entries = entriesFromLinks(doc, linksIn(siblings), base);
    if (entries.length > 0 || containsListHolder(siblings)) return entries;
    const parent = node.parent;
    if (!parent || !isElement(parent) || ['body', 'html'].includes(tagOf(parent))) return [];
    node = parent;
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// Fallback: the densest repeated list of article-like links

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
  const segments = url.pathname.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const last = segments.at(-1) ?? '';
  if (segments.length > 0 && NON_ARTICLE_SEGMENT.test(segments[0] ?? '') && !/\d{3}/.test(last)) return false;
  // A taxonomy or listing page: /category/x/, /blog/tag/x/, /news/page/2, unless an id follows.
  const taxonomy = segments.findIndex((s) => NON_ARTICLE_SEGMENT.test(s));
  if (taxonomy >= 0 && segments.length - taxonomy <= 2 && !/\d{3,}/.test(segments.slice(taxonomy + 1).join('/'))) {
    return false;
  }
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

function densestList(doc: CheerioAPI, base: URL | null): LatestEntry[] {
  const body = doc('body').toArray()[0] ?? doc.root().toArray()[0];
  if (!body) return [];
  const chrome = new Set<Element>();
  const articleLinks: ArticleLink[] = [];
  const visit = (node: AnyNode, inChrome: boolean): void => {
    if (!isElement(node) || node.type !== 'tag') return;
    const excluded = inChrome || isChrome(node);
    if (excluded) chrome.add(node);
    if (tagOf(node) === 'a' && !excluded) {
      const link = articleLink(doc, node, base);
      if (link) articleLinks.push(link);
    }
    for (const child of node.children) visit(child, excluded);
  };
  visit(body, false);

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
  if (!best) return [];
  const list = best.el;
  return entriesFromLinks(doc, linksIn([list]).filter((l) => titles.has(l)), base);
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

import type { CheerioAPI } from 'cheerio';
import { boundedMemo } from '../config/bounded-memo.ts';
import { rootOf, type ChildNode, type DocumentNode, type ElementNode } from './dom.ts';
import { parsedBase } from './parse-html.ts';
import type { LatestEntry } from './types.ts';

/*
 * Turning a page's links into latest-list entries, shared by the heading and densest-list detectors: node
 * helpers, text folding, headline titles, and the filters that keep "more" and pagination links out.
 */

/** Any node of a parsed page, the document included. */
export type AnyNode = ChildNode | DocumentNode;
export type Element = ElementNode;

export const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements whose edges separate words even when the markup has no space there. */
export const BLOCK_TAGS = new Set([
  ...HEADING_TAGS, 'br', 'div', 'p', 'li', 'td', 'th', 'tr', 'section', 'article', 'header', 'footer', 'ul', 'ol',
]);

export function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/**
 * The element's tag name. Both parsers a document comes from write HTML tag names in lower case (htmlparser2 in HTML
 * mode for parseHtml, parse5 for cheerio's load); parse5 keeps SVG's camelCase names, which no rule here reads.
 */
export function tagOf(node: AnyNode): string {
  return isElement(node) ? node.name : '';
}

/**
 * Visits nodes depth-first in document order without recursion: old pages nest unclosed tags thousands deep,
 * past the call stack. When `visit` returns false the node's children are skipped; returning true stops the walk.
 */
export function walk(roots: readonly AnyNode[], visit: (node: AnyNode) => boolean | void): void {
  const stack: AnyNode[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    const verdict = visit(node);
    if (verdict === true) return;
    if (verdict === false || !('children' in node)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

/** Whether any node under (or among) the roots satisfies `test`. */
export function someNode(roots: readonly AnyNode[], test: (node: AnyNode) => boolean): boolean {
  let found = false;
  walk(roots, (node) => (found = test(node)) || undefined);
  return found;
}

/** The first element in document order that passes `test`. */
export function firstElement(roots: readonly AnyNode[], test: (el: Element) => boolean): Element | undefined {
  let found: Element | undefined;
  walk(roots, (node) => {
    if (!isElement(node)) return node.type === 'root' ? undefined : false;
    if (!test(node)) return undefined;
    found = node;
    return true;
  });
  return found;
}

export function linksIn(blocks: readonly AnyNode[]): Element[] {
  const links: Element[] = [];
  const seen = new Set<Element>();
  walk(blocks, (node) => {
    if (isElement(node) && tagOf(node) === 'a' && node.attribs['href'] !== undefined && !seen.has(node)) {
      seen.add(node);
      links.push(node);
    }
  });
  return links;
}

/** Folds case, accents, punctuation and whitespace so that "À LA UNE :" equals "à la une". */
export function foldText(text: string): string {
  // Most page text is ASCII, where Unicode normalisation and property classes are wasted work: its runs of letters
  // and digits, lower-cased, one space between them, read in one pass.
  const lower = text.toLowerCase();
  let out = '';
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if (c > 127) return foldUnicode(text);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out = out === '' ? lower.slice(start, i) : `${out} ${lower.slice(start, i)}`;
      start = -1;
    }
  }
  return out;
}

/**
 * Texts that are not ASCII, folded, by text: a site's headings and menus come back on each of its pages, and
 * normalising them is most of the fold's cost.
 */
const foldUnicode = boundedMemo(4096, (text) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim(),
);

/** Whitespace-collapsed text, as a reader sees it. */
export function collapseWhitespace(text: string): string {
  // Most texts (a link's title) are already collapsed: checked in one pass, returned as they are.
  return isCollapsed(text) ? text : text.replace(/\s+/g, ' ').trim();
}

/** No whitespace but single spaces between other characters. */
function isCollapsed(text: string): boolean {
  let space = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (space) return false;
      space = true;
    } else if ((c >= 9 && c <= 13) || (c >= 128 && isUnicodeSpace(c))) return false;
    else space = false;
  }
  return !space || text.length === 0;
}

/** What `\s` matches above ASCII. */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * `collapseWhitespace(text).length` without building the copy, counting no further than `limit + 1`: the list
 * finder asks it of every element whose raw text is a little long, and only wants to know if it stays short.
 */
export function collapsedLength(text: string, limit = Infinity): number {
  let n = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || (c > 127 && isUnicodeSpace(c));
    if (space) {
      pendingSpace = n > 0;
      continue;
    }
    if (pendingSpace) n++;
    pendingSpace = false;
    if (++n > limit) return n;
  }
  return n;
}

/** The top of the tree a node is in (its document, unless it was taken out). */
function topOf(node: AnyNode): AnyNode {
  let top = node;
  while (top.parent) top = top.parent;
  return top;
}

/** The page's base URL: its `<base href>` resolved against the page URL, else the page URL; null if unusable. */
export function baseUrl(doc: CheerioAPI, pageUrl: string): URL | null {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    return null;
  }
  // parseHtml noted the first <base href> while parsing: most pages have none, and finding that out takes a walk.
  const root = rootOf(doc);
  const noted = parsedBase(doc);
  const base =
    noted !== undefined && (noted === null || topOf(noted) === root)
      ? noted
      : firstElement([root], (el) => tagOf(el) === 'base' && el.attribs['href'] !== undefined);
  const href = base?.attribs['href'];
  if (href) {
    try {
      return new URL(href.trim(), page);
    } catch {
      // An unusable <base> is ignored, as browsers do.
    }
  }
  return page;
}

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

export interface Candidate {
  url: string;
  title: string;
  /** The title came from an attribute or image, not from the link's text. */
  weakTitle: boolean;
}

/** A link as a list entry (absolute URL without fragment, headline title), or null for links that are not entries. */
export function linkCandidate(doc: CheerioAPI, link: Element, base: URL | null): Candidate | null {
  const href = (link.attribs['href'] ?? '').trim();
  if (!href || href.startsWith('#')) return null;
  if (/^(javascript|mailto|tel|sms|data|about|file|ftp):/i.test(href)) return null;
  let url: URL;
  try {
    url = base ? new URL(href, base) : new URL(href);
  } catch {
    return null;
  }
  // A page read from disk without its address (vigie check file.html) keeps its relative links, as file: URLs.
  const local = url.protocol === 'file:' && base?.protocol === 'file:';
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && !local) return null;
  // Items often carry their category, tags or author next to the headline; those links list articles.
  if (/\b(tag|category|author)\b/i.test(link.attribs['rel'] ?? '') || isListingUrl(url)) return null;
  if (url.hash !== '') url.hash = '';
  let title = linkTitle(link);
  let weakTitle = false;
  if (!title) {
    weakTitle = true;
    title = collapseWhitespace(
      link.attribs['title'] ?? doc(link).find('img[alt]').first().attr('alt') ?? link.attribs['aria-label'] ?? '',
    );
  }
  title = withoutBullets(title);
  // Pagination and "more" links are short; folding every headline would cost more than the rest of the walk.
  if (!title || (title.length <= 40 && isMoreLink(foldText(title)))) return null;
  return { url: url.href, title, weakTitle };
}

const PLAIN_START = /^[A-Za-z0-9]/;
const ARROW_END = /[»›→>]$/;
const LEADING_BULLET = /^(?:[»›•·▪▸►▶→>*|]+|[-–—](?=\s))\s*/u;
const TRAILING_ARROW = /\s*[»›→>]+$/u;

/**
 * A title without the bullets and arrows old templates put around links ("» Titre", "Titre ›"). A closing »
 * stays when the title opened a « quotation.
 */
export function withoutBullets(title: string): string {
  // Most titles start with a letter or digit and end without an arrow: nothing to strip, and no Unicode regex to run.
  if (PLAIN_START.test(title) && !ARROW_END.test(title)) return title;
  const lead = title.replace(LEADING_BULLET, '');
  return /[«‹]/u.test(lead) ? lead : lead.replace(TRAILING_ARROW, '');
}

const LISTING_SEGMENT =
  /^(tags?|category|categories|categorie|rubriques?|topics?|authors?|auteurs?|people|person|profiles?|contributors?|page)$/i;
const LISTING_QUERY = /^(cat|category|tag|author|paged?)$/i;

/** The decoded, non-empty segments of a URL's path. */
export function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean).map((s) => {
    if (!s.includes('%')) return s;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

/**
 * Whether a URL lists articles instead of being one: a category, tag, author or "page 2" address such as
 * /category/naval/, /blog/tag/f-35, /news/page/2 or /?cat=3, unless an id follows the listing segment.
 */
export function isListingUrl(url: URL): boolean {
  const segments = pathSegments(url);
  const at = segments.findIndex((s) => LISTING_SEGMENT.test(s));
  if (at >= 0 && segments.length - at <= 2 && !/\d{3,}/.test(segments.slice(at + 1).join('/'))) return true;
  if (segments.length > 1 || url.search === '') return false;
  const keys = [...url.searchParams.keys()];
  return keys.length > 0 && keys.every((k) => LISTING_QUERY.test(k));
}

/** Parts of a card link that are not the headline: its date, kicker, category, counters, hidden helper text. */
const NOT_HEADLINE =
  /^(date|dates|time|timestamp|datetime|published|pubdate|meta|byline|author|kicker|overline|eyebrow|badge|label|category|cat|rubrique|tag|count|comments?|comment-count|read-?time|reading-time|screen-reader-text|sr-only|visually-hidden|visuallyhidden)$/i;
export const HEADLINE = /^(title|headline|heading|titre)$/i;

export function classTokens(el: Element): readonly string[] {
  const cls = el.attribs['class'];
  // Most elements have no class; they are asked for their tokens in every walk over a link or a heading.
  return cls ? tokensOfClass(cls) : NO_TOKENS;
}

const NO_TOKENS: readonly string[] = Object.freeze([]);
/** A site uses a few class attributes on every page: each is split once. */
const tokensOfClass = boundedMemo(4096, (cls): readonly string[] =>
  Object.freeze(cls.split(/\s+/).filter(Boolean).flatMap((t) => [t, ...t.split(/[-_]+/)])),
);

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
  let headline: Element | null = null;
  walk(el.children, (node) => {
    if (!isElement(node) || node.type !== 'tag') return false;
    if (HEADING_TAGS.has(tagOf(node)) || classTokens(node).some((t) => HEADLINE.test(t))) {
      headline = node;
      return true;
    }
    return undefined;
  });
  return headline;
}

/** Text of a subtree with spaces at block edges; `skipDecorations` leaves out dates, kickers and hidden text. */
export function textOf(root: AnyNode, skipDecorations: boolean): string {
  const out: string[] = [];
  // Strings on the stack are the spaces that close a block once its children are written.
  const stack: (AnyNode | string)[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') out.push(item);
    else if (item.type === 'text') out.push(item.data);
    else if (isElement(item) && item.type === 'tag') {
      const tag = tagOf(item);
      if (tag === 'br') out.push(' ');
      else if (skipDecorations && (tag === 'time' || classTokens(item).some((t) => NOT_HEADLINE.test(t)))) out.push(' ');
      else {
        if (BLOCK_TAGS.has(tag)) {
          out.push(' ');
          stack.push(' ');
        }
        for (let i = item.children.length - 1; i >= 0; i--) stack.push(item.children[i]!);
      }
    }
  }
  return out.join('');
}

/** The entries of these links, in order, one per URL. */
export function linkEntries(doc: CheerioAPI, links: readonly Element[], base: URL | null): LatestEntry[] {
  return uniqueEntries(links.map((link) => linkCandidate(doc, link, base)));
}

function uniqueEntries(candidates: readonly (Candidate | null)[]): LatestEntry[] {
  const byUrl = new Map<string, Candidate>();
  for (const c of candidates) {
    if (!c) continue;
    const first = byUrl.get(c.url);
    // Cards often link the image first (alt text) and the headline second: keep the place, take the headline.
    if (!first) byUrl.set(c.url, c);
    else if (first.weakTitle && !c.weakTitle) byUrl.set(c.url, c);
  }
  const out = noEntries();
  for (const { title, url } of byUrl.values()) out.push({ title, url });
  return out;
}

/** Only its elements kind matters: see noEntries. */
const AN_ENTRY: LatestEntry = { title: '', url: '' };

/**
 * A new empty list of entries, of the same elements kind as a filled one (objects), unlike `[]` (small integers).
 * Code V8 compiled for filled lists then meets no new array shape when a heading has nothing under it: an empty
 * literal there made it throw away and recompile the heading search and the list reader on each `--once` run.
 */
export function noEntries(): LatestEntry[] {
  const none = [AN_ENTRY];
  none.length = 0;
  return none;
}

import type { CheerioAPI } from 'cheerio';
import { densestList } from './densest-list.ts';
import {
  baseUrl,
  BLOCK_TAGS,
  classTokens,
  collapsedLength,
  collapseWhitespace,
  foldText,
  HEADING_TAGS,
  HEADLINE,
  isElement,
  linkEntries,
  linksIn,
  noEntries,
  someNode,
  tagOf,
  walk,
  type AnyNode,
  type Element,
} from './link-entries.ts';
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
  return findLatest(doc, options).entries;
}

export interface LatestFound {
  entries: LatestEntry[];
  /** Which rule found the list; `none` when the page has no convincing one. */
  via: 'selector' | 'heading' | 'densest-list' | 'none';
  /** For `heading`: the heading's text as the page shows it. */
  heading?: string;
}

/** `extractLatest`, also telling how the list was found: what `vigie check` can show to explain a result. */
export function findLatest(doc: CheerioAPI, options: LatestOptions): LatestFound {
  const base = baseUrl(doc, options.url);
  if (options.selector) {
    const entries = linkEntries(doc, linksIn(select(doc, options.selector)), base);
    if (entries.length > 0) return { entries, via: 'selector' };
  }
  const byHeading = latestByHeading(doc, base, options.heading);
  if (byHeading) return { entries: byHeading.entries, via: 'heading', heading: byHeading.heading };
  const entries = densestList(doc, base);
  return { entries, via: entries.length > 0 ? 'densest-list' : 'none' };
}

function select(doc: CheerioAPI, selector: string): Element[] {
  try {
    return doc(selector).toArray().filter(isElement);
  } catch (err) {
    throw new TypeError(`invalid latest-list selector ${JSON.stringify(selector)}: ${(err as Error).message}`);
  }
}

type TextNode = Extract<AnyNode, { type: 'text' }>;
/** What announces a list: an element, or a bare text node in old markup. */
type HeadingNode = Element | TextNode;

const MAX_HEADING_CHARS = 80;
const TITLE_TAGS = new Set([
  ...HEADING_TAGS, 'strong', 'b', 'div', 'span', 'p', 'td', 'th', 'dt', 'legend', 'caption', 'header', 'em',
  'i', 'u', 'font', 'label', 'summary',
]);
const NO_HEADING_INSIDE = new Set(['a', 'nav', 'button', 'select', 'option', 'head', 'script', 'style', 'template']);
/** Siblings that hold list items: a heading followed by one of them owns it, even when it is empty. */
const LIST_HOLDERS = new Set(['ul', 'ol', 'li', 'table', 'article', 'dl']);
const MAX_CLIMB = 4;
const WRAPPED_TITLE_TAGS = new Set([...HEADING_TAGS, 'b', 'strong', 'th']);

/**
 * The text of every element whose text stays under MAX_HEADING_CHARS, computed in one walk. Texts are kept
 * as written (whitespace not collapsed): every reader folds or collapses them anyway.
 */
function shortTexts(doc: CheerioAPI): Map<Element, string> {
  const elements: Element[] = [];
  walk(doc.root().toArray(), (node) => {
    if (!isElement(node)) return undefined;
    if (node.type !== 'tag') return false;
    elements.push(node);
    return undefined;
  });
  // Children come after their parent in document order, so walking backwards sees them first.
  const texts = new Map<Element, string>();
  const long = new Set<Element>();
  for (let i = elements.length - 1; i >= 0; i--) {
    const el = elements[i]!;
    const text = shortText(el, texts, long);
    if (text === null) long.add(el);
    else texts.set(el, text);
  }
  return texts;
}

/** An element's text while it stays short, from its children's (already computed); null once it is too long. */
function shortText(el: Element, texts: Map<Element, string>, long: Set<Element>): string | null {
  // Old sites drew section titles as images: <td><img src="titre.gif" alt="Derniers articles"></td>.
  if (tagOf(el) === 'img') return ` ${el.attribs['alt'] ?? ''} `;
  let text = '';
  for (const child of el.children) {
    if (child.type === 'text') text += child.data;
    else if (isElement(child)) {
      if (child.type !== 'tag') continue;
      if (long.has(child)) return null;
      // <br> and block boundaries separate words even though they hold no text.
      const part = texts.get(child) ?? '';
      text += tagOf(child) === 'br' || BLOCK_TAGS.has(tagOf(child)) ? ` ${part} ` : part;
    } else if (child.type !== 'comment') return null;
    if (text.length > MAX_HEADING_CHARS * 4) return null;
  }
  if (text.length > MAX_HEADING_CHARS && collapsedLength(text, MAX_HEADING_CHARS) > MAX_HEADING_CHARS) return null;
  return text;
}

function hasAncestor(node: Element, tags: Set<string>): boolean {
  for (let p = node.parent; p; p = p.parent) if (tags.has(tagOf(p))) return true;
  return false;
}

function latestByHeading(
  doc: CheerioAPI,
  base: URL | null,
  configured?: string,
): { entries: LatestEntry[]; heading: string } | null {
  const wanted: { folded: string; minEntries: number }[] = [];
  if (configured && foldText(configured)) wanted.push({ folded: foldText(configured), minEntries: 1 });
  for (const h of KNOWN_HEADINGS) wanted.push({ folded: foldText(h.text), minEntries: h.minEntries });
  const rankOf = new Map<string, number>();
  wanted.forEach((w, i) => {
    if (!rankOf.has(w.folded)) rankOf.set(w.folded, i);
  });

  const texts = shortTexts(doc);
  const headings: { el: HeadingNode; rank: number }[] = [];
  const seen = new Set<HeadingNode>();
  for (const [el, text] of texts) {
    if (!TITLE_TAGS.has(tagOf(el))) continue;
    const rank = headingRank(el, text, rankOf);
    if (rank === undefined || hasAncestor(el, NO_HEADING_INSIDE) || containsListHolder([el])) continue;
    if (inMenu(el)) continue;
    const outer = outermostSameText(el, texts);
    if (seen.has(outer)) continue;
    seen.add(outer);
    headings.push({ el: outer, rank });
  }
  for (const node of bareTextHeadings(doc, texts, rankOf, wanted)) headings.push(node);
  const labelled = labelledBlocks(doc, rankOf);
  headings.push(...labelled.keys());
  if (headings.length > 1) {
    const order = documentOrder(doc);
    headings.sort((a, b) => a.rank - b.rank || (order.get(a.el) ?? 0) - (order.get(b.el) ?? 0));
  }

  for (const heading of headings) {
    const { el, rank } = heading;
    const label = labelled.get(heading);
    const entries = label === undefined ? blockAfterHeading(doc, el, texts, base) : linkEntries(doc, linksIn([el]), base);
    if (entries.length >= (wanted[rank]?.minEntries ?? 1)) {
      const text = label ?? collapseWhitespace(isElement(el) ? (texts.get(el) ?? '') : el.data);
      return { entries, heading: text };
    }
  }
  return null;
}

/**
 * Blocks that name themselves for screen readers instead of showing a heading
 * (<section aria-label="Latest news">), with their label.
 */
function labelledBlocks(doc: CheerioAPI, rankOf: Map<string, number>): Map<{ el: HeadingNode; rank: number }, string> {
  const blocks = new Map<{ el: HeadingNode; rank: number }, string>();
  walk(doc.root().toArray(), (node) => {
    if (!isElement(node)) return undefined;
    if (NO_HEADING_INSIDE.has(tagOf(node)) && tagOf(node) !== 'nav') return false;
    const label = node.attribs['aria-label'];
    const rank = label ? rankOf.get(foldText(label)) : undefined;
    if (label && rank !== undefined) blocks.set({ el: node, rank }, collapseWhitespace(label));
    return undefined;
  });
  return blocks;
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

function textWithoutLinks(root: AnyNode): string {
  const out: string[] = [];
  walk([root], (node) => {
    if (node.type === 'text') out.push(node.data);
    else if (!isElement(node) || node.type !== 'tag') return false;
    else if (tagOf(node) === 'a') {
      out.push(' ');
      return false;
    }
    return undefined;
  });
  return out.join('');
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

function documentOrder(doc: CheerioAPI): Map<AnyNode, number> {
  const order = new Map<AnyNode, number>();
  walk(doc.root().toArray(), (node) => {
    order.set(node, order.size);
  });
  return order;
}

/**
 * Headings written as bare text inside a longer block (<td>Derniers articles<br><a>…</a>), as old templates
 * do. Only specific headings count: a bare "Latest" is too common a word.
 */
function bareTextHeadings(
  doc: CheerioAPI,
  texts: Map<Element, string>,
  rankOf: Map<string, number>,
  wanted: readonly { minEntries: number }[],
): { el: TextNode; rank: number }[] {
  const found: { el: TextNode; rank: number }[] = [];
  const longest = Math.max(...[...rankOf.keys()].map((k) => k.length));
  walk(doc.root().toArray(), (node) => {
    if (isElement(node) && NO_HEADING_INSIDE.has(tagOf(node))) return false;
    // Most text nodes are sentences; only those about as long as a heading are worth folding.
    if (node.type !== 'text' || node.data.length > MAX_HEADING_CHARS * 2) return undefined;
    if (collapsedLength(node.data, longest + 8) > longest + 8) return undefined;
    const parent = node.parent;
    if (!parent || !isElement(parent)) return undefined;
    const folded = foldText(node.data);
    const rank = rankOf.get(folded);
    if (rank === undefined || (wanted[rank]?.minEntries ?? 1) !== 1 || inMenu(parent)) return undefined;
    // A parent showing only this text is already an element heading.
    const parentText = texts.get(parent);
    if (parentText === undefined || foldText(parentText) !== folded) found.push({ el: node, rank });
    return undefined;
  });
  return found;
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
function startsAnotherBlock(node: AnyNode, heading: HeadingNode, texts: Map<Element, string>): boolean {
  if (!isElement(node)) return false;
  const ownLevel = headingLevel(heading);
  const isTitle = (el: Element): boolean => {
    const text = texts.get(el);
    if (text === undefined || !/\p{L}/u.test(text) || linksIn([el]).length > 0) return false;
    const level = headingLevel(el);
    if (level > 0) return ownLevel === 0 || level <= ownLevel;
    // Under a bare-text heading, any bold title starts the next block.
    return isElement(heading) ? sameShape(el, heading) : WRAPPED_TITLE_TAGS.has(tagOf(el));
  };
  if (linksIn([node]).length === 0) {
    const text = texts.get(node);
    if (text === undefined || !/\p{L}/u.test(text)) return false;
    if (isTitle(node) || tagOf(node) === tagOf(heading)) return true;
    // A wrapper whose only content is a title (<tr><td><b>Archives</b></td></tr>).
    const folded = foldText(text);
    return someNode(
      node.children,
      (n) =>
        isElement(n) &&
        (WRAPPED_TITLE_TAGS.has(tagOf(n)) || sameShape(n, heading)) &&
        foldText(texts.get(n) ?? '') === folded,
    );
  }
  // A box holding links that opens with its own title (<div class="widget"><h2>Archives</h2><ul>…).
  let el: Element | undefined = node;
  for (let depth = 0; depth < 3 && el; depth++) {
    el = el.children.find((c): c is Element => isElement(c) && c.type === 'tag');
    if (el && isTitle(el)) return true;
  }
  return false;
}

function sameShape(a: Element, b: HeadingNode): boolean {
  if (!isElement(b)) return false;
  const cls = (el: Element): string => (el.attribs['class'] ?? '').trim().split(/\s+/).sort().join(' ');
  return tagOf(a) === tagOf(b) && cls(a) !== '' && cls(a) === cls(b);
}

function containsListHolder(nodes: readonly AnyNode[]): boolean {
  return someNode(nodes, (node) => isElement(node) && LIST_HOLDERS.has(tagOf(node)));
}

function blockAfterHeading(
  doc: CheerioAPI,
  heading: HeadingNode,
  texts: Map<Element, string>,
  base: URL | null,
): LatestEntry[] {
  let node: AnyNode = heading;
  for (let level = 0; level <= MAX_CLIMB; level++) {
    const siblings: AnyNode[] = [];
    for (let s = node.nextSibling; s; s = s.nextSibling) {
      if (startsAnotherBlock(s, heading, texts)) break;
      siblings.push(s);
    }
    const entries = linkEntries(doc, linksIn(siblings), base);
    if (entries.length > 0 || containsListHolder(siblings)) return entries;
    const parent: AnyNode | null = node.parent;
    if (!parent || !isElement(parent) || ['body', 'html'].includes(tagOf(parent))) return noEntries();
    node = parent;
  }
  return noEntries();
}

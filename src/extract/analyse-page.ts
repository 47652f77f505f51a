import { blockSignature, MAX_SIGNED_LENGTH } from './block-signature.ts';
import { isElement, isElementKind, isText, kindOf, MAX_DEPTH, type ChildNode, type DocumentNode, type ElementNode, type TextNode } from './dom.ts';
import { classHint } from './hints.ts';
import { BLOCK_TAG, FURNITURE_TAG, HEADING_TAG, SKIPPED, SKIPPED_TAG, isFurnitureRole, isHidden, tagFlags } from './tags.ts';

/*
 * The fractional counts of every block of a page live in one Float64Array: as object fields they would be
 * boxed numbers, a dozen small allocations per block, and scavenging them while the freshly parsed DOM is
 * still young copied that DOM over and over.
 */
const GOOD = 0;
const BAD = 1;
const WEAK = 2;
const INNER_SCORE = 3;
const TRUST = 4;
const RAW_GOOD = 5;
const ARTICLE_GOOD = 6;
const SELF_GOOD = 7;
const SELF_BAD = 8;
const SELF_WEAK = 9;
const SELF_RAW_GOOD = 10;
const LINK_BAD = 11;
const SELF_LINK_BAD = 12;
const LIST_RELIEF = 13;
const MAX_CHILD_GOOD = 14;
const STRIDE = 15;

class Counts {
  f: Float64Array;
  n = 0;
  constructor(blocks: number) {
    this.f = new Float64Array(blocks * STRIDE);
  }
  /** Offset of a new block's counts, all 0 but trust 1. */
  slot(): number {
    const o = this.n * STRIDE;
    if (o + STRIDE > this.f.length) {
      const grown = new Float64Array(Math.max(this.f.length * 2, STRIDE * 64));
      grown.set(this.f);
      this.f = grown;
    }
    this.n++;
    this.f[o + TRUST] = 1;
    return o;
  }
}

/** What the first walk learns about one block element and its subtree. */
export class BlockInfo {
  /** The document itself for the top block, so pages without <html>/<body> still have a container. */
  el: ElementNode | DocumentNode;
  parent: BlockInfo | null;
  /** Visible characters (runs of whitespace excluded) in the subtree, and those inside links. */
  chars = 0;
  linkChars = 0;
  paragraphs = 0;
  /** Runs that are mostly link text (menu entries, teaser titles). */
  linkRuns = 0;
  listItems = 0;
  images = 0;
  headings = 0;
  /** Class/id hint of this element alone (see classHint). */
  hint: -2 | -1 | 0 | 1 = 0;
  /** Nav/aside/footer, a furniture role or class; resolved after the walk (see `settle`). */
  furniture = false;
  /** Signature of the whole block's text, when short enough to be signed. */
  signature: string | null = null;
  /** True when the signature belongs to the site template, or most of the block's text does. */
  template = false;
  /** Characters of the subtree in template lines or template blocks. */
  templateChars = 0;
  /** Paragraphs directly inside this block, before they are summed up the tree. */
  selfParagraphs = 0;
  /** What link runs (menu entries, list items) and template lines add to `bad` in the subtree ... */
  linkRunChars = 0;
  /** ... and the part after the subtree's last prose run: a list that ends the article rather than splitting it. */
  trailLink = 0;
  /** Text gathered for the signature while walking; null once the block is too long to sign. */
  textLength = 0;
  parts: string[] | null;
  private readonly counts: Counts;
  private readonly at: number;

  constructor(el: ElementNode | DocumentNode, parent: BlockInfo | null, counts: Counts, signing: boolean) {
    this.el = el;
    this.parent = parent;
    this.parts = signing ? [] : null;
    this.counts = counts;
    this.at = counts.slot();
  }

  /** Characters of prose-like runs (long or punctuated, few links) outside furniture. */
  get good(): number {
    return this.counts.f[this.at + GOOD]!;
  }
  set good(v: number) {
    this.counts.f[this.at + GOOD] = v;
  }
  /** Characters that look like furniture: link lists, furniture subtrees, template lines. */
  get bad(): number {
    return this.counts.f[this.at + BAD]!;
  }
  set bad(v: number) {
    this.counts.f[this.at + BAD] = v;
  }
  /** Characters of short runs without punctuation: headings, labels, menus without links. */
  get weak(): number {
    return this.counts.f[this.at + WEAK]!;
  }
  set weak(v: number) {
    this.counts.f[this.at + WEAK] = v;
  }
  /** good − BAD_WEIGHT·bad − WEAK_WEIGHT·weak of the subtree, before this block's own furniture mark applies. */
  get innerScore(): number {
    return this.counts.f[this.at + INNER_SCORE]!;
  }
  set innerScore(v: number) {
    this.counts.f[this.at + INNER_SCORE] = v;
  }
  /** 1, or less when this block or an ancestor is furniture: how much to trust it as the article's container. */
  get trust(): number {
    return this.counts.f[this.at + TRUST]!;
  }
  set trust(v: number) {
    this.counts.f[this.at + TRUST] = v;
  }
  /** `good` ignoring furniture marks, to notice a mis-named wrapper that holds the article. */
  get rawGood(): number {
    return this.counts.f[this.at + RAW_GOOD]!;
  }
  set rawGood(v: number) {
    this.counts.f[this.at + RAW_GOOD] = v;
  }
  /** The part of rawGood inside article-like descendants (positive class, <main>, itemprop=articleBody). */
  get articleGood(): number {
    return this.counts.f[this.at + ARTICLE_GOOD]!;
  }
  set articleGood(v: number) {
    this.counts.f[this.at + ARTICLE_GOOD] = v;
  }
  /** The same counts for the runs directly inside this block, before they are summed up the tree. */
  get selfGood(): number {
    return this.counts.f[this.at + SELF_GOOD]!;
  }
  set selfGood(v: number) {
    this.counts.f[this.at + SELF_GOOD] = v;
  }
  get selfBad(): number {
    return this.counts.f[this.at + SELF_BAD]!;
  }
  set selfBad(v: number) {
    this.counts.f[this.at + SELF_BAD] = v;
  }
  get selfWeak(): number {
    return this.counts.f[this.at + SELF_WEAK]!;
  }
  set selfWeak(v: number) {
    this.counts.f[this.at + SELF_WEAK] = v;
  }
  /** The part of `bad` that is link runs (list entries, menus) and template lines, which the renderer drops. */
  get linkBad(): number {
    return this.counts.f[this.at + LINK_BAD]!;
  }
  set linkBad(v: number) {
    this.counts.f[this.at + LINK_BAD] = v;
  }
  get selfLinkBad(): number {
    return this.counts.f[this.at + SELF_LINK_BAD]!;
  }
  set selfLinkBad(v: number) {
    this.counts.f[this.at + SELF_LINK_BAD] = v;
  }
  /** Link-run characters after the block's last paragraph that innerScore charged as bad (see trailLink). */
  get listRelief(): number {
    return this.counts.f[this.at + LIST_RELIEF]!;
  }
  set listRelief(v: number) {
    this.counts.f[this.at + LIST_RELIEF] = v;
  }
  /** The most prose any one child block holds. */
  get maxChildGood(): number {
    return this.counts.f[this.at + MAX_CHILD_GOOD]!;
  }
  set maxChildGood(v: number) {
    this.counts.f[this.at + MAX_CHILD_GOOD] = v;
  }
  get selfRawGood(): number {
    return this.counts.f[this.at + SELF_RAW_GOOD]!;
  }
  set selfRawGood(v: number) {
    this.counts.f[this.at + SELF_RAW_GOOD] = v;
  }
}

/** A copy of a block, with the same counts, that is neither furniture nor template (an include rule chose it). */
export function unmarked(b: BlockInfo): BlockInfo {
  const copy = Object.assign(Object.create(BlockInfo.prototype) as BlockInfo, b);
  copy.furniture = false;
  copy.template = false;
  return copy;
}

export interface MetaTag {
  key: string;
  content: string;
}

/** Head and body facts collected on the way, so metadata needs no second search of the tree. */
export interface PageFacts {
  htmlLang: string | null;
  documentTitle: string | null;
  meta: MetaTag[];
  canonical: string | null;
  jsonLd: string[];
  times: { datetime: string; el: ElementNode }[];
  h1s: { text: string; el: ElementNode }[];
  /** Text of the first short block whose class or id says byline/author. */
  bylineText: string | null;
  /** Text of the first short block whose class or id says date/published (a date written out). */
  dateText: string | null;
}

export interface PageAnalysis {
  /** Blocks in post-order: children come before their parents. */
  blocks: BlockInfo[];
  infoOf: Map<ElementNode | DocumentNode, BlockInfo>;
  facts: PageFacts;
  /** The <body> block, else the document block. */
  body: BlockInfo;
  /** Every block and line signature met, for template learning (filled only when asked). */
  signatures: Set<string> | null;
  /**
   * False when the template may have changed which lines were signed: a template line inside an inline
   * element can change whether that element is dropped as a link cluster, and a line emptied by a drop is
   * not signed. Then only an analysis without template gives the signatures learning needs.
   */
  signaturesExact: boolean;
  /** Inline elements judged furniture (link clusters inside a paragraph). */
  dropped: ReadonlySet<ElementNode>;
}

export interface AnalyseOptions {
  /** Signatures the site template says are furniture. */
  template?: ReadonlySet<string> | null;
  /** Collect every signature (template learning). */
  collectSignatures?: boolean;
}

/** Short unpunctuated runs (labels, headings, table cells) are only mildly suspect. */
export const WEAK_WEIGHT = 0.2;
/** Furniture weighs more than prose, so a wrapper must add much more prose than furniture to win. */
export const BAD_WEIGHT = 2;
/** Recognised furniture (hinted blocks, template lines, link clusters) is dropped anyway when rendering. */
export const FURNITURE_WEIGHT = 0.5;

const LEAF_TEXT = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'td', 'th', 'dd', 'dt']);

/** How much more prose than its best child a block must hold for a trailing list to be forgiven. */
const LIST_SPREAD = 1.5;

/** A block whose text is mostly template lines is template as a whole. */
const TEMPLATE_SHARE = 0.6;

const BYLINE_CLASS = /byline|author|signature|auteur|dateline/i;
const DATE_CLASS = /date|time|publi|posted|meta/i;

const PUNCT = /[.!?;,。！？、،]/;

interface State {
  blocks: BlockInfo[];
  infoOf: Map<ElementNode | DocumentNode, BlockInfo>;
  facts: PageFacts;
  template: ReadonlySet<string> | null;
  signatures: Set<string> | null;
  signing: boolean;
  current: BlockInfo | null;
  inLink: number;
  runChars: number;
  runLinkChars: number;
  runPunct: boolean;
  lineParts: string[];
  /** The line being read holds a masthead label or a copyright line (see MASTHEAD_LABEL). */
  lineMasthead: boolean;
  lineChars: number;
  lineLinkChars: number;
  body: BlockInfo | null;
  /** Links met so far, and runs ended so far (to know a run was not cut inside an inline element). */
  links: number;
  runs: number;
  dropped: Set<ElementNode>;
  depth: number;
  counts: Counts;
  /** Template lines met so far, and whether one was met inside an inline element. */
  templateLines: number;
  signaturesExact: boolean;
  /** Bad booked so far for link runs and template lines in document order, prose runs so far, and the former at the last prose run. */
  linkSoFar: number;
  goodRuns: number;
  lastGoodAt: number;
}


/** Tag, role and class hints; only worth reading for blocks that hold something (many wrappers are empty). */
function classify(b: BlockInfo, e: ElementNode, flags: number): void {
  const a = e.attribs;
  b.furniture = (flags & FURNITURE_TAG) !== 0 || isFurnitureRole(a.role);
  // Body and html classes describe the whole page (`single-post no-sidebar`), not a block.
  b.hint = e.name === 'body' || e.name === 'html' ? 0 : classHint(a.class, a.id);
  if (b.hint < 0) b.furniture = true;
}

/** A neutral block for an element the walk did not record (an inline element named by an include rule). */
export function blockFor(el: ElementNode): BlockInfo {
  return new BlockInfo(el, null, new Counts(1), false);
}

/**
 * A masthead or legal line ("Directeur de la publication : …", "© 2001-2016 … Tous droits réservés"): it reads
 * like a sentence, but it is the same on every page and never the article's. Only labels that start a line, and
 * the copyright sign, so a sentence that mentions an editor-in-chief stays prose.
 */
const MASTHEAD_LABEL = /^\s*(?:(?:directeur|directrice|responsable) de (?:la )?publication|comit[ée] (?:de r[ée]daction|militaire|[ée]ditorial|scientifique)|r[ée]dact(?:eur|rice) en chef\s*:|commission paritaire|d[ée]p[ôo]t l[ée]gal|issn\b|editor[- ]in[- ]chief\s*:|publisher\s*:)/i;
const RIGHTS = /\b(?:all rights reserved|tous droits r[ée]serv[ée]s)\b/i;

/** Tested on each text node, so no line is joined to be tested: a label starts its line's first text node. */
function isMastheadText(data: string, first: boolean): boolean {
  return data.includes('©') || (first && MASTHEAD_LABEL.test(data)) || ((data.includes('eserv') || data.includes('éserv')) && RIGHTS.test(data));
}

/** Closes the current line (at <br> or a block edge): a template line counts as furniture, a masthead line as weak. */
function endLine(s: State): void {
  if (s.lineChars === 0) {
    s.lineParts.length = 0;
    return;
  }
  const masthead = s.lineMasthead && s.lineChars <= 300 && s.current !== null;
  s.lineMasthead = false;
  if (masthead) {
    s.runChars -= s.lineChars;
    s.runLinkChars -= s.lineLinkChars;
    s.current!.selfWeak += s.lineChars;
  }
  if (s.signing) {
    const sig = blockSignature(s.lineParts.join(''));
    if (sig !== null) {
      s.signatures?.add(sig);
      if (!masthead && s.template?.has(sig) && s.current) {
        // The line's characters move from the run to the block's furniture count.
        s.templateLines++;
        s.runChars -= s.lineChars;
        s.runLinkChars -= s.lineLinkChars;
        s.current.selfBad += FURNITURE_WEIGHT * s.lineChars;
        s.current.selfLinkBad += FURNITURE_WEIGHT * s.lineChars;
        s.linkSoFar += FURNITURE_WEIGHT * s.lineChars;
        s.current.templateChars += s.lineChars;
      }
    }
  }
  s.lineParts.length = 0;
  s.lineChars = 0;
  s.lineLinkChars = 0;
}

/**
 * A <br> ends a line. A line that is mostly link text (one entry of a `<a>…</a><br>` list, "Imprimer |
 * Envoyer") is booked on its own, so a list that shares a cell with the article's text does not turn
 * that text into a link run, nor the list into prose.
 */
function endBrLine(s: State): void {
  const chars = s.lineChars;
  const link = s.lineLinkChars;
  if (chars === 0 || link * 2 <= chars) {
    endLine(s);
    return;
  }
  const runChars = s.runChars;
  endLine(s);
  // A template or masthead line was already moved out of the run by endLine.
  if (s.runChars !== runChars) return;
  s.runChars -= chars;
  s.runLinkChars -= link;
  endRun(s);
  const b = s.current;
  if (b) {
    b.selfBad += chars;
    b.selfLinkBad += chars;
    b.linkRuns++;
  }
  s.linkSoFar += chars;
}

/** Ends the current run of inline content and books it on the enclosing block. */
function endRun(s: State): void {
  endLine(s);
  const b = s.current;
  const chars = s.runChars;
  if (b && chars > 0) {
    const link = s.runLinkChars;
    const own = chars - link;
    if (link * 2 > chars) {
      b.selfBad += chars;
      b.selfLinkBad += chars;
      b.linkRuns++;
      s.linkSoFar += chars;
    } else if (own >= 60 || (own >= 20 && s.runPunct)) {
      // Links inside prose are part of it; they weigh half, as a mild guard against teaser blurbs.
      const good = own + 0.5 * link;
      b.selfGood += good;
      b.selfRawGood += good;
      b.selfParagraphs++;
      s.goodRuns++;
      s.lastGoodAt = s.linkSoFar;
    } else {
      b.selfWeak += chars;
    }
  }
  s.runChars = 0;
  s.runLinkChars = 0;
  s.runPunct = false;
  s.runs++;
}

/** Length without leading and trailing whitespace, without allocating a trimmed copy. */
function trimmedLength(data: string): number {
  let start = 0;
  let end = data.length;
  while (start < end && isSpace(data.charCodeAt(start))) start++;
  while (end > start && isSpace(data.charCodeAt(end - 1))) end--;
  return end - start;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 160 || code === 0x200b || code === 0xfeff;
}

function visitText(s: State, node: TextNode): void {
  const data = node.data;
  if (s.signing) s.lineParts.push(data);
  const n = trimmedLength(data);
  if (n === 0) return;
  if (!s.lineMasthead && n <= 300 && isMastheadText(data, s.lineChars === 0)) s.lineMasthead = true;
  s.runChars += n;
  s.lineChars += n;
  if (s.inLink > 0) {
    s.runLinkChars += n;
    s.lineLinkChars += n;
  }
  if (!s.runPunct && PUNCT.test(data)) s.runPunct = true;
  const b = s.current;
  if (b) {
    b.chars += n;
    if (s.inLink > 0) b.linkChars += n;
    if (b.parts !== null) {
      b.parts.push(data);
      b.textLength += data.length;
    }
  }
}

function collectHead(s: State, el: ElementNode): void {
  const a = el.attribs;
  switch (el.name) {
    case 'meta': {
      const key = a.property ?? a.name ?? a.itemprop ?? a['http-equiv'];
      const content = a.content;
      if (key !== undefined && content !== undefined) s.facts.meta.push({ key: key.toLowerCase(), content });
      break;
    }
    case 'title':
      if (s.facts.documentTitle === null) s.facts.documentTitle = textOfChildren(el);
      break;
    case 'link':
      if (s.facts.canonical === null && a.href && a.rel?.toLowerCase().split(/\s+/).includes('canonical')) {
        s.facts.canonical = a.href;
      }
      break;
    case 'script':
      if (a.type?.toLowerCase().includes('ld+json')) s.facts.jsonLd.push(textOfChildren(el));
      break;
  }
}

function textOfChildren(el: ElementNode): string {
  let out = '';
  for (const c of el.children) if (isText(c)) out += (c as TextNode).data;
  return out;
}

function visitElement(s: State, el: ElementNode): void {
  const tag = el.name;
  const flags = tagFlags(tag);
  if ((flags & SKIPPED_TAG) !== 0) {
    if (tag === 'head') {
      for (const c of el.children) if (isElement(c)) visitHeadChild(s, c as ElementNode);
      return;
    }
    collectHead(s, el);
    return;
  }
  const a = el.attribs;
  if (isHidden(a)) return;
  if (tag === 'br') {
    endBrLine(s);
    if (s.signing) s.lineParts.push(' ');
    return;
  }
  if (tag === 'img') {
    if (s.current) s.current.images++;
    return;
  }
  if (tag === 'time' && a.datetime) s.facts.times.push({ datetime: a.datetime, el });

  if ((flags & BLOCK_TAG) === 0) {
    const isLink = tag === 'a';
    if (isLink) {
      s.links++;
      s.inLink++;
      visitChildren(s, el);
      s.inLink--;
      return;
    }
    const runs = s.runs;
    const chars = s.runChars;
    const linkChars = s.runLinkChars;
    const links = s.links;
    const templateLines = s.templateLines;
    visitChildren(s, el);
    if (s.templateLines !== templateLines) s.signaturesExact = false;
    const added = s.runChars - chars;
    // A cluster of links inside a sentence (hover cards, "related" pop-ups) is furniture, not prose.
    if (s.runs === runs && s.links - links >= 3 && added >= 60 && s.runLinkChars - linkChars >= 0.8 * added) {
      s.runChars = chars;
      s.runLinkChars = linkChars;
      s.lineChars -= added;
      s.lineLinkChars = Math.max(0, s.lineLinkChars - added);
      if (s.current) s.current.selfBad += FURNITURE_WEIGHT * added;
      s.dropped.add(el);
    }
    return;
  }

  endRun(s);
  const parent = s.current;
  const b = new BlockInfo(el, parent, s.counts, s.signing);
  const linkAtStart = s.linkSoFar;
  const goodRunsAtStart = s.goodRuns;
  if (tag === 'body' && s.body === null) s.body = b;
  if (tag === 'li') b.listItems = 1;
  if ((flags & HEADING_TAG) !== 0) b.headings = 1;
  s.current = b;
  visitChildren(s, el);
  endRun(s);
  s.current = parent;
  b.linkRunChars = s.linkSoFar - linkAtStart;
  // The last prose run met is this block's own when one was met inside it.
  if (s.goodRuns > goodRunsAtStart) b.trailLink = s.linkSoFar - s.lastGoodAt;
  if (b.chars > 0 || b.images > 0) classify(b, el, flags);

  if (b.parts !== null) {
    if (b.textLength <= MAX_SIGNED_LENGTH * 2) {
      const text = b.parts.join('');
      b.signature = blockSignature(text);
      if (b.signature !== null) {
        s.signatures?.add(b.signature);
        if (s.template?.has(b.signature)) b.template = true;
      }
      if (parent?.parts) {
        parent.parts.push(' ', text, ' ');
        parent.textLength += text.length + 2;
      }
    } else if (parent) {
      parent.parts = null;
    }
    b.parts = null;
  } else if (s.signing && parent) {
    // A block too long to sign makes its ancestors too long as well; a partial text would be a false signature.
    parent.parts = null;
  }
  if (tag === 'h1') s.facts.h1s.push({ text: textOfChildrenDeep(el), el });
  if (b.chars > 0 && b.chars < 120 && (s.facts.bylineText === null || s.facts.dateText === null) && (a.class !== undefined || a.id !== undefined)) {
    // The patterns hold no space, so testing class and id apart is testing "class id" without building it.
    const cls = a.class;
    const id = a.id;
    if (s.facts.bylineText === null && ((cls !== undefined && BYLINE_CLASS.test(cls)) || (id !== undefined && BYLINE_CLASS.test(id)))) {
      s.facts.bylineText = textOfChildrenDeep(el);
    }
    if (s.facts.dateText === null && ((cls !== undefined && DATE_CLASS.test(cls)) || (id !== undefined && DATE_CLASS.test(id)))) {
      s.facts.dateText = textOfChildrenDeep(el);
    }
  }
  // A list whose items mostly recur is template as a whole: its new items are the ones that scrolled in.
  if (!b.template && b.templateChars > 0 && b.templateChars >= TEMPLATE_SHARE * b.chars && b.chars - b.templateChars < 300 && tag !== 'body') {
    b.template = true;
  }
  if (parent) {
    parent.chars += b.chars;
    parent.linkChars += b.linkChars;
    parent.templateChars += b.template ? b.chars : b.templateChars;
  }
  s.blocks.push(b);
  s.infoOf.set(el, b);
}

function visitHeadChild(s: State, el: ElementNode): void {
  collectHead(s, el);
  // Broken pages put body content in head; htmlparser2 keeps it there.
  if (!SKIPPED.has(el.name)) visitElement(s, el);
}

function textOfChildrenDeep(el: ElementNode): string {
  const out: string[] = [];
  const stack: ChildNode[] = [el];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (isText(n)) out.push((n as TextNode).data);
    else if (isElement(n)) {
      const e = n as ElementNode;
      if (SKIPPED.has(e.name)) continue;
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]!);
    }
  }
  return out.join('').replace(/\s+/g, ' ').trim();
}

function visitChildren(s: State, el: ElementNode | DocumentNode): void {
  if (s.depth >= MAX_DEPTH) {
    visitFlat(s, el);
    return;
  }
  s.depth++;
  for (const c of el.children) {
    const kind = kindOf(c);
    if (kind === 'text') visitText(s, c as TextNode);
    else if (isElementKind(kind)) visitElement(s, c as ElementNode);
  }
  s.depth--;
}

/** Too deep to walk recursively: the subtree's text joins the current run, without structure. */
function visitFlat(s: State, el: ElementNode | DocumentNode): void {
  const stack: ChildNode[] = [];
  for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (isText(n)) visitText(s, n as TextNode);
    else if (isElement(n)) {
      const e = n as ElementNode;
      if (SKIPPED.has(e.name)) continue;
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]!);
    }
  }
}

/**
 * Sums each block's own runs into its ancestors. A furniture block counts wholly as furniture for its
 * ancestors, unless it holds a large share of the page's prose: then the tag or class was a layout name.
 */
function settle(blocks: readonly BlockInfo[]): void {
  let pageRawGood = 0;
  for (const b of blocks) {
    b.rawGood += b.selfRawGood;
    if (isArticleLike(b)) b.articleGood = b.rawGood;
    if (b.parent) {
      b.parent.rawGood += b.rawGood;
      b.parent.articleGood += b.articleGood;
    } else pageRawGood += b.rawGood;
  }
  for (const b of blocks) {
    // A wrapper named like furniture (`content-sidebar-wrap`) that holds the article is layout, not furniture.
    if (b.furniture && b.hint > -2 && b.articleGood >= 0.5 * b.rawGood && b.rawGood >= 0.3 * pageRawGood && b.rawGood > 300) {
      b.furniture = false;
    }
    b.good += b.selfGood;
    b.bad += b.selfBad;
    b.linkBad += b.selfLinkBad;
    b.weak += b.selfWeak;
    b.paragraphs += b.selfParagraphs;
    // A teaser card (a linked title and a blurb or two) reads like prose but is furniture for the article.
    // Links that only follow the prose (print, share, a latest list) make a short article, not a teaser.
    if (b.paragraphs > 0 && b.paragraphs <= 2 && b.linkRuns > 0 && b.trailLink < b.linkRunChars && b.chars < 1000 && isElement(b.el as ChildNode) && !LEAF_TEXT.has((b.el as ElementNode).name)) {
      b.bad += b.good;
      b.good = 0;
    }
    b.innerScore = b.good - BAD_WEIGHT * b.bad - WEAK_WEIGHT * b.weak;
    // Only where the prose itself is spread over the block (its paragraphs are siblings, or its own lines):
    // a wrapper that merely adds a list to one child holding the article gets no relief.
    if (b.good >= LIST_SPREAD * b.maxChildGood) b.listRelief = Math.min(b.trailLink, b.linkBad);
    if (b.furniture || b.template) {
      // Recognised furniture is dropped when rendering anyway, so it only mildly discourages its wrappers.
      b.bad = FURNITURE_WEIGHT * (b.bad + b.good + b.weak);
      b.linkBad = Math.min(b.linkBad, b.bad);
      b.good = 0;
      b.weak = 0;
      b.paragraphs = 0;
    }
    const p = b.parent;
    if (p) {
      p.good += b.good;
      if (b.good > p.maxChildGood) p.maxChildGood = b.good;
      p.bad += b.bad;
      p.linkBad += b.linkBad;
      p.weak += b.weak;
      p.paragraphs += b.paragraphs;
      p.linkRuns += b.linkRuns;
      p.listItems += b.listItems;
      p.images += b.images;
      p.headings += b.headings;
    }
  }
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    const own = b.template ? 0.2 : b.furniture ? (b.hint === -2 ? 0.3 : 0.5) : 1;
    b.trust = own * (b.parent ? b.parent.trust : 1);
  }
}

function isArticleLike(b: BlockInfo): boolean {
  if (!isElement(b.el)) return false;
  const el = b.el as ElementNode;
  if (b.hint > 0 || el.name === 'main') return true;
  const itemprop = el.attribs.itemprop;
  return itemprop !== undefined && /articlebody/i.test(itemprop);
}

/** The first walk: one pass over the tree, no mutation. */
export function analysePage(root: DocumentNode, options: AnalyseOptions = {}): PageAnalysis {
  const template = options.template && options.template.size > 0 ? options.template : null;
  const collect = options.collectSignatures === true;
  const s: State = {
    blocks: [],
    infoOf: new Map(),
    facts: { htmlLang: null, documentTitle: null, meta: [], canonical: null, jsonLd: [], times: [], h1s: [], bylineText: null, dateText: null },
    template,
    signatures: collect ? new Set() : null,
    signing: collect || template !== null,
    current: null,
    inLink: 0,
    runChars: 0,
    runLinkChars: 0,
    runPunct: false,
    lineParts: [],
    lineMasthead: false,
    lineChars: 0,
    lineLinkChars: 0,
    body: null,
    links: 0,
    runs: 0,
    dropped: new Set(),
    depth: 0,
    counts: new Counts(256),
    templateLines: 0,
    signaturesExact: true,
    linkSoFar: 0,
    goodRuns: 0,
    lastGoodAt: 0,
  };
  const top = new BlockInfo(root, null, s.counts, false);
  s.current = top;
  for (const c of root.children) {
    if (isElement(c)) {
      const el = c as ElementNode;
      if (el.name === 'html' && el.attribs.lang) s.facts.htmlLang = el.attribs.lang;
      visitElement(s, el);
    } else if (isText(c)) visitText(s, c as TextNode);
  }
  endRun(s);
  s.blocks.push(top);
  s.infoOf.set(root, top);
  settle(s.blocks);
  return { blocks: s.blocks, infoOf: s.infoOf, facts: s.facts, body: s.body ?? top, signatures: s.signatures, signaturesExact: s.signaturesExact, dropped: s.dropped };
}

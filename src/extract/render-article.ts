import type { BlockInfo, PageAnalysis } from './analyse-page.ts';
import { blockSignature } from './block-signature.ts';
import { isElement, isElementKind, isText, kindOf, MAX_DEPTH, rawText, type DocumentNode, type ElementNode, type TextNode } from './dom.ts';
import { isFurnitureHeading } from './hints.ts';
import { isJunkLine } from './junk-line.ts';
import { normaliseTitle } from './pick-title.ts';
import { BLOCK, BLOCK_TAG, HEADING, SKIPPED_TAG, isHidden, tagFlags } from './tags.ts';

/** One paragraph of output: its plain text and its safe inline HTML. */
export interface OutputBlock {
  tag: 'p' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | 'li' | 'pre' | 'figure' | 'figcaption' | 'tr';
  text: string;
  html: string;
  /** The list (or, for a table row, the table) and quote that group consecutive items in the HTML. */
  list: ElementNode | null;
  ordered: boolean;
  quote: ElementNode | null;
  /** The source block, for the trimming rules. */
  source: BlockInfo | null;
  /** Share of the line's visible characters inside links. */
  linkShare: number;
}

export interface RenderOptions {
  template: ReadonlySet<string> | null;
  /** Normalised headlines (see normaliseTitle): kept even when the template knows them as recurring lines. */
  headlines?: ReadonlySet<string>;
  excluded: ReadonlySet<ElementNode>;
  baseUrl: URL | null;
}

interface Ctx {
  analysis: PageAnalysis;
  options: RenderOptions;
  out: OutputBlock[];
  /** Inline buffer: finished lines plus the line being built. */
  lines: { text: string; html: string; linkShare: number }[];
  text: string;
  html: string;
  tag: OutputBlock['tag'];
  list: ElementNode | null;
  ordered: boolean;
  quote: ElementNode | null;
  source: BlockInfo | null;
  pre: number;
  /** Links and their characters on the line being built, to spot menu lines ("Print | Email | Home"). */
  lineLinks: number;
  lineLinkChars: number;
  depth: number;
  /** Inline elements open around the current position, to keep each paragraph's HTML balanced. */
  inline: { open: string; close: string }[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const ESCAPE = /[&<>"]/g;

const NEEDS_ESCAPE = /[&<>"]/;

export function escapeHtml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE, (c) => ESCAPES[c]!) : text;
}

const WS = /[\s\u00a0]+/g;

/**
 * `text.replace(WS, ' ')` without the copy when it would change nothing (most text nodes: words and single
 * spaces). The scan accepts only ASCII non-space characters and lone spaces; anything else takes the regex.
 */
function collapseSpaces(text: string): string {
  let prevSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32) {
      if (prevSpace) return text.replace(WS, ' ');
      prevSpace = true;
    } else if (code > 32 && code < 127) prevSpace = false;
    else return text.replace(WS, ' ');
  }
  return text;
}
const CONTAINERS = new Set(['div', 'section', 'ul', 'ol', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'dl', 'form', 'center', 'header', 'main', 'article', 'fieldset', 'details', 'figure', 'td', 'th']);

function absolute(url: string | undefined, base: URL | null): string | null {
  if (!url) return null;
  const u = url.trim();
  if (u === '' || u.startsWith('#')) return null;
  try {
    const resolved = base ? new URL(u, base) : new URL(u);
    if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') return null;
    return resolved.href;
  } catch {
    return null;
  }
}

function endLine(c: Ctx): void {
  const text = c.pre > 0 ? c.text : c.text.replace(WS, ' ').trim();
  if (text.length > 0 || c.html.includes('<img')) {
    const visible = c.lineLinkChars === 0 ? 0 : text.replace(WS, '').length;
    const linkShare = visible === 0 ? 0 : c.lineLinkChars / visible;
    let keep = !(c.lineLinks >= 2 && linkShare > 0.7) && !isJunkLine(text, linkShare);
    if (c.options.template && text.length > 0) {
      const sig = blockSignature(text);
      if (sig !== null && c.options.template.has(sig) && !c.options.headlines?.has(normaliseTitle(text))) keep = false;
    }
    // Inline elements still open (a <b> around several <br> lines) are closed here and reopened below.
    let closing = '';
    for (let i = c.inline.length - 1; i >= 0; i--) closing += c.inline[i]!.close;
    if (keep) c.lines.push({ text, html: (c.html + closing).trim(), linkShare });
  }
  c.text = '';
  c.html = c.inline.length === 0 ? '' : c.inline.map((x) => x.open).join('');
  c.lineLinks = 0;
  c.lineLinkChars = 0;
}

/**
 * Each line of a run becomes its own paragraph: legacy pages separate paragraphs (and the date, byline
 * and title lines) with <br> only. Preformatted text keeps its lines together.
 */
function flush(c: Ctx): void {
  endLine(c);
  if (c.lines.length === 0) return;
  const lines = c.pre > 0 ? [{ text: c.lines.map((l) => l.text).join('\n'), html: c.lines.map((l) => l.html).join('<br>'), linkShare: 0 }] : c.lines;
  c.lines = [];
  for (const { text, html, linkShare } of lines) {
    const tag = text.length === 0 ? 'figure' : c.tag;
    c.out.push({ tag, text, html, list: c.list, ordered: c.ordered, quote: c.quote, source: c.source, linkShare });
  }
}

function linkShare(b: BlockInfo): number {
  return b.chars === 0 ? 0 : b.linkChars / b.chars;
}

/** Per-block keep/drop decision, on the numbers of the first walk. */
function dropBlock(c: Ctx, el: ElementNode, b: BlockInfo | undefined): boolean {
  if (!b) return false;
  if (b.template && !(b.chars < 300 && c.options.headlines?.has(normaliseTitle(headingText(el))))) return true;
  if (b.furniture || c.options.excluded.has(el)) return true;
  if (b.chars === 0) return b.images === 0;
  if (CONTAINERS.has(el.name)) {
    const share = linkShare(b);
    if (share > 0.5) return true;
    if (share > 0.3 && b.paragraphs === 0 && b.listItems >= 3) return true;
  }
  return false;
}

function headingText(el: ElementNode): string {
  return rawText(el).join('').replace(WS, ' ').trim();
}

/** A short block that is, or only wraps, a heading such as "Derniers articles" or "Related stories". */
function isFurnitureTitle(el: ElementNode, b: BlockInfo | undefined): boolean {
  if (!b || b.chars === 0 || b.chars > 60) return false;
  if (!HEADING.has(el.name) && b.headings === 0 && el.name !== 'p' && el.name !== 'div') return false;
  return isFurnitureHeading(headingText(el));
}

function renderChildren(c: Ctx, node: ElementNode | DocumentNode): void {
  if (c.depth >= MAX_DEPTH) {
    renderFlat(c, node);
    return;
  }
  c.depth++;
  try {
    renderKids(c, node);
  } finally {
    c.depth--;
  }
}

/** Beyond MAX_DEPTH the subtree is plain text of the current paragraph (see analysePage). */
function renderFlat(c: Ctx, node: ElementNode | DocumentNode): void {
  for (const t of rawText(node)) {
    c.text += t;
    c.html += escapeHtml(t.replace(WS, ' '));
  }
}

function renderKids(c: Ctx, node: ElementNode | DocumentNode): void {
  let skipping = false;
  for (const ch of node.children) {
    const kind = kindOf(ch);
    if (kind === 'text') {
      if (skipping) continue;
      const data = (ch as TextNode).data;
      c.text += data;
      c.html += escapeHtml(c.pre > 0 ? data : collapseSpaces(data));
      continue;
    }
    if (!isElementKind(kind)) continue;
    const el = ch as ElementNode;
    const tag = el.name;
    const flags = tagFlags(tag);
    if ((flags & SKIPPED_TAG) !== 0 || isHidden(el.attribs)) continue;
    if ((flags & BLOCK_TAG) !== 0) {
      const b = c.analysis.infoOf.get(el);
      if (dropBlock(c, el, b)) continue;
      if (isFurnitureTitle(el, b)) {
        skipping = true;
        continue;
      }
      if (skipping && b) {
        // What follows a "Related" heading is furniture until the prose resumes or a new section starts.
        const prose = b.good >= 100 && linkShare(b) < 0.2;
        if (!prose && !(HEADING.has(tag) && b.chars > 0)) continue;
        skipping = false;
      }
      renderBlock(c, el, b);
    } else if (!skipping && !c.analysis.dropped.has(el)) {
      renderInline(c, el);
    }
  }
}

const CELL = new Set(['td', 'th']);

/** A row of short cells without blocks inside: data, read as one line (layout tables are blocks). */
function isDataRow(c: Ctx, row: ElementNode): boolean {
  let cells = 0;
  for (const ch of row.children) {
    if (isText(ch)) {
      if ((ch as TextNode).data.trim() !== '') return false;
      continue;
    }
    if (!isElement(ch)) continue;
    const cell = ch as ElementNode;
    if (!CELL.has(cell.name) || hasBlockInside(cell)) return false;
    const info = c.analysis.infoOf.get(cell);
    if (info && info.chars > 300) return false;
    cells++;
  }
  return cells >= 2;
}

function hasBlockInside(el: ElementNode): boolean {
  const stack = [...el.children];
  let budget = 200;
  while (stack.length > 0) {
    if (--budget < 0) return true;
    const n = stack.pop()!;
    if (!isElement(n)) continue;
    const e = n as ElementNode;
    if (BLOCK.has(e.name)) return true;
    stack.push(...e.children);
  }
  return false;
}

function tableOf(row: ElementNode): ElementNode {
  for (let p = row.parent; p && isElement(p); p = p.parent) if ((p as ElementNode).name === 'table') return p as ElementNode;
  return row;
}

function renderRow(c: Ctx, row: ElementNode, b: BlockInfo | undefined): void {
  flush(c);
  const texts: string[] = [];
  let html = '';
  for (const ch of row.children) {
    if (!isElement(ch)) continue;
    const cell = ch as ElementNode;
    if (dropBlock(c, cell, c.analysis.infoOf.get(cell))) continue;
    renderChildren(c, cell);
    endLine(c);
    const lines = c.lines;
    c.lines = [];
    const text = lines.map((l) => l.text).filter((t) => t.length > 0).join(' ');
    if (text.length > 0) texts.push(text);
    const tag = cell.name === 'th' ? 'th' : 'td';
    html += `<${tag}>${lines.map((l) => l.html).join('<br>')}</${tag}>`;
  }
  if (texts.length === 0) return;
  c.out.push({ tag: 'tr', text: texts.join(' '), html, list: tableOf(row), ordered: false, quote: c.quote, source: b ?? c.source, linkShare: 0 });
}

function renderBlock(c: Ctx, el: ElementNode, b: BlockInfo | undefined): void {
  if (el.name === 'tr' && isDataRow(c, el)) {
    renderRow(c, el, b);
    return;
  }
  flush(c);
  const saved = { tag: c.tag, list: c.list, ordered: c.ordered, quote: c.quote, source: c.source };
  const tag = el.name;
  if (tag === 'ul' || tag === 'ol') {
    c.list = el;
    c.ordered = tag === 'ol';
  } else if (tag === 'li') c.tag = 'li';
  else if (HEADING.has(tag)) c.tag = tag === 'h1' ? 'h2' : (tag as OutputBlock['tag']);
  else if (tag === 'pre') {
    c.tag = 'pre';
    c.pre++;
  } else if (tag === 'blockquote') c.quote = el;
  else if (tag === 'figcaption') c.tag = 'figcaption';
  else if (tag === 'p' || tag === 'dd' || tag === 'dt' || tag === 'td' || tag === 'th') {
    if (c.tag !== 'li') c.tag = 'p';
  }
  if (b) c.source = b;
  renderChildren(c, el);
  flush(c);
  if (tag === 'pre') c.pre--;
  c.tag = saved.tag;
  c.list = saved.list;
  c.ordered = saved.ordered;
  c.quote = saved.quote;
  c.source = saved.source;
}

const INLINE_MAP: Record<string, string> = { em: 'em', i: 'em', strong: 'strong', b: 'strong', code: 'code' };

function renderInline(c: Ctx, el: ElementNode): void {
  const tag = el.name;
  if (tag === 'br') {
    endLine(c);
    return;
  }
  if (tag === 'img') {
    const src = absolute(el.attribs.src ?? el.attribs['data-src'], c.options.baseUrl);
    if (src && el.attribs.width !== '1' && el.attribs.height !== '1') {
      const alt = el.attribs.alt ? ` alt="${escapeHtml(el.attribs.alt)}"` : '';
      c.html += `<img src="${escapeHtml(src)}"${alt}>`;
    }
    return;
  }
  if (tag === 'a') {
    const href = absolute(el.attribs.href, c.options.baseUrl);
    const before = c.text.length;
    if (href) {
      const open = `<a href="${escapeHtml(href)}">`;
      const at = c.html.length;
      c.html += open;
      c.inline.push({ open, close: '</a>' });
      renderChildren(c, el);
      c.inline.pop();
      // An empty link (an icon, an anchor) is noise in the HTML.
      if (c.html.length === at + open.length && c.html.endsWith(open)) c.html = c.html.slice(0, at);
      else c.html += '</a>';
    } else renderChildren(c, el);
    c.lineLinks++;
    c.lineLinkChars += c.text.slice(before).replace(WS, '').length;
    return;
  }
  const mapped = INLINE_MAP[tag];
  if (!mapped) {
    renderChildren(c, el);
    return;
  }
  c.html += `<${mapped}>`;
  c.inline.push({ open: `<${mapped}>`, close: `</${mapped}>` });
  renderChildren(c, el);
  c.inline.pop();
  c.html += `</${mapped}>`;
}

/** The second walk: the container's kept blocks as paragraphs. */
export function renderArticle(analysis: PageAnalysis, container: BlockInfo, options: RenderOptions): OutputBlock[] {
  const c: Ctx = {
    analysis, options, out: [], lines: [], text: '', html: '', tag: 'p', list: null, ordered: false, quote: null,
    source: container, pre: 0, lineLinks: 0, lineLinkChars: 0, depth: 0, inline: [],
  };
  renderChildren(c, container.el);
  flush(c);
  return c.out;
}

/** Assembles output blocks into safe HTML, regrouping list items and quotes. */
export function blocksToHtml(blocks: readonly OutputBlock[]): string {
  let html = '';
  let openList: ElementNode | null = null;
  let openQuote: ElementNode | null = null;
  let listTag = 'ul';
  let openTable: ElementNode | null = null;
  for (const b of blocks) {
    const tag = b.tag === 'li' && b.list === null ? 'p' : b.tag;
    const list = tag === 'li' ? b.list : null;
    const table = tag === 'tr' ? b.list : null;
    if (openTable !== null && table !== openTable) {
      html += '</tbody></table>';
      openTable = null;
    }
    if (openList !== null && list !== openList) {
      html += `</${listTag}>`;
      openList = null;
    }
    if (openQuote !== null && b.quote !== openQuote) {
      html += '</blockquote>';
      openQuote = null;
    }
    if (b.quote !== null && openQuote === null) {
      html += '<blockquote>';
      openQuote = b.quote;
    }
    if (tag === 'li' && openList === null) {
      listTag = b.ordered ? 'ol' : 'ul';
      html += `<${listTag}>`;
      openList = list;
    }
    if (tag === 'tr' && openTable === null) {
      html += '<table><tbody>';
      openTable = table;
    }
    if (tag === 'figure') html += `<figure>${b.html}</figure>`;
    else if (tag === 'figcaption') html += `<figure><figcaption>${b.html}</figcaption></figure>`;
    else html += `<${tag}>${b.html}</${tag}>`;
  }
  if (openTable !== null) html += '</tbody></table>';
  if (openList !== null) html += `</${listTag}>`;
  if (openQuote !== null) html += '</blockquote>';
  return html;
}

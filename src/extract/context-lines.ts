import { collapse, isElement, isText, type ChildNode, type DocumentNode, type ElementNode, type TextNode } from './dom.ts';
import { BLOCK, HEADING, SKIPPED } from './tags.ts';

/** One visible line of the page (between <br>s and block edges), for headline and date lines outside the body. */
export interface ContextLine {
  text: string;
  /** Share of the line's characters inside links. */
  linkShare: number;
  /** Drawn as a headline: a heading, a whole line in bold or large type, or inside an element classed as a title. */
  styled: boolean;
}

const TITLE_CLASS = /tit|head/i;
/** Lines looked at on each side of the body: a rubric, the headline, a byline and a date line fit. */
const MAX_LINES = 6;
/** A line this long is prose (another story's teaser, the body of something else): the context ends there. */
const PROSE_LINE = 200;
/** Elements walked past on each side, so a page of thousands of tiny blocks costs nothing. */
const MAX_ELEMENTS = 400;

function isStyledElement(el: ElementNode): boolean {
  if (HEADING.has(el.name) || el.name === 'b' || el.name === 'strong') return true;
  if (el.name === 'font' && Number(el.attribs.size ?? 0) >= 4) return true;
  const cls = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`;
  return TITLE_CLASS.test(cls);
}

/** Characters other than whitespace, without building a copy. */
function visibleLength(data: string): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (!(c === 32 || (c >= 9 && c <= 13) || c === 160)) n++;
  }
  return n;
}

/** The lines of one subtree, in document order. */
function linesOf(root: ChildNode, budget: { left: number }): ContextLine[] {
  const lines: ContextLine[] = [];
  let text = '';
  let link = 0;
  let styledChars = 0;
  const close = (): void => {
    const t = collapse(text);
    if (t.length > 0) lines.push({ text: t, linkShare: Math.min(1, link / t.length), styled: styledChars >= visibleLength(t) * 0.9 });
    text = '';
    link = 0;
    styledChars = 0;
  };
  const walk = (n: ChildNode, inLink: boolean, styled: boolean, depth: number): void => {
    if (isText(n)) {
      const data = (n as TextNode).data;
      text += data;
      const visible = visibleLength(data);
      if (inLink) link += visible;
      if (styled) styledChars += visible;
      return;
    }
    if (!isElement(n) || depth > 40 || --budget.left < 0) return;
    const el = n as ElementNode;
    if (SKIPPED.has(el.name)) return;
    if (el.name === 'br') {
      close();
      return;
    }
    const block = BLOCK.has(el.name);
    if (block) close();
    const s = styled || isStyledElement(el);
    for (const c of el.children) walk(c, inLink || el.name === 'a', s, depth + 1);
    if (block) close();
  };
  walk(root, false, false, 0);
  close();
  return lines;
}

/**
 * Up to MAX_LINES lines before the article's container and after it, nearest first, read across its siblings and
 * its ancestors' siblings. Each side stops at a prose line or at MAX_LINES; link lines (menus, list entries) are
 * skipped but still count against the budget of elements, and a run of them ends the side (a latest list).
 */
export function linesAround(container: ElementNode | DocumentNode, body: ElementNode | DocumentNode): { before: ContextLine[]; after: ContextLine[] } {
  return { before: side(container, body, 'before'), after: side(container, body, 'after') };
}

function side(container: ElementNode | DocumentNode, body: ElementNode | DocumentNode, dir: 'before' | 'after'): ContextLine[] {
  const out: ContextLine[] = [];
  const budget = { left: MAX_ELEMENTS };
  let linkLines = 0;
  for (let node: ChildNode | DocumentNode | null = container; node && node !== body; node = (node as ChildNode).parent ?? null) {
    if (!('parent' in node)) break;
    let sib: ChildNode | null = dir === 'before' ? (node as ChildNode).prev : (node as ChildNode).next;
    for (; sib; sib = dir === 'before' ? sib.prev : sib.next) {
      const lines = linesOf(sib, budget);
      if (dir === 'before') lines.reverse();
      for (const line of lines) {
        if (line.text.length >= PROSE_LINE || out.length >= MAX_LINES || budget.left < 0) return out;
        if (line.linkShare > 0.5) {
          if (++linkLines >= 3) return out;
          continue;
        }
        out.push(line);
      }
    }
  }
  return out;
}

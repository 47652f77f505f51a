// cheerio/slim: the same load() over an htmlparser2 DOM, without cheerio's fromURL and its undici (a list reader
// thread would load them for nothing).
import { load, type CheerioAPI } from 'cheerio/slim';
import { DomHandler, type Element } from 'domhandler';
import { Parser } from 'htmlparser2';

/** Inputs longer than this many characters are cut before parsing (about 5 MB of mostly-ASCII HTML). */
export const MAX_HTML_LENGTH = 5 * 1024 * 1024;

/**
 * At most this many elements are open at once: opening one more unwraps a run of elements a quarter of the way
 * down (their children take their place), so content and the innermost structure are kept. Real pages stay well under it (browsers cap
 * at 512). Without it, 100,000 nested `<div>`s (1 MB) took 5.8 s to parse, since htmlparser2's open-element
 * stack costs O(depth) per tag, and ancestor walks in extraction are O(depth) too.
 */
export const MAX_NESTING = 256;

const OPTIONS = { xmlMode: false, decodeEntities: true } as const;
const truncated = new WeakSet<CheerioAPI>();

/**
 * Parses decoded HTML once, with htmlparser2 (several times faster than parse5 and forgiving of broken
 * markup). Oversized input is cut at the last tag start before the limit, so no tag is split in half;
 * `wasTruncated` tells the extractor to warn about it. Nesting beyond MAX_NESTING is flattened.
 */
export interface ParseOptions {
  /** Elements open at once; deeper ones are flattened. Default MAX_NESTING (256), the config's limits.maxNesting. */
  maxNesting?: number;
}

export function parseHtml(html: string, options: ParseOptions = {}): CheerioAPI {
  let source = html;
  let cut = false;
  if (source.length > MAX_HTML_LENGTH) {
    const lastTag = source.lastIndexOf('<', MAX_HTML_LENGTH);
    source = source.slice(0, lastTag > 0 ? lastTag : MAX_HTML_LENGTH);
    cut = true;
  }
  // What cheerio's own htmlparser2 path does (parseDocument), with a parser that stops nesting.
  const handler = new UnwrappingHandler(undefined, OPTIONS);
  new NestingCappedParser(handler, options.maxNesting ?? MAX_NESTING).end(source);
  const doc = load(handler.root, { xml: OPTIONS });
  if (cut) truncated.add(doc);
  bases.set(doc, handler.base);
  return doc;
}

const bases = new WeakMap<CheerioAPI, Element | null>();

/**
 * Lets a parsed page's tree go once its reader is done with it (what it returns must hold no node of it). cheerio's
 * load() makes a class per document whose methods hold the document's root, and with it each tree outlived V8's
 * young-generation collections until a full one (without load(), trees died young): reading bench:cycle's pages in
 * a loop, 85% of the young generation survived each scavenge, 143 KB a page was promoted, and the scavenges cost
 * more CPU than the parse. Emptying the root leaves that class holding an empty document.
 */
export function releaseDocument(doc: CheerioAPI): void {
  doc._root.children = [];
}

/**
 * The first `<base href>` element parseHtml met in this document, null when there was none, undefined for a
 * document parseHtml did not make. Vigie never adds a `<base>` to a parsed document; one it removed is the caller's
 * to notice (its `parent` chain no longer reaches the root).
 */
export function parsedBase(doc: CheerioAPI): Element | null | undefined {
  return bases.get(doc);
}

/** True when `parseHtml` had to cut this document's source at MAX_HTML_LENGTH. */
export function wasTruncated(doc: CheerioAPI): boolean {
  return truncated.has(doc);
}

/** The parser's private state this subclass reads; htmlparser2 keeps it internal but stable across 10.x. */
interface ParserInternals {
  /** Open element names, innermost first. */
  stack: string[];
}

/** A DomHandler that can unwrap a run of its open elements, and notes the first `<base href>`. */
class UnwrappingHandler extends DomHandler {
  /** The first `<base>` with an href, in document order (open-tag order), or null. */
  base: Element | null = null;

  override onopentag(name: string, attribs: Record<string, string>): void {
    super.onopentag(name, attribs);
    if (this.base === null && name === 'base' && attribs['href'] !== undefined) this.base = this.tagStack.at(-1) as Element;
  }

  /** Open elements, below the document itself. */
  get openCount(): number {
    return this.tagStack.length - 1;
  }

  /**
   * Replaces `count` nested open elements, from the `from`-th (0 = outermost), by their contents, in the parent of
   * the first. Each open element is the last child of the one above it, so their contents follow one another.
   */
  unwrapOpen(from: number, count: number): void {
    const run = this.tagStack.splice(from + 1, count) as Element[];
    const parent = run[0]!.parent!;
    parent.children.pop();
    for (const [i, el] of run.entries()) {
      // The next element of the run is this one's last child; it is unwrapped too.
      const kept = i < run.length - 1 ? el.children.slice(0, -1) : el.children;
      for (const child of kept) {
        const before = parent.children.at(-1) ?? null;
        child.prev = before;
        if (before) before.next = child;
        child.next = null;
        child.parent = parent;
        parent.children.push(child);
      }
    }
    const last = parent.children.at(-1);
    if (last) last.next = null;
  }
}

/**
 * An htmlparser2 Parser that keeps at most `maxDepth` elements open: before opening one more, it unwraps a run of
 * open elements a quarter of the way down, in the tree and in its own stack. A close tag that names an unwrapped element then
 * closes the next one of that name below, or nothing. The tree is unchanged for any page under the cap.
 */
class NestingCappedParser extends Parser {
  constructor(
    private readonly handler: UnwrappingHandler,
    private readonly maxDepth: number,
  ) {
    super(handler, OPTIONS);
  }

  override onopentagname(start: number, endIndex: number): void {
    const stack = (this as unknown as ParserInternals).stack;
    if (stack.length >= this.maxDepth && this.handler.openCount === stack.length) {
      // A quarter at a time, a quarter of the way down: the page's outer layout and the innermost elements stay.
      const from = Math.floor(stack.length / 4);
      const count = Math.max(1, Math.floor(stack.length / 4));
      this.handler.unwrapOpen(from, count);
      stack.splice(stack.length - from - count, count);
    }
    super.onopentagname(start, endIndex);
  }
}

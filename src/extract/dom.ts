import type { CheerioAPI } from 'cheerio';

/*
 * Node types derived from cheerio's own signatures, so src/extract depends on cheerio only
 * (domhandler is cheerio's internal dependency, not ours).
 */
type RootSelection = ReturnType<CheerioAPI['root']>;
export type DocumentNode = NonNullable<RootSelection[0]>;
export type ChildNode = DocumentNode['children'][number];
export type ElementNode = Extract<ChildNode, { attribs: Record<string, string> }>;
export type TextNode = Extract<ChildNode, { data: string; nodeType: 3 }>;

export function isElement(node: ChildNode): node is ElementNode {
  // domhandler gives `<!DOCTYPE>` and `<?xml ?>` (ProcessingInstruction) nodeType 1 as well, without attribs.
  return node.nodeType === 1 && 'attribs' in node;
}

export function isText(node: ChildNode): node is TextNode {
  return node.nodeType === 3;
}

export function rootOf(doc: CheerioAPI): DocumentNode {
  const root = doc.root()[0];
  if (!root) throw new Error('cheerio document without a root');
  return root;
}

/** Text of a subtree without script/style contents; iterative, so any nesting depth is safe. */
export function rawText(node: ChildNode | DocumentNode, out: string[] = []): string[] {
  const stack: (ChildNode | DocumentNode)[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.nodeType === 3) {
      out.push((n as TextNode).data);
    } else if (n.nodeType === 9 || isElement(n as ChildNode)) {
      const el = n as ElementNode;
      if (n.nodeType === 1 && (el.name === 'script' || el.name === 'style' || el.name === 'template')) continue;
      for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
    }
  }
  return out;
}

const SPACES = /\s+/g;

export function collapse(text: string): string {
  return text.replace(SPACES, ' ').trim();
}

export function textOf(node: ChildNode | DocumentNode): string {
  return collapse(rawText(node).join(''));
}

/**
 * Nesting beyond this is read as flat text. htmlparser2 nests every unclosed <font> or <div> of a broken
 * page inside the previous one, and recursive walks must not overflow the stack on them.
 */
export const MAX_DEPTH = 200;

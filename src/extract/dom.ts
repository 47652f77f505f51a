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

/** Text of a subtree, without script/style contents; cheap and allocation-light. */
export function rawText(node: ChildNode | DocumentNode, out: string[] = []): string[] {
  if (node.nodeType === 3) {
    out.push((node as TextNode).data);
  } else if (node.nodeType === 1 || node.nodeType === 9) {
    const el = node as ElementNode;
    if (node.nodeType === 1 && (el.name === 'script' || el.name === 'style' || el.name === 'template')) return out;
    for (const child of el.children) rawText(child, out);
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

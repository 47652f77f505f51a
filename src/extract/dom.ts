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

/**
 * domhandler's own `type` field ("tag", "script", "style", "text", "directive", …). Reading it is cheaper
 * than the `nodeType` getter, and it tells elements from `<!DOCTYPE>`, which also has nodeType 1.
 */
export function kindOf(node: ChildNode | DocumentNode): string {
  return (node as unknown as { type: string }).type;
}

export function isElementKind(kind: string): boolean {
  return kind === 'tag' || kind === 'script' || kind === 'style';
}

export function isElement(node: ChildNode | DocumentNode): node is ElementNode {
  return isElementKind(kindOf(node));
}

export function isText(node: ChildNode | DocumentNode): node is TextNode {
  return kindOf(node) === 'text';
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
    const kind = kindOf(n);
    if (kind === 'text') {
      out.push((n as TextNode).data);
    } else if (kind === 'root' || isElementKind(kind)) {
      const el = n as ElementNode;
      if (kind !== 'root' && (el.name === 'script' || el.name === 'style' || el.name === 'template')) continue;
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

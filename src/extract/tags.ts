/** Elements whose content is never article text. */
export const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'video',
  'audio', 'select', 'textarea', 'button', 'input', 'option', 'datalist', 'dialog', 'map', 'head', 'title',
  'meta', 'link', 'base', 'frameset', 'frame',
]);

/**
 * Page furniture by semantics; kept only when it wraps an article-like block (a mis-used tag). Captions
 * count as furniture: they describe a picture, and readers of the text do not see it.
 */
export const FURNITURE = new Set(['nav', 'aside', 'footer', 'menu', 'figcaption']);

/** Elements that break text flow: each starts a new paragraph. */
export const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dir', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup',
  'hr', 'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody',
  'thead', 'tfoot', 'tr', 'td', 'th', 'caption', 'ul', 'frameset', 'noframes',
]);

export const HEADING = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

const FURNITURE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog', 'alert', 'toolbar']);

export function isFurnitureRole(role: string | undefined): boolean {
  return role !== undefined && FURNITURE_ROLES.has(role.toLowerCase());
}

const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

export function isHidden(attribs: Record<string, string>): boolean {
  if (attribs.hidden !== undefined) return true;
  const style = attribs.style;
  return style !== undefined && HIDDEN_STYLE.test(style);
}

/** Bits of tagFlags: one map lookup per element instead of one set lookup per question. */
export const SKIPPED_TAG = 1;
export const BLOCK_TAG = 2;
export const HEADING_TAG = 4;
export const FURNITURE_TAG = 8;

const FLAGS = new Map<string, number>();
for (const [set, bit] of [[SKIPPED, SKIPPED_TAG], [BLOCK, BLOCK_TAG], [HEADING, HEADING_TAG], [FURNITURE, FURNITURE_TAG]] as const) {
  for (const tag of set) FLAGS.set(tag, (FLAGS.get(tag) ?? 0) | bit);
}

export function tagFlags(tag: string): number {
  return FLAGS.get(tag) ?? 0;
}

import { extractAndLearn, extractArticle } from './extract-article.ts';
import { extractLatest } from './extract-latest.ts';
import { parseHtml, releaseDocument } from './parse-html.ts';
import type { SiteTemplate } from './site-template.ts';
import type { Article } from './types.ts';

export interface ReadPageOptions {
  /** The page's URL (after redirects): base of relative links. Required. */
  url: string;
  /** The source's template learned so far, or null for a first page. Default null. */
  template?: SiteTemplate | null;
  /** When false, the page is read with the template but does not teach it (e.g. `vigie check`). Default true. */
  learn?: boolean;
  /** Per-source CSS overrides of the body. Default none. */
  include?: string[];
  exclude?: string[];
  /**
   * Per-source latest-list heading or selector, or false to skip the list: article jobs do not use it, and on an
   * article page it costs several times the extraction itself. Default: the known headings, then the densest
   * link list.
   */
  latest?: { heading?: string; selector?: string } | false;
  /** Elements open at once while parsing (limits.maxNesting). Default 256. */
  maxNesting?: number;
}

/**
 * Everything Vigie reads on one page, from one parse: the latest list, the template learned with this page,
 * and the article read with that template. None of them mutates the tree.
 */
export function readPage(html: string, options: ReadPageOptions): { article: Article; template: SiteTemplate | null } {
  const doc = parseHtml(html, { maxNesting: options.maxNesting });
  try {
    const wanted = options.latest;
    const latest = wanted === false ? [] : extractLatest(doc, { url: options.url, heading: wanted?.heading, selector: wanted?.selector });
    const overrides = { url: options.url, include: options.include, exclude: options.exclude };
    if (options.learn === false) {
      const template = options.template ?? null;
      return { article: { ...extractArticle(doc, { ...overrides, template }), latest }, template };
    }
    const { body, template } = extractAndLearn(doc, options.template ?? null, overrides);
    return { article: { ...body, latest }, template };
  } finally {
    releaseDocument(doc);
  }
}

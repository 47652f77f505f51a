import type { CheerioAPI } from 'cheerio';
import { analysePage, blockFor, unmarked, type BlockInfo, type PageAnalysis } from './analyse-page.ts';
import { linesAround, type ContextLine } from './context-lines.ts';
import { cutLinkLists } from './cut-link-lists.ts';
import { detectLang } from './detect-lang.ts';
import { isElement, rootOf, type ChildNode, type ElementNode } from './dom.ts';
import { readPageMeta } from './page-meta.ts';
import { wasTruncated, MAX_HTML_LENGTH } from './parse-html.ts';
import { pickContainer } from './pick-container.ts';
import { normaliseTitle, pickTitle } from './pick-title.ts';
import { blocksToHtml, renderArticle, type OutputBlock } from './render-article.ts';
import { learnFromAnalysis, templateSignatures, type SiteTemplate } from './site-template.ts';
import { findTextDates } from './text-date.ts';
import { trimBlocks } from './trim-blocks.ts';
import { isStyled, visibleHeadline } from './visible-headline.ts';
import type { Article } from './types.ts';

export type ArticleBody = Omit<Article, 'latest'>;

export interface ExtractArticleOptions {
  /** The page's URL: base for absolute links, images and canonical URL. Default: none (relative links are dropped). */
  url?: string;
  /** The source's learned template (see learnTemplate); its recurring blocks are removed. Default: null. */
  template?: SiteTemplate | null;
  /** Per-source CSS selectors of the article body; when any matches, only matched elements are read. Default: []. */
  include?: string[];
  /** Per-source CSS selectors always removed from the body. Default: []. */
  exclude?: string[];
}

function selectAll(doc: CheerioAPI, selectors: readonly string[], warnings: string[]): ElementNode[] {
  const out: ElementNode[] = [];
  for (const selector of selectors) {
    try {
      doc(selector).each((_, el) => {
        if (isElement(el)) out.push(el as ElementNode);
      });
    } catch {
      warnings.push(`invalid CSS selector ignored: ${selector}`);
    }
  }
  return out;
}

/** A lang attribute on the article or an ancestor below <html> (a bilingual site marks each article). */
function langAbove(node: BlockInfo['el']): string | null {
  let n: BlockInfo['el'] | null = node;
  while (n && isElement(n)) {
    const el = n as ElementNode;
    if (el.name === 'html') return null;
    const m = el.attribs.lang ? /^([a-z]{2,3})(?:$|[-_])/i.exec(el.attribs.lang) : null;
    if (m) return m[1]!.toLowerCase();
    n = el.parent as BlockInfo['el'] | null;
  }
  return null;
}

function hasAncestorIn(el: ElementNode, set: ReadonlySet<ElementNode>): boolean {
  for (let p = el.parent; p && isElement(p); p = p.parent) if (set.has(p as ElementNode)) return true;
  return false;
}

/** The first date written in a line, with its time when one is written (see findTextDates). */
function textDate(line: string | null, lang: string | null): string | null {
  return line ? (findTextDates(line, lang)[0]?.value ?? null) : null;
}

/** The date of the nearest short line that holds one (lines come nearest first). */
function firstDate(lines: readonly ContextLine[], lang: string | null): string | null {
  for (const line of lines) {
    if (line.text.length > 120) continue;
    const date = textDate(line.text, lang);
    if (date) return date;
  }
  return null;
}

function baseUrlOf(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Extracts the article of a parsed page: generic heuristics first, then the site template, then the
 * per-source overrides. It only reads `doc` (never mutates it), so the latest-list detection and template
 * learning may run on the same document before or after.
 */
export function extractArticle(doc: CheerioAPI, options: ExtractArticleOptions = {}): ArticleBody {
  const template = templateSignatures(options.template);
  return extractWith(doc, analysePage(rootOf(doc), { template }), template, options);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * learnTemplate then extractArticle with the template it returns, on one document, with the same results
 * as those two calls. The page is analysed once when learning it leaves the template's recurring set as
 * it was (the usual case), else once more with the new set.
 */
export function extractAndLearn(
  doc: CheerioAPI,
  previous: SiteTemplate | null,
  options: Omit<ExtractArticleOptions, 'template'> = {},
): { body: ArticleBody; template: SiteTemplate } {
  const root = rootOf(doc);
  const before = templateSignatures(previous);
  let analysis = analysePage(root, { template: before, collectSignatures: true });
  const learnedFrom = analysis.signaturesExact ? analysis : analysePage(root, { collectSignatures: true });
  const template = learnFromAnalysis(previous, learnedFrom);
  const after = templateSignatures(template);
  if (!sameSet(before, after)) {
    // The analysis made for learning has no template when the first one could not give exact signatures.
    analysis = after.size === 0 && learnedFrom !== analysis ? learnedFrom : analysePage(root, { template: after });
  }
  return { body: extractWith(doc, analysis, after, options), template };
}

function extractWith(doc: CheerioAPI, analysis: PageAnalysis, template: ReadonlySet<string>, options: ExtractArticleOptions): ArticleBody {
  const warnings: string[] = [];
  if (wasTruncated(doc)) warnings.push(`page over ${MAX_HTML_LENGTH / 1024 / 1024} MB: cut at a tag boundary`);
  const base = baseUrlOf(options.url);
  const excluded = new Set(selectAll(doc, options.exclude ?? [], warnings));
  const meta = readPageMeta(analysis.facts, base);
  // The site's latest list shows this article's headline on every page fetched since it was published, so the
  // template may know the headline as a recurring line: it must still be read, to be found and trimmed as such.
  const headlines = new Set([pickTitle(meta.titleCandidates), meta.titleCandidates.h1 ?? ''].map(normaliseTitle).filter((t) => t.length > 0));
  const renderOptions = { template: template.size > 0 ? template : null, excluded, baseUrl: base, headlines };

  let blocks: OutputBlock[] = [];
  let container: BlockInfo | null = null;
  const included = selectAll(doc, options.include ?? [], warnings);
  if (included.length > 0) {
    const chosen = new Set(included);
    for (const el of included) {
      if (excluded.has(el) || hasAncestorIn(el, chosen)) continue;
      const info = analysis.infoOf.get(el);
      // The source's own rule outranks the furniture and template marks on the chosen element itself.
      const block = info ? unmarked(info) : blockFor(el);
      blocks.push(...renderArticle(analysis, block, renderOptions));
    }
  } else {
    container = pickContainer(analysis);
    if (container) blocks = renderArticle(analysis, container, renderOptions);
  }

  const metaTitle = pickTitle(meta.titleCandidates);
  // The headline and the date line may sit just outside the body (a one-paragraph article is its own container).
  // Read only when needed: most pages have a confirmed <h1> and a date in their metadata.
  let around: { before: ContextLine[]; after: ContextLine[] } | null = null;
  const lines = () => (around ??= container ? linesAround(container.el, analysis.body.el) : { before: [], after: [] });
  // An <h1> the metadata confirms is the headline; otherwise the page's own drawing of it may be.
  let title = metaTitle;
  if (metaTitle !== meta.titleCandidates.h1) {
    const head: ContextLine[] = [...[...lines().before].reverse(), ...blocks.map((b) => ({ text: b.text, linkShare: b.linkShare, styled: isStyled(b) }))];
    title = visibleHeadline(head, metaTitle, meta.titleCandidates.document) ?? metaTitle;
  }
  // Lists go first, so the lines under the text (a date, legal lines) are the text's end for trimBlocks.
  const trimmed = trimBlocks(cutLinkLists(blocks), title, meta.titleCandidates.h1);
  blocks = trimmed.blocks;
  const text = blocks.map((b) => b.text).filter((t) => t.length > 0).join('\n\n');
  const lang = (container ? langAbove(container.el) : null) ?? meta.lang ?? detectLang(text);
  return {
    title,
    text,
    html: blocksToHtml(blocks),
    lang,
    // The metadata, else the date written nearest the headline: the lines around it, a block classed as a
    // date or byline, then a dated line under the text. Never the latest list's or the footer's dates,
    // which are outside the article's lines.
    publishedAt:
      meta.publishedAt ??
      textDate(trimmed.dateLine, lang) ??
      firstDate(lines().before, lang) ??
      textDate(analysis.facts.dateText, lang) ??
      textDate(analysis.facts.bylineText, lang) ??
      textDate(trimmed.tailDateLine, lang) ??
      firstDate(lines().after, lang),
    byline: meta.byline ?? trimmed.byline,
    canonicalUrl: meta.canonicalUrl,
    warnings,
  };
}

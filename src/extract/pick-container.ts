import type { BlockInfo, PageAnalysis } from './analyse-page.ts';
import { isElement, type ElementNode } from './dom.ts';

const ARTICLE_TAGS = new Set(['article', 'main']);

function containerScore(b: BlockInfo): number {
  let score = b.innerScore;
  // A block in furniture can still be the article's wrapper when a hint misfires, so it is only discounted.
  score *= b.trust;
  if (isElement(b.el)) {
    const el = b.el as ElementNode;
    if (b.hint > 0) score *= 1.1;
    if (ARTICLE_TAGS.has(el.name)) score *= 1.1;
    const itemprop = el.attribs.itemprop;
    if (itemprop && /articlebody|text/i.test(itemprop)) score *= 1.25;
  }
  return score;
}

/** The block that best holds the article (most prose, least furniture); null when the page has no prose. */
export function pickContainer(analysis: PageAnalysis): BlockInfo | null {
  let best: BlockInfo | null = null;
  let bestScore = -Infinity;
  for (const b of analysis.blocks) {
    if (b.rawGood === 0) continue;
    const s = containerScore(b);
    if (s > bestScore) {
      bestScore = s;
      best = b;
    }
  }
  return best;
}

import { BAD_WEIGHT, type BlockInfo, type PageAnalysis } from './analyse-page.ts';
import { isElement, type ElementNode } from './dom.ts';

const ARTICLE_TAGS = new Set(['article', 'main']);

/**
 * What a link list after the block's last paragraph costs, per character, instead of BAD_WEIGHT: it ends the
 * article (the renderer stops there) rather than splitting it, so a short article whose cell also holds a
 * 50-entry latest list is still read whole. Not free, so the tightest block holding the prose still wins.
 */
const TRAILING_LIST_WEIGHT = 0.01;

function containerScore(b: BlockInfo): number {
  let score = b.innerScore + (BAD_WEIGHT - TRAILING_LIST_WEIGHT) * b.listRelief;
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

import type { ChannelExcerpt } from './channel-message.ts';
import { cutText, cutTextStart, ELLIPSIS } from './cut-text.ts';

export interface ExcerptParts {
  /** Raw text, not escaped: with a leading ellipsis when the paragraph goes on before. */
  before: string;
  hit: string;
  /** With a trailing ellipsis when the paragraph goes on after. */
  after: string;
}

/**
 * An excerpt split around its hit, each side kept within `side` code units (cut away from the hit), so that a
 * formatter can escape the three parts apart and mark the hit in its own syntax.
 */
export function excerptParts(e: ChannelExcerpt, side: number, hitMax = side): ExcerptParts {
  let before = cutTextStart(e.text.slice(0, e.hitStart), side);
  let after = cutText(e.text.slice(e.hitEnd), side);
  if (e.cutBefore && !before.startsWith(ELLIPSIS)) before = ELLIPSIS + before;
  if (e.cutAfter && !after.endsWith(ELLIPSIS)) after += ELLIPSIS;
  return { before, hit: cutText(e.text.slice(e.hitStart, e.hitEnd), hitMax), after };
}

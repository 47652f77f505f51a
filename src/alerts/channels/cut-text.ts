const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const ELLIPSIS = '…';

/**
 * `text` within `max` UTF-16 code units (what JavaScript's length counts, never fewer than the code points services
 * count), cut on a grapheme boundary (never inside a surrogate pair, an accent or an emoji sequence) and ending with
 * an ellipsis when cut. Spaces before the ellipsis are dropped.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const budget = max - ELLIPSIS.length;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > budget) break;
    end = index + segment.length;
  }
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}

/**
 * `escape(cut)` for the longest cut of `text` whose escaped form fits in `max`: escaping first and cutting after
 * could split an escape (`&am…`, a lone backslash), and escaping lengthens the text.
 */
export function cutEscaped(text: string, max: number, escape: (s: string) => string): string {
  let budget = max;
  for (;;) {
    const out = escape(cutText(text, budget));
    if (out.length <= max || budget <= 0) return out.length <= max ? out : '';
    // Shrink by the overflow at least: escapes only lengthen, so this converges in a few rounds.
    budget -= Math.max(1, out.length - max);
  }
}

/** The end of `text` within `max` code units, cut on a grapheme boundary and starting with an ellipsis when cut. */
export function cutTextStart(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const from = text.length - (max - ELLIPSIS.length);
  let start = text.length;
  for (const { index } of graphemes.segment(text)) {
    if (index >= from) {
      start = index;
      break;
    }
  }
  return ELLIPSIS + text.slice(start).trimStart();
}

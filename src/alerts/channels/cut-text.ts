/** Built on first use: creating a segmenter loads ICU's break rules, about 18 ms at the start of every command. */
let segmenter: Intl.Segmenter | null = null;
const graphemes = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

export const ELLIPSIS = '…';
/** How far back a cut may move to fall between two words. */
const WORD_REACH = 30;

/**
 * `text` within `max` UTF-16 code units (what JavaScript's length counts, never fewer than the code points services
 * count), cut on a grapheme boundary (never inside a surrogate pair, an accent or an emoji sequence) and ending with
 * an ellipsis when cut. Spaces before the ellipsis are dropped.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const budget = max - ELLIPSIS.length;
  let end = boundaryAtOrBefore(text, budget);
  // Between words when a space is near the cut (`word word…`, not `word word w…`); mid-word in a long word.
  const space = text.lastIndexOf(' ', end);
  if (space > 0 && end - space <= Math.min(WORD_REACH, budget / 4) && /\S/.test(text[end] ?? '')) end = space;
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
    // Shrink in proportion to the overflow (an escape may be 4 characters for 1), by one at least: a few rounds.
    budget = Math.min(budget - 1, Math.floor((budget * max) / out.length));
  }
}

/** The end of `text` within `max` code units, cut on a grapheme boundary and starting with an ellipsis when cut. */
export function cutTextStart(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const from = text.length - (max - ELLIPSIS.length);
  let start = boundaryAtOrAfter(text, from);
  const space = text.indexOf(' ', start);
  if (space !== -1 && space - start < Math.min(WORD_REACH, (max - ELLIPSIS.length) / 4) && /\S/.test(text[start - 1] ?? '')) start = space + 1;
  return ELLIPSIS + text.slice(start).trimStart();
}

/**
 * Grapheme boundaries are looked for in a window around the cut only: segmenting a whole excerpt costs ~0.5 µs a
 * character. A cluster longer than the window (a pile of combining marks) may then be cut, never a surrogate pair.
 */
const WINDOW = 64;

function windowStart(text: string, pos: number): number {
  let start = Math.max(0, pos - WINDOW);
  if (start > 0 && isLow(text.charCodeAt(start))) start--;
  return start;
}

const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The last grapheme boundary at or before `pos` (0 < pos < text.length). */
function boundaryAtOrBefore(text: string, pos: number): number {
  const start = windowStart(text, pos);
  let end = start;
  for (const { index, segment } of graphemes().segment(text.slice(start, pos + WINDOW))) {
    if (start + index + segment.length > pos) break;
    end = start + index + segment.length;
  }
  return end;
}

/** The first grapheme boundary at or after `pos`. */
function boundaryAtOrAfter(text: string, pos: number): number {
  const start = windowStart(text, pos);
  for (const { index } of graphemes().segment(text.slice(start, pos + WINDOW))) if (start + index >= pos) return start + index;
  return Math.min(text.length, pos + WINDOW);
}

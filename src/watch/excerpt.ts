import { isSpaceUnit } from '../config/space-unit.ts';

/** A hit in context, for messages that show and highlight it. Offsets are UTF-16 code units, end exclusive. */
export interface Excerpt {
  field: 'title' | 'text';
  /** The hit in the original title or text. */
  start: number;
  end: number;
  /** The excerpt's bounds in the original. */
  from: number;
  to: number;
  /** original.slice(from, to) with each run of whitespace made one space. */
  text: string;
  /** The hit within `text`. */
  hitStart: number;
  hitEnd: number;
  /** The paragraph goes on before / after the excerpt: show an ellipsis. */
  cutBefore: boolean;
  cutAfter: boolean;
}

/** Context wanted on each side of a hit, in characters; the cut falls on the nearest word boundary inside it. */
export const EXCERPT_RADIUS = 60;

const isSpace = (s: string, i: number): boolean => isSpaceUnit(s.charCodeAt(i));
const isBreak = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c === 10 || c === 13 || c === 0x2029;
};

/** `s.slice(from, to)` with each run of whitespace made one space; the regex only when there is one to collapse. */
function collapse(s: string, from: number, to: number): string {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && isSpaceUnit(c)) return s.slice(from, to).replace(/\s+/g, ' ');
    if (c === 32 && i + 1 < to && isSpaceUnit(s.charCodeAt(i + 1))) return s.slice(from, to).replace(/\s+/g, ' ');
  }
  return s.slice(from, to);
}

/**
 * Up to EXCERPT_RADIUS characters of the hit's own paragraph on each side, cut between words: a word that would
 * be cut in the middle is left out rather than shown in part.
 */
export function excerptAround(source: string, field: 'title' | 'text', start: number, end: number): Excerpt {
  let from = start;
  let cutBefore = false;
  const lo = Math.max(0, start - EXCERPT_RADIUS);
  let i = start - 1;
  while (i >= lo && !isBreak(source, i)) i--;
  if (i >= lo || lo === 0) from = i + 1;
  else {
    // No paragraph start within reach: cut after the first whitespace inside it, or (one long word) at the hit.
    from = start;
    for (let k = lo - 1; k < start; k++) {
      if (isSpace(source, k)) {
        from = k + 1;
        break;
      }
    }
    cutBefore = true;
  }
  let to = end;
  let cutAfter = false;
  const hi = Math.min(source.length, end + EXCERPT_RADIUS);
  let j = end;
  while (j < hi && !isBreak(source, j)) j++;
  if (j < hi || hi === source.length) to = j;
  else {
    to = end;
    for (let k = hi; k > end; k--) {
      if (isSpace(source, k)) {
        to = k;
        break;
      }
    }
    cutAfter = true;
  }
  while (from < start && isSpace(source, from)) from++;
  while (to > end && isSpace(source, to - 1)) to--;
  const before = collapse(source, from, start);
  const hit = collapse(source, start, end);
  return {
    field,
    start,
    end,
    from,
    to,
    text: before + hit + collapse(source, end, to),
    hitStart: before.length,
    hitEnd: before.length + hit.length,
    cutBefore,
    cutAfter,
  };
}

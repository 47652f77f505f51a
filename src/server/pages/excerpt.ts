/** A piece of an excerpt: `mark` when it is one of the words searched for. */
export interface ExcerptPart {
  text: string;
  mark: boolean;
}

/** Lower case without accents, one output character per input character (so positions map back). */
function fold(text: string): string {
  let out = '';
  for (const c of text) {
    const f = c.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    out += f.length === c.length ? f : c;
  }
  return out;
}

/**
 * About `length` characters of `text` around the first word of `q` found in it (accents and case ignored, as the
 * search does), with the words marked; the start of the text when none is found or `q` is empty.
 */
export function excerpt(text: string, q: string, length = 240): ExcerptPart[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  const folded = fold(flat);
  const terms = [...new Set(fold(q).split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0))];
  const first = Math.min(...terms.map((t) => folded.indexOf(t)).filter((i) => i >= 0));
  let start = Number.isFinite(first) ? Math.max(0, first - Math.floor(length / 3)) : 0;
  // Start on a word, not inside one.
  if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
  let end = Math.min(flat.length, start + length);
  // End on a word too.
  if (end < flat.length) end = flat.lastIndexOf(' ', end) > start ? flat.lastIndexOf(' ', end) : end;
  const window = flat.slice(start, end);
  const parts: ExcerptPart[] = [];
  if (start > 0) parts.push({ text: '… ', mark: false });
  const foldedWindow = folded.slice(start, end);
  let at = 0;
  while (terms.length > 0 && at < window.length) {
    const hits = terms.map((t) => [foldedWindow.indexOf(t, at), t.length] as const).filter(([i]) => i >= 0);
    if (hits.length === 0) break;
    const [i, n] = hits.reduce((a, b) => (b[0] < a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a));
    if (i > at) parts.push({ text: window.slice(at, i), mark: false });
    parts.push({ text: window.slice(i, i + n), mark: true });
    at = i + n;
  }
  if (at < window.length) parts.push({ text: window.slice(at), mark: false });
  if (end < flat.length) parts.push({ text: ' …', mark: false });
  return parts;
}

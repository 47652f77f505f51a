/** One matched term of a stored watchlist match, as the pages and feeds show it. */
export interface ShownHit {
  term: string;
  /** The excerpt split around the hit: all plain text, escaped where it is rendered. */
  excerpt: { before: string; hit: string; after: string; cutBefore: boolean; cutAfter: boolean } | null;
}

/**
 * The hits of a watchlist match as stored (the matcher's JSON, read back as unknown): each term with its excerpt cut
 * at hitStart/hitEnd. Anything malformed is dropped rather than trusted: a bad row shows fewer hits, never markup.
 */
export function watchlistHits(hits: unknown): ShownHit[] {
  if (!Array.isArray(hits)) return [];
  return hits.flatMap((h: unknown) => {
    if (!h || typeof h !== 'object') return [];
    const { term, excerpt } = h as { term?: unknown; excerpt?: unknown };
    if (typeof term !== 'string') return [];
    return [{ term, excerpt: excerptParts(excerpt) }];
  });
}

/** The distinct terms of a match's hits, in order. */
export function hitTerms(hits: unknown): string[] {
  return [...new Set(watchlistHits(hits).map((h) => h.term))];
}

function excerptParts(e: unknown): ShownHit['excerpt'] {
  if (!e || typeof e !== 'object') return null;
  const { text, hitStart, hitEnd, cutBefore, cutAfter } = e as Record<string, unknown>;
  if (typeof text !== 'string' || !Number.isInteger(hitStart) || !Number.isInteger(hitEnd)) return null;
  const start = hitStart as number;
  const end = hitEnd as number;
  if (start < 0 || end < start || end > text.length) return null;
  return { before: text.slice(0, start), hit: text.slice(start, end), after: text.slice(end), cutBefore: cutBefore === true, cutAfter: cutAfter === true };
}

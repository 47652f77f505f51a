import { bestMatch, distanceFromHex, NEAR_RULE, type Fingerprint } from './fingerprint.ts';

/** A stored article found under a new article's exact hash or one of its lookup keys; only its simhash is read. */
export interface LookupHit {
  articleId: number;
  /** 16 hex digits. */
  simhash: string;
  /** Found under the exact hash rather than a lookup key. */
  exact: boolean;
}

export interface StoredArticle {
  articleId: number;
  storyId: number;
  fingerprint: Fingerprint;
}

/** What the matcher asks of a store: its index of exact hashes, simhash bands and sketch anchors. */
export interface StoryIndex {
  /** Articles under `exactHash`, then under each key (a capped, newest-first few per key); repeats allowed. */
  lookup(exactHash: string, keys: readonly string[]): Promise<LookupHit[]>;
  /** The full fingerprints of these articles. */
  load(articleIds: readonly number[]): Promise<StoredArticle[]>;
}

export interface StoryMatch {
  articleId: number;
  storyId: number;
  distance: number;
}

/**
 * The stored article a new one should join, or null: the matching rule, with no database in it. Exact-hash copies
 * first; only when none of them is near are the keyed hits read, and of those only the ones whose simhash is
 * within the near rule's distance (rows cost more to load than to judge). The choice among candidates is
 * bestMatch's, the same in every process.
 */
export async function matchStory(fp: Fingerprint, keys: readonly string[], index: StoryIndex): Promise<StoryMatch | null> {
  if (fp.exactHash === null) return null;
  const hits = await index.lookup(fp.exactHash, keys);
  const exactIds = unique(hits.filter((h) => h.exact).map((h) => h.articleId));
  const exact = exactIds.length === 0 ? null : bestMatch(fp, toCandidates(await index.load(exactIds)));
  if (exact !== null) return found(exact);
  const distance = distanceFromHex(fp.simhash);
  const nearIds = unique(hits.filter((h) => !h.exact && !exactIds.includes(h.articleId) && distance(h.simhash) <= NEAR_RULE.maxDistance).map((h) => h.articleId));
  if (nearIds.length === 0) return null;
  const keyed = bestMatch(fp, toCandidates(await index.load(nearIds)));
  return keyed === null ? null : found(keyed);
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

function toCandidates(stored: StoredArticle[]): Array<StoredArticle & { id: number }> {
  return stored.map((s) => ({ ...s, id: s.articleId }));
}

function found(m: NonNullable<ReturnType<typeof bestMatch<StoredArticle & { id: number }>>>): StoryMatch {
  return { articleId: m.candidate.articleId, storyId: m.candidate.storyId, distance: m.comparison.distance };
}

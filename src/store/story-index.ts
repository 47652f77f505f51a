import {
  fingerprint,
  lookupKeys,
  simhashFromHex,
  simhashToHex,
  sketchFromBytes,
  sketchToBytes,
  type Fingerprint,
} from '../dedupe/fingerprint.ts';
import { matchStory, type StoryIndex, type StoryMatch } from '../dedupe/story-matcher.ts';
import type { TranslationMatcher } from '../dedupe/translation-matcher.ts';
import type { Row, SqlDb } from './sql-db.ts';

/**
 * Articles read per lookup key, newest first. A key shared by more articles is a hub (a template sentence, a
 * common phrase whose hash happens to be small): the cap keeps one claim's cost bounded whatever the corpus
 * holds, and newest first keeps the likely match, since syndicated copies follow the original within days.
 */
export const PER_KEY_CANDIDATES = 4;
/** Exact-hash rows read per claim: enough to find one whose title also matches, for short texts. */
export const MAX_EXACT = 16;

export interface ClaimInput {
  articleId: number;
  title: string;
  text: string;
  /** ISO timestamp; the store passes its clock in. */
  now: string;
}

export interface ClaimResult {
  storyId: number;
  /** True when this article opened its story: the one copy that alerts as `article.new`. */
  isNew: boolean;
  matchedArticleId: number | null;
  distance: number | null;
  /** The article in another language this one joined as a translation of. */
  translationOf: number | null;
  /**
   * The article as a later claim's translation candidate, when this claim indexed it (a new row with a gist and
   * keys), for the caller to keep in its CandidateCache once the claim is committed; otherwise null.
   */
  candidate?: TranslationCandidate | null;
}

/** The cross-language half of a claim: the article's gist, computed before the transaction, and where to look. */
export interface TranslationClaim {
  matcher: TranslationMatcher;
  /** The article's primary language, one the matcher covers. */
  lang: string;
  gist: unknown;
  /** Only articles claimed at or after this time (ISO) may be joined: the translation window's start. */
  since: string;
  /** Candidates already read, decoded by `matcher`. Default: none (each lookup reads its candidates). */
  cache?: CandidateCache;
}

/** What a translation lookup needs of a candidate article: its row, which never changes once claimed. */
export interface TranslationCandidate {
  storyId: number;
  lang: string;
  /** Decoded by the cache's matcher. */
  gist: unknown;
  /** When it was claimed (ISO): the window applies to it. */
  createdAt: string;
}

/**
 * Candidates read by earlier lookups, decoded, by article id, the least recently used dropped first. A story's
 * copies and translations come within days, so the same recent articles are candidates again and again; their
 * rows never change once claimed, so a copy kept here cannot go stale. One per database and matcher.
 */
export class CandidateCache {
  private readonly byId = new Map<number, TranslationCandidate>();

  /** @param max candidates kept. Default: 4,096 (a few MB of gists). */
  constructor(readonly max = 4096) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`CandidateCache: max must be an integer >= 1, got ${max}`);
  }

  get(articleId: number): TranslationCandidate | undefined {
    const found = this.byId.get(articleId);
    if (found) {
      this.byId.delete(articleId);
      this.byId.set(articleId, found);
    }
    return found;
  }

  set(articleId: number, candidate: TranslationCandidate): void {
    this.byId.delete(articleId);
    this.byId.set(articleId, candidate);
    if (this.byId.size > this.max) this.byId.delete(this.byId.keys().next().value!);
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Articles read per translation key, newest first (other-language articles only: keys carry the language). */
export const PER_TRANSLATION_KEY = 6;
/** Gists judged per claim at most, those sharing the most keys first. */
export const MAX_TRANSLATION_CANDIDATES = 8;
/** Keys a candidate must share (the rule asks for 2 shared anchors; the keys are a sample of them). */
export const MIN_SHARED_KEYS = 1;

const COLUMNS = 'article_id, story_id, exact_hash, simhash, token_count, shingle_count, title_key, numbers, sketch';

/** `build` kept per count: a statement sized by its input (a few sizes) is built once for each, not on every claim. */
function perCount(build: (count: number) => string): (count: number) => string {
  const texts: string[] = [];
  return (count) => (texts[count] ??= build(count));
}

/**
 * One statement for the whole lookup: the articles with the same exact hash, then each key's newest
 * PER_KEY_CANDIDATES articles, all with only their simhash. A join rather than `IN (...)`: SQLite then builds no
 * temporary index of the ids; an article found under several keys comes back once per key.
 */
export const lookupSql = perCount((keyCount: number): string => {
  const exact = `SELECT * FROM (SELECT article_id, simhash, 1 AS is_exact FROM article_fingerprints WHERE exact_hash = ? ORDER BY article_id LIMIT ${MAX_EXACT}) AS e`;
  if (keyCount === 0) return exact;
  const perKey = Array.from(
    { length: keyCount },
    () => `SELECT * FROM (SELECT article_id FROM story_bands WHERE band = ? ORDER BY article_id DESC LIMIT ${PER_KEY_CANDIDATES}) AS b`,
  ).join(' UNION ALL ');
  return `${exact} UNION ALL SELECT f.article_id, f.simhash, 0 AS is_exact FROM (${perKey}) AS k JOIN article_fingerprints f ON f.article_id = k.article_id`;
});

/** The store's side of matching: exact hashes, bands and sketches in SQL, on either backend. */
export function sqlStoryIndex(db: SqlDb): StoryIndex {
  return {
    async lookup(exactHash, keys) {
      const rows = await db.all(lookupSql(keys.length), [exactHash, ...keys]);
      return rows.map((r) => ({ articleId: r.article_id as number, simhash: r.simhash as string, exact: Number(r.is_exact) === 1 }));
    },
    async load(ids) {
      const rows = await db.all(`SELECT ${COLUMNS} FROM article_fingerprints WHERE article_id IN (${ids.map(() => '?').join(', ')})`, ids);
      return rows.map((r) => ({ articleId: r.article_id as number, storyId: r.story_id as number, fingerprint: fingerprintFrom(r) }));
    },
  };
}

function fingerprintFrom(r: Row): Fingerprint {
  return {
    exactHash: r.exact_hash as string | null,
    titleKey: r.title_key as string,
    simhash: simhashFromHex(r.simhash as string),
    tokenCount: r.token_count as number,
    shingleCount: r.shingle_count as number,
    numbers: r.numbers === '' ? [] : (r.numbers as string).split(' '),
    sketch: sketchFromBytes(r.sketch as Uint8Array),
  };
}

/** The lookup half of a claim, read-only (for the benchmark, which times lookups apart from writes). */
export function findStoryMatch(db: SqlDb, fp: Fingerprint, keys: readonly string[] = lookupKeys(fp)): Promise<StoryMatch | null> {
  return matchStory(fp, keys, sqlStoryIndex(db));
}

/**
 * Puts an article in a story and says whether it opened it. Must run inside a write transaction (`tx`). The
 * fingerprint is computed by the caller before the transaction (pure CPU, so locks are held only for the lookup
 * and the inserts).
 *
 * Atomic without one global lock: the transaction first locks the article's exact hash and lookup keys
 * (dialect.lockKeys: advisory locks on Postgres; SQLite's write transaction holds the whole file anyway). Two
 * copies of one story can only find each other through a shared exact hash or key, so two such claims
 * serialise and the second finds the first one's rows; claims of unrelated stories share no key and run at once.
 *
 * An empty text opens a story of its own and is indexed nowhere: with no body there is nothing to compare, and a
 * title alone ("Communiqué") is too weak; a missed merge sends one extra alert, a false merge silences a story.
 *
 * Idempotent per article: claiming the same article again changes nothing and returns the same story, with
 * `isNew` still telling whether this article opened it, so a retried job can finish sending its alert.
 */
export async function claimStoryIn(
  tx: SqlDb,
  input: ClaimInput,
  fp: Fingerprint = fingerprint(input.title, input.text),
  translation: TranslationClaim | null = null,
): Promise<ClaimResult> {
  const keys = lookupKeys(fp);
  // A translation shares no text key with its original, only anchors: those keys are locked too, both languages'.
  const gistKeys = translation && fp.exactHash !== null ? translation.matcher.indexKeys(translation.gist, translation.lang) : [];
  const translationKeys = translation && fp.exactHash !== null ? translation.matcher.lookupKeys(translation.gist, translation.lang) : [];
  if (fp.exactHash !== null && tx.dialect.lockKeys) await tx.dialect.lockKeys(tx, [`x:${fp.exactHash}`, ...keys, ...[...gistKeys, ...translationKeys].map((k) => `t:${k}`)]);
  const existing = await tx.get(
    `SELECT f.story_id, f.matched_article_id, f.distance, f.translation_of, s.first_article_id
     FROM article_fingerprints f JOIN stories s ON s.id = f.story_id WHERE f.article_id = ?`,
    [input.articleId],
  );
  if (existing !== undefined) {
    return {
      storyId: existing.story_id as number,
      isNew: existing.first_article_id === input.articleId,
      matchedArticleId: existing.matched_article_id as number | null,
      distance: existing.distance as number | null,
      translationOf: (existing.translation_of as number | null) ?? null,
    };
  }
  const match = await findStoryMatch(tx, fp, keys);
  const translated = match === null && translation && translationKeys.length > 0 ? await findTranslation(tx, translation, translationKeys) : null;
  const storyId =
    match?.storyId ??
    translated?.storyId ??
    ((await tx.get('INSERT INTO stories (first_article_id, title, created_at) VALUES (?, ?, ?) RETURNING id', [input.articleId, input.title, input.now]))!.id as number);
  await tx.run(
    `INSERT INTO article_fingerprints (${COLUMNS}, matched_article_id, distance, lang, gist, translation_of, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      input.articleId,
      storyId,
      fp.exactHash,
      simhashToHex(fp.simhash),
      fp.tokenCount,
      fp.shingleCount,
      fp.titleKey,
      fp.numbers.join(' '),
      sketchToBytes(fp.sketch),
      match?.articleId ?? translated?.articleId ?? null,
      match?.distance ?? null,
      translation?.lang ?? null,
      translation && fp.exactHash !== null ? translation.matcher.encode(translation.gist) : null,
      translated?.articleId ?? null,
      input.now,
    ],
  );
  if (keys.length > 0) await tx.run(bandsSql(keys.length), pairsWith(keys, input.articleId));
  let candidate: TranslationCandidate | null = null;
  if (gistKeys.length > 0) {
    const distinct = [...new Set(gistKeys)];
    await tx.run(translationKeysSql(distinct.length), pairsWith(distinct, input.articleId));
    candidate = { storyId, lang: translation!.lang, gist: translation!.gist, createdAt: input.now };
  }
  const opened = match === null && translated === null;
  return {
    storyId,
    isNew: opened,
    matchedArticleId: match?.articleId ?? translated?.articleId ?? null,
    distance: match?.distance ?? null,
    translationOf: translated?.articleId ?? null,
    candidate,
  };
}

/** The statement inserting `n` (key, article) rows into an index table, kept per count. */
const keyInsertSql = (table: string, key: string) =>
  perCount((n) => `INSERT INTO ${table} (${key}, article_id) VALUES ${Array(n).fill('(?, ?)').join(', ')} ON CONFLICT DO NOTHING`);
const bandsSql = keyInsertSql('story_bands', 'band');
const translationKeysSql = keyInsertSql('translation_keys', 'key');

/** Each key, then the article id: the parameters of a key insert. */
function pairsWith<K>(keys: readonly K[], articleId: number): Array<K | number> {
  const out: Array<K | number> = [];
  for (const k of keys) out.push(k, articleId);
  return out;
}

/** findTranslation's statement: each key's newest PER_TRANSLATION_KEY articles. */
const translationSql = perCount((keyCount) =>
  Array.from(
    { length: keyCount },
    () => `SELECT * FROM (SELECT article_id FROM translation_keys WHERE key = ? ORDER BY article_id DESC LIMIT ${PER_TRANSLATION_KEY}) AS b`,
  ).join(' UNION ALL '),
);

/**
 * The article in another language this one is a translation of, or null: the newest PER_TRANSLATION_KEY articles
 * under each of its anchor keys (in the other languages), the MAX_TRANSLATION_CANDIDATES sharing the most keys
 * judged, claimed within the window. The best verdict wins (highest score, then the earliest article).
 */
export async function findTranslation(tx: SqlDb, t: TranslationClaim, keys: readonly number[]): Promise<{ articleId: number; storyId: number } | null> {
  const perKey = translationSql(keys.length);
  // The keys' articles, counted here rather than grouped in SQL: the same cost, and the candidates already read
  // need no second statement.
  const hits = new Map<number, number>();
  for (const r of await tx.all(perKey, keys)) {
    const id = Number(r.article_id);
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const least = Math.min(MIN_SHARED_KEYS, keys.length);
  const ids = [...hits]
    .filter(([, n]) => n >= least)
    .sort((a, b) => b[1] - a[1] || b[0] - a[0])
    .slice(0, MAX_TRANSLATION_CANDIDATES)
    .map(([id]) => id);
  const candidates = new Map<number, TranslationCandidate>();
  const missing: number[] = [];
  for (const id of ids) {
    const cached = t.cache?.get(id);
    if (cached) candidates.set(id, cached);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const rows = await tx.all(
      `SELECT article_id, story_id, lang, gist, created_at FROM article_fingerprints WHERE article_id IN (${missing.map(() => '?').join(', ')}) AND gist IS NOT NULL`,
      missing,
    );
    for (const r of rows) {
      const lang = r.lang as string;
      const candidate = { storyId: Number(r.story_id), lang, gist: t.matcher.decode(r.gist as Uint8Array, lang), createdAt: r.created_at as string };
      candidates.set(Number(r.article_id), candidate);
      t.cache?.set(Number(r.article_id), candidate);
    }
  }
  let best: { articleId: number; storyId: number; score: number } | null = null;
  for (const [id, c] of candidates) {
    if (c.createdAt < t.since) continue;
    const verdict = t.matcher.compare(t.gist, c.gist);
    if (!verdict.same) continue;
    if (best === null || verdict.score > best.score || (verdict.score === best.score && id < best.articleId)) best = { articleId: id, storyId: c.storyId, score: verdict.score };
  }
  return best && { articleId: best.articleId, storyId: best.storyId };
}

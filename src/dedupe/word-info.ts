import { foldWord } from './fold-word.ts';
import type { Lexicon, PhraseNode } from './lexicon.ts';
import { ENGLISH_MARKERS, FRENCH_MARKERS, STOP_WORDS } from './stop-words.ts';
import { wordKey } from './word-key.ts';

/** Lexicon categories whose capitalised forms are names: places and people whose spelling differs by language. */
export const NAME_CATEGORIES = new Set(['place', 'misc']);
const ORDINAL = /^\d+(?:e|er|re|ere|eme|nd|st|rd|th)$/i;
const ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]/i;
const NOT_ALNUM = /[^\p{L}\p{N}]/gu;
const NOT_LETTER = /[^\p{L}]/gu;
const JOINERS = /['’]?[-/]|['’]/;

/**
 * Everything the gist needs of one written token, computed once per spelling and process (a bounded cache), kept
 * in one row of WordCache.rows: a token's lookup reads one cache line, not an object, its arrays and their
 * elements (the gist's time is mostly such reads, the words of a text being scattered over the cache).
 *
 * A row is ROW 32-bit integers: the scan hash's two halves (R_LO, the low half plus one, 0 for an empty row; R_HI),
 * R_FLAGS, R_KEY (the hash of its spelling key, or of a designation's; 0 for none: stop word, under 3 letters),
 * R_C0 and R_C1 (its first two concepts' key hashes), R_MORE (an index into WordCache.more, or -1).
 */
export const ROW = 8;
export const R_LO = 0;
export const R_HI = 1;
export const R_FLAGS = 2;
export const R_KEY = 3;
export const R_C0 = 4;
export const R_C1 = 5;
export const R_MORE = 6;

/** R_FLAGS: the kind (PLAIN, FIGURE, ACRONYM, JOINED) in the low 2 bits. */
export const KIND = 3;
/** R_FLAGS: a function word of French only (FRENCH) or English only (ENGLISH), shifted by TONGUE_SHIFT; 0 for neither. */
export const TONGUE_SHIFT = 2;
/** R_FLAGS: starts with a capital letter. */
export const CAPITAL = 1 << 4;
/** R_FLAGS: it (as written or singular) is a later word of some lexicon phrase; when not, no phrase goes on through it. */
export const FOLLOWS = 1 << 5;
/** R_FLAGS: some lexicon phrase of 2 words or more starts with it (WordMore.phrase). */
export const PHRASE = 1 << 6;
/** R_FLAGS: how many concepts the lexicon gives it alone (as written or singular), shifted: 1 or 2 in R_C0/R_C1, more in WordMore.concepts. */
export const CONCEPTS_SHIFT = 7;
export const CONCEPTS_MASK = 0xff;
/** R_FLAGS: its first (NAME0) or second (NAME1) concept is a name when capitalised (a place, a person). */
export const NAME0 = 1 << 15;
export const NAME1 = 1 << 16;

/** What a row cannot hold: read only for phrases, joined words and words of more than two concepts. */
export interface WordMore {
  folded: string;
  /** The folded word without a final plural s/x. */
  one: string;
  /** The lexicon's phrases of 2 words or more that start with it (as written or singular). */
  phrase: PhraseNode | null;
  /** All its concepts' key hashes and, of those, the names', when it has more than two; otherwise null. */
  concepts: number[] | null;
  nameConcepts: number[] | null;
  /** A JOINED token's words (`porte-avions`, `Jean-Yves`, an elided `l'armée`), in order: their rows. */
  parts: number[] | null;
}

export const FRENCH = 1;
export const ENGLISH = 2;

/** Letters only, not all capitals. */
export const PLAIN = 0;
/** Has digits: a designation (its key an anchor) or a number (textFigures reads it). */
export const FIGURE = 1;
/** Capitals only: an acronym. */
export const ACRONYM = 2;
/** Words joined by `-`, `/` or an apostrophe. */
export const JOINED = 3;

export interface WordCache {
  /**
   * The row (an offset into `rows`) of the token text[start, end), whose scan hash is `hi` (a signed 32-bit integer)
   * and `lo` (21 bits): 53 bits, so that two spellings sharing one is negligible. A row stays valid until the next
   * call (which may clear the cache): copy what is needed of it.
   */
  row(hi: number, lo: number, text: string, start: number, end: number): number;
  readonly rows: Int32Array;
  readonly more: WordMore[];
  concept(id: number): number;
}

/**
 * Spellings kept (rows in use) before the cache is cleared: more than a news vocabulary needs between clears, and
 * a table (2 MB) small enough that the rows of a text's common words stay in the processor's cache between texts.
 */
const CACHE_LIMIT = 25_000;
const caches = new WeakMap<Lexicon, WordCache>();

/** The token cache of a lexicon, one per process: vocabularies repeat, so each spelling is classified, folded, looked up and keyed once. */
export function wordsOf(lexicon: Lexicon): WordCache {
  let cache = caches.get(lexicon);
  if (!cache) caches.set(lexicon, (cache = wordCache(lexicon)));
  return cache;
}

/** A new token cache of `lexicon` that keeps at most about `limit` spellings (cleared when full). */
export function wordCache(lexicon: Lexicon, limit = CACHE_LIMIT): WordCache {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`wordCache: limit must be an integer >= 1, got ${limit}`);
  // Rows: a power of two at least 2.5 times the limit, so the table is never more than 40% full and probes stay short.
  const bits = Math.ceil(Math.log2(limit * 2.5));
  const SLOTS = 2 ** bits;
  // The multiply's top bits, the best mixed.
  const slot = (hi: number, lo: number): number => Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> (32 - bits);
  const rows = new Int32Array(SLOTS * ROW);
  let more: WordMore[] = [];
  let size = 0;
  const concepts: number[] = [];
  const concept = (id: number) => (concepts[id] ??= fnv1a(`c:${id}`));

  /** The row of (hi, lo), or -1 - the empty row where it would go. */
  const find = (hi: number, lo: number): number => {
    for (let i = slot(hi, lo); ; i = (i + 1) & (SLOTS - 1)) {
      const at = i * ROW;
      const l = rows[at + R_LO]!;
      if (l === 0) return -1 - at;
      if (l === lo + 1 && rows[at + R_HI] === hi) return at;
    }
  };
  /** The row of a word of a joined token, by the scan hash a token of its letters alone would have. */
  const part = (written: string): number => {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < written.length; i++) {
      const c = written.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    const lo = b & 0x1fffff;
    const at = find(a, lo);
    return at >= 0 ? at : describe(a, lo, -1 - at, written);
  };
  /** Classifies `written` into the empty row at `at`; returns `at`. */
  const describe = (hi: number, lo: number, at: number, written: string): number => {
    const shape = shapeOf(written);
    let flags = capitalised(written) ? CAPITAL : 0;
    let key = 0;
    let c0 = 0;
    let c1 = 0;
    let extra: WordMore | null = null;
    if (shape.digits > 0) {
      // A designation (A400M, F-35A, MQ-9) is an anchor; a number alone or an ordinal (2e, 3rd) is textFigures'.
      flags |= FIGURE;
      if (!(shape.letters === 0 || ORDINAL.test(written))) key = fnv1a(`w:${foldWord(written).replace(NOT_ALNUM, '')}`);
    } else if (shape.joined && !(shape.letters >= 2 && shape.lower === 0)) {
      // An elided article or preposition (l', d', qu') is dropped; the rest is split into its words.
      const elided = ELISION.exec(written);
      const rest = elided ? written.slice(elided[0].length) : written;
      const parts: number[] = [];
      for (const p of rest.split(JOINERS)) {
        if (p === '') continue;
        const r = part(p);
        const kind = rows[r + R_FLAGS]! & KIND;
        if (kind === PLAIN || kind === ACRONYM) parts.push(r);
      }
      // Its parts went in first: its own empty row may have been taken by one of them.
      const again = find(hi, lo);
      at = again >= 0 ? again : -1 - again;
      flags |= JOINED;
      extra = { folded: '', one: '', phrase: null, concepts: null, nameConcepts: null, parts };
    } else {
      const kind = shape.letters >= 2 && shape.lower === 0 ? ACRONYM : PLAIN;
      const folded = foldWord(kind === ACRONYM ? written.replace(NOT_LETTER, '') : written);
      const one = singular(folded);
      const entries = lexicon.lookup(folded) ?? lexicon.lookup(one);
      const phrase = kind === ACRONYM ? null : (lexicon.phrase(folded) ?? lexicon.phrase(one) ?? null);
      flags |= kind;
      if (kind === PLAIN) flags |= (FRENCH_MARKERS.has(folded) ? FRENCH : ENGLISH_MARKERS.has(folded) ? ENGLISH : 0) << TONGUE_SHIFT;
      if (lexicon.follows(folded) || lexicon.follows(one)) flags |= FOLLOWS;
      if (phrase) flags |= PHRASE;
      if (!STOP_WORDS.has(folded) && folded.length >= 3) key = fnv1a(`k:${wordKey(folded)}`);
      const hashes = entries ? entries.map((e) => concept(e.id)) : [];
      const names = entries ? entries.filter((e) => NAME_CATEGORIES.has(e.category)).map((e) => concept(e.id)) : [];
      flags |= Math.min(hashes.length, CONCEPTS_MASK) << CONCEPTS_SHIFT;
      if (hashes.length <= 2) {
        c0 = hashes[0] ?? 0;
        c1 = hashes[1] ?? 0;
        if (entries && NAME_CATEGORIES.has(entries[0]!.category)) flags |= NAME0;
        if (entries && entries.length > 1 && NAME_CATEGORIES.has(entries[1]!.category)) flags |= NAME1;
      }
      if (phrase || flags & FOLLOWS || hashes.length > 2) {
        extra = { folded, one, phrase, concepts: hashes.length > 2 ? hashes : null, nameConcepts: hashes.length > 2 ? names : null, parts: null };
      }
    }
    rows[at + R_LO] = lo + 1;
    rows[at + R_HI] = hi;
    rows[at + R_FLAGS] = flags;
    rows[at + R_KEY] = key;
    rows[at + R_C0] = c0;
    rows[at + R_C1] = c1;
    rows[at + R_MORE] = extra ? more.push(extra) - 1 : -1;
    size++;
    return at;
  };
  return {
    rows,
    get more() {
      return more;
    },
    concept,
    row(hi, lo, text, start, end) {
      const at = find(hi, lo);
      if (at >= 0) return at;
      if (size >= limit) {
        rows.fill(0);
        more = [];
        size = 0;
        return describe(hi, lo, -1 - find(hi, lo), text.slice(start, end));
      }
      return describe(hi, lo, -1 - at, text.slice(start, end));
    },
  };
}

function capitalised(word: string): boolean {
  const c = word.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  const ch = word[0]!;
  return ch !== ch.toLowerCase();
}

/** Digits, letters and lower-case letters in a token, and whether it has inner punctuation; one pass. */
function shapeOf(token: string): { digits: number; letters: number; lower: number; joined: boolean } {
  let digits = 0;
  let letters = 0;
  let lower = 0;
  let joined = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 97 && c <= 122) {
      letters++;
      lower++;
    } else if (c >= 65 && c <= 90) letters++;
    else if (c === 45 || c === 47 || c === 39 || c === 0x2019) joined = true;
    else if (c >= 128) {
      const ch = token[i]!;
      if (ch !== ch.toUpperCase() || ch !== ch.toLowerCase()) {
        letters++;
        if (ch === ch.toLowerCase()) lower++;
      }
    }
  }
  return { digits, letters, lower, joined };
}

function singular(folded: string): string {
  return folded.length > 3 && (folded.endsWith('s') || folded.endsWith('x')) ? folded.slice(0, -1) : folded;
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}


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

/** Everything the gist needs of one written token, computed once per spelling and process (a bounded cache). */
export interface WordInfo {
  kind: number;
  folded: string;
  /** The folded word without a final plural s/x. */
  one: string;
  /** The lexicon's phrases of 2 words or more that start with it (as written or singular). */
  phrase: PhraseNode | null;
  /** Its own concepts' key hashes (as written or singular), or null when the lexicon does not know it alone. */
  concepts: number[] | null;
  /** Of those, the ones that are names when capitalised (places, people). */
  nameConcepts: number[] | null;
  /** The hash of its spelling key (a designation's, for a FIGURE), or 0 for none (stop word, under 3 letters). */
  key: number;
  /** Starts with a capital letter. */
  capital: boolean;
  /** A JOINED token's words (`porte-avions`, `Jean-Yves`, an elided `l'armée`), in order. */
  parts: WordInfo[] | null;
  /** A function word of French only (FRENCH), of English only (ENGLISH), or neither (0). */
  tongue: number;
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
   * The info of the token text[start, end), whose scan hash is `hi` (a signed 32-bit integer) and `lo` (21 bits):
   * 53 bits, so that two spellings sharing one is negligible.
   */
  info(hi: number, lo: number, text: string, start: number, end: number): WordInfo;
  concept(id: number): number;
}

/** Spellings kept per map (two maps): about 10 MB at most, far more than a news vocabulary needs between clears. */
const CACHE_LIMIT = 50_000;
const caches = new WeakMap<Lexicon, WordCache>();

/** The token cache of a lexicon: vocabularies repeat, so each spelling is classified, folded, looked up and keyed once. */
export function wordsOf(lexicon: Lexicon): WordCache {
  let cache = caches.get(lexicon);
  if (cache) return cache;
  const infos = new InfoTable();
  const byText = new Map<string, WordInfo>();
  const concepts: number[] = [];
  const concept = (id: number) => (concepts[id] ??= fnv1a(`c:${id}`));
  const word = (written: string): WordInfo => {
    let info = byText.get(written);
    if (info === undefined) {
      if (byText.size >= CACHE_LIMIT) byText.clear();
      byText.set(written, (info = describe(written)));
    }
    return info;
  };
  const describe = (written: string): WordInfo => {
    const shape = shapeOf(written);
    const capital = capitalised(written);
    const none = { folded: '', one: '', phrase: null, concepts: null, nameConcepts: null, parts: null, capital, tongue: 0 };
    if (shape.digits > 0) {
      // A designation (A400M, F-35A, MQ-9) is an anchor; a number alone or an ordinal (2e, 3rd) is textFigures'.
      const key = shape.letters === 0 || ORDINAL.test(written) ? 0 : fnv1a(`w:${foldWord(written).replace(NOT_ALNUM, '')}`);
      return { ...none, kind: FIGURE, key };
    }
    if (shape.joined && !(shape.letters >= 2 && shape.lower === 0)) {
      // An elided article or preposition (l', d', qu') is dropped; the rest is split into its words.
      const elided = ELISION.exec(written);
      const rest = elided ? written.slice(elided[0].length) : written;
      const parts = rest.split(JOINERS).filter((p) => p !== '').map(word).filter((p) => p.kind === PLAIN || p.kind === ACRONYM);
      return { ...none, kind: JOINED, key: 0, parts };
    }
    const kind = shape.letters >= 2 && shape.lower === 0 ? ACRONYM : PLAIN;
    const folded = foldWord(kind === ACRONYM ? written.replace(NOT_LETTER, '') : written);
    const one = singular(folded);
    const entries = lexicon.lookup(folded) ?? lexicon.lookup(one);
    const keyed = !STOP_WORDS.has(folded) && folded.length >= 3;
    return {
      kind,
      folded,
      one,
      phrase: kind === ACRONYM ? null : (lexicon.phrase(folded) ?? lexicon.phrase(one) ?? null),
      concepts: entries ? entries.map((e) => concept(e.id)) : null,
      nameConcepts: entries ? entries.filter((e) => NAME_CATEGORIES.has(e.category)).map((e) => concept(e.id)) : null,
      key: keyed ? fnv1a(`k:${wordKey(folded)}`) : 0,
      capital,
      parts: null,
      tongue: kind !== PLAIN ? 0 : FRENCH_MARKERS.has(folded) ? FRENCH : ENGLISH_MARKERS.has(folded) ? ENGLISH : 0,
    };
  };
  cache = {
    concept,
    info(hi, lo, text, start, end) {
      let info = infos.get(hi, lo);
      if (info === undefined) {
        if (infos.size >= CACHE_LIMIT) infos.clear();
        infos.set(hi, lo, (info = word(text.slice(start, end))));
      }
      return info;
    },
  };
  caches.set(lexicon, cache);
  return cache;
}

/**
 * WordInfo by a token's 53-bit scan hash, in open addressing over its two halves. A Map keyed by the hash as one
 * number boxes a double and hashes it on every token, the gist's most frequent step.
 */
class InfoTable {
  /** A power of two over twice CACHE_LIMIT: the table is never more than 40% full, so probes stay short. */
  private static readonly SLOTS = 1 << 17;
  /** Per slot, side by side: the low half plus one (0 marks an empty slot), then the high half. */
  private readonly keys = new Int32Array(2 * InfoTable.SLOTS);
  private readonly values: Array<WordInfo | undefined> = new Array(InfoTable.SLOTS).fill(undefined);
  size = 0;

  get(hi: number, lo: number): WordInfo | undefined {
    const mask = InfoTable.SLOTS - 1;
    for (let i = slot(hi, lo) & mask; ; i = (i + 1) & mask) {
      const l = this.keys[2 * i]!;
      if (l === 0) return undefined;
      if (l === lo + 1 && this.keys[2 * i + 1] === hi) return this.values[i];
    }
  }

  /** Adds a key that is not there (the caller looked first); at most CACHE_LIMIT keys between clears. */
  set(hi: number, lo: number, value: WordInfo): void {
    const mask = InfoTable.SLOTS - 1;
    let i = slot(hi, lo) & mask;
    while (this.keys[2 * i] !== 0) i = (i + 1) & mask;
    this.keys[2 * i] = lo + 1;
    this.keys[2 * i + 1] = hi;
    this.values[i] = value;
    this.size++;
  }

  clear(): void {
    this.keys.fill(0);
    this.values.fill(undefined);
    this.size = 0;
  }
}

const slot = (hi: number, lo: number): number => Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 15;

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


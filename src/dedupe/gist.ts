import { doubled } from '../config/doubled.ts';
import { frEnLexicon } from './fr-en-lexicon.ts';
import { MAX_PHRASE_TOKENS, type Lexicon, type LexiconEntry, type PhraseNode } from './lexicon.ts';
import { textFigures } from './text-figures.ts';
import {
  ACRONYM,
  CAPITAL,
  CONCEPTS_MASK,
  CONCEPTS_SHIFT,
  ENGLISH,
  fnv1a,
  FOLLOWS,
  FRENCH,
  JOINED,
  KIND,
  NAME_CATEGORIES,
  NAME0,
  NAME1,
  PHRASE,
  PLAIN,
  R_C0,
  R_C1,
  R_FLAGS,
  R_KEY,
  R_MORE,
  TONGUE_SHIFT,
  wordsOf,
  type WordCache,
  type WordMore,
} from './word-info.ts';

/**
 * What an article says that survives translation, in no language: the keys of its words through the bilingual
 * lexicon (a concept id), or of their spelling across languages (wordKey: names, cognates), of its designations
 * (`F-35A`, `A400M`), numbers and dates. Two translations of one story share most of their keys; two stories on
 * one topic share the topic's vocabulary but not its names, figures and dates, the anchors.
 */
export interface Gist {
  lang: string;
  /** Words in the body. */
  words: number;
  /** The language the body's function words say it is in (FRENCH, ENGLISH), or 0 when they do not say. */
  tongue: number;
  /**
   * 16-bit hashes of the keys of the body and the title, sorted, distinct. Half the bytes to store, and two sets of
   * 200 keys share less than one value by chance: under half a point of score.
   */
  body: Uint16Array;
  /** Hashes of the body's anchors (names written mid-sentence, designations, numbers >= 10, dates), sorted, distinct. */
  anchors: Uint32Array;
  /** Hashes of the body's numbers >= 10 and dates alone, sorted, distinct: a subset of `anchors`. */
  figures: Uint32Array;
  /** Hashes of the body's dates (month and day) alone, sorted, distinct: a subset of `figures`. */
  dates: Uint32Array;
}

/**
 * A run of words between figures and acronyms: what addWords needs of each word's row, copied (a row is valid only
 * until the next lookup), in parallel lists reused from run to run (only the first `length` items count).
 */
class Run {
  length = 0;
  flags = new Int32Array(64);
  keys = new Int32Array(64);
  c0 = new Int32Array(64);
  c1 = new Int32Array(64);
  /** Written with a capital mid-sentence: a name. */
  names = new Uint8Array(64);
  more: Array<WordMore | null> = [];

  add(rows: Int32Array, at: number, more: readonly WordMore[], name: boolean): void {
    const k = this.length++;
    if (k === this.flags.length) this.grow();
    this.flags[k] = rows[at + R_FLAGS]!;
    this.keys[k] = rows[at + R_KEY]!;
    this.c0[k] = rows[at + R_C0]!;
    this.c1[k] = rows[at + R_C1]!;
    this.names[k] = name ? 1 : 0;
    const m = rows[at + R_MORE]!;
    this.more[k] = m >= 0 ? more[m]! : null;
  }

  private grow(): void {
    this.flags = doubled(this.flags);
    this.keys = doubled(this.keys);
    this.c0 = doubled(this.c0);
    this.c1 = doubled(this.c1);
    this.names = doubled(this.names);
  }
}

/** The one run: gists are computed one at a time. */
const RUN = new Run();

/**
 * Word characters: digits and the letters of the Latin, Greek and Cyrillic blocks (the languages covered are French
 * and English), read from a table per character.
 */
const WORD = new Uint8Array(0x2000);
for (const [from, to] of [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0xaa, 0xaa], [0xb5, 0xb5], [0xba, 0xba], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0x24f], [0x370, 0x3ff], [0x400, 0x4ff], [0x1e00, 0x1eff]] as const) {
  WORD.fill(1, from, to + 1);
}
const isWord = (c: number) => c < 0x2000 && WORD[c] === 1;

/**
 * The gist of an article in `lang` (`fr` or `en`), through `lexicon` (the shipped French-English one by default) and
 * its token cache (the process's by default).
 */
export function gistOf(title: string, text: string, lang: string, lexicon: Lexicon = frEnLexicon(), words: WordCache = wordsOf(lexicon)): Gist {
  const body = BODY;
  const anchors = ANCHORS;
  body.length = 0;
  anchors.length = 0;
  const tongues = [0, 0, 0];
  const count = scanKeys(text, words, body, anchors, true, tongues);
  const figures = textFigures(text, lang);
  const figureKeys: number[] = [];
  const dateKeys: number[] = [];
  for (const n of figures.numbers) {
    const h = fnv1a(`n:${n}`);
    body.push(h);
    if (Number(n) >= 10 || n.includes('.')) figureKeys.push(h);
  }
  for (const d of figures.dates) {
    const h = fnv1a(`d:${d}`);
    body.push(h);
    figureKeys.push(h);
    dateKeys.push(h);
  }
  for (const h of figureKeys) anchors.push(h);
  for (const y of figures.years) body.push(fnv1a(`y:${y}`));
  // The title's words count with the body's, through the same lexicon; its names and figures are not anchors, so a
  // short text never merges on its title.
  scanKeys(title, words, body, null, false);
  const t = textFigures(title, lang);
  for (const n of t.numbers) body.push(fnv1a(`n:${n}`));
  for (const y of t.years) body.push(fnv1a(`y:${y}`));
  return { lang, words: count, tongue: tongueOf(tongues), body: sorted16(body), anchors: sorted(anchors.list.subarray(0, anchors.length)), figures: sorted(new Uint32Array(figureKeys)), dates: sorted(new Uint32Array(dateKeys)) };
}

/**
 * Pushes the key hashes of `text` to `keys` (and its anchors to `anchors`); returns its word count. A token is a
 * run of word characters, joined across `-` or `/` when a word character follows (`F-35A`, `SAMP/T`,
 * `porte-avions`); it is hashed while scanned, so a known spelling costs one row read and no string.
 */
function scanKeys(text: string, words: WordCache, keys: Keys, anchors: Keys | null, names: boolean, tongues: number[] | null = null): number {
  let count = 0;
  const run = RUN;
  run.length = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    let c = text.charCodeAt(i);
    if (!isWord(c)) {
      i++;
      continue;
    }
    const start = i;
    // Two FNV-1a lanes over the token's code units: 53 bits, a collision between two spellings is negligible.
    let a = 0x811c9dc5;
    let b = 0x01000193;
    let digitsOnly = true;
    for (;;) {
      while (i < n && isWord((c = text.charCodeAt(i)))) {
        digitsOnly &&= c >= 48 && c <= 57;
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
        i++;
      }
      let j = i;
      const q = text.charCodeAt(j);
      if (q === 39 || q === 0x2019) j++;
      const d = text.charCodeAt(j);
      if ((d === 45 || d === 47) && j + 1 < n && isWord(text.charCodeAt(j + 1))) {
        for (let k = i; k <= j; k++) a = Math.imul(a ^ text.charCodeAt(k), 0x01000193);
        b = Math.imul(b ^ d, 0x5bd1e995) ^ (b >>> 15);
        i = j + 1;
        continue;
      }
      break;
    }
    count++;
    if (digitsOnly) {
      // A number: textFigures reads it; here it only ends the run of words. Not cached: numbers seldom repeat.
      flush(run, words, keys, anchors);
      continue;
    }
    const at = words.row(a, b & 0x1fffff, text, start, i);
    const rows = words.rows;
    const flags = rows[at + R_FLAGS]!;
    const kind = flags & KIND;
    if (kind === PLAIN) {
      if (tongues !== null) tongues[(flags >> TONGUE_SHIFT) & 3]!++;
      run.add(rows, at, words.more, names && (flags & CAPITAL) !== 0 && !startsSentence(text, start));
    } else if (kind === JOINED) {
      const sentenceStart = startsSentence(text, start);
      const more = words.more;
      const parts = more[rows[at + R_MORE]!]!.parts!;
      for (let k = 0; k < parts.length; k++) {
        const p = parts[k]!;
        run.add(rows, p, more, names && !(sentenceStart && k === 0) && (rows[p + R_FLAGS]! & CAPITAL) !== 0);
      }
    } else {
      flush(run, words, keys, anchors);
      if (kind === ACRONYM && ((flags >> CONCEPTS_SHIFT) & CONCEPTS_MASK) > 0) {
        const m = rows[at + R_MORE]!;
        pushConcepts(keys, null, flags, rows[at + R_C0]!, rows[at + R_C1]!, m >= 0 ? words.more[m]! : null);
      } else if (rows[at + R_KEY] !== 0) {
        // A designation (A400M, F-35A) or an acronym the lexicon does not know (CAESAR, FREMM, SAMP/T).
        keys.push(rows[at + R_KEY]!);
        anchors?.push(rows[at + R_KEY]!);
      }
    }
  }
  flush(run, words, keys, anchors);
  return count;
}

/** Ends a run of words: its keys added. A function, not a closure per text: the words may be many, the texts too. */
function flush(run: Run, words: WordCache, keys: Keys, anchors: Keys | null): void {
  if (run.length > 0) addWords(run, words, keys, anchors);
  run.length = 0;
}

/** The language of a text's function words: at least 8 of them, and 3 of one language for each of the other. */
function tongueOf(tongues: number[]): number {
  const [, fr, en] = tongues as [number, number, number];
  if (fr + en < 8) return 0;
  if (fr >= 3 * en) return FRENCH;
  if (en >= 3 * fr) return ENGLISH;
  return 0;
}

/** Keys of a run of words: lexicon phrases longest first, then single words, names and cognates by their spelling key. */
function addWords(run: Run, words: WordCache, keys: Keys, anchors: Keys | null): void {
  const { flags, c0, c1, names, more, length } = run;
  for (let i = 0; i < length; ) {
    const f = flags[i]!;
    let taken = 0;
    if ((f & PHRASE) !== 0) {
      // The longest phrase through the trie; each next word as written or singular.
      let node: PhraseNode | undefined = more[i]!.phrase!;
      let entries: LexiconEntry[] | undefined;
      for (let k = i + 1; k < length && k - i < MAX_PHRASE_TOKENS && node.next; k++) {
        if ((flags[k]! & FOLLOWS) === 0) break;
        const w = more[k]!;
        node = node.next.get(w.folded) ?? (w.one !== w.folded ? node.next.get(w.one) : undefined);
        if (!node) break;
        if (node.entries) {
          taken = k - i + 1;
          entries = node.entries;
        }
      }
      if (entries) {
        let named = false;
        for (let k = i; k < i + taken; k++) named ||= names[k] === 1;
        for (const e of entries) {
          const h = words.concept(e.id);
          keys.push(h);
          if (named && NAME_CATEGORIES.has(e.category)) anchors?.push(h);
        }
      }
    }
    if (taken === 0 && ((f >> CONCEPTS_SHIFT) & CONCEPTS_MASK) > 0) {
      taken = 1;
      pushConcepts(keys, names[i] === 1 ? anchors : null, f, c0[i]!, c1[i]!, more[i]!);
    }
    if (taken > 0) {
      i += taken;
      continue;
    }
    const key = run.keys[i]!;
    if (key !== 0) {
      keys.push(key);
      if (names[i] === 1) anchors?.push(key);
    }
    i++;
  }
}

/**
 * Pushes a word's concepts to `keys` (1 or 2 in `c0`/`c1` as its row gives them, more in `more.concepts`), and, when
 * `anchors` is given (a name), those that are names there too. Rows hold signed 32-bit values; the lists store them
 * unsigned, as the hashes are.
 */
function pushConcepts(keys: Keys, anchors: Keys | null, flags: number, c0: number, c1: number, more: WordMore | null): void {
  const count = (flags >> CONCEPTS_SHIFT) & CONCEPTS_MASK;
  if (count > 2) {
    for (const h of more!.concepts!) keys.push(h);
    if (anchors !== null) for (const h of more!.nameConcepts!) anchors.push(h);
    return;
  }
  keys.push(c0);
  if (count === 2) keys.push(c1);
  if (anchors === null) return;
  if ((flags & NAME0) !== 0) anchors.push(c0);
  if (count === 2 && (flags & NAME1) !== 0) anchors.push(c1);
}

/** Whether the text before `at` ends a sentence (or is nothing, or a line break, or an opening quote). */
function startsSentence(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 0xa0 || c === 0x202f) continue;
    // . ! ? : ; newline « » " “ ” (a quotation starts a sentence too)
    return c === 46 || c === 33 || c === 63 || c === 58 || c === 59 || c === 10 || c === 0xab || c === 0xbb || c === 34 || c === 0x201c || c === 0x201d;
  }
  return true;
}

/** A list of 32-bit hashes that grows as needed: the gist's two (body and anchors) are reused from text to text. */
class Keys {
  list = new Uint32Array(256);
  length = 0;

  push(h: number): void {
    if (this.length === this.list.length) this.list = doubled(this.list);
    this.list[this.length++] = h;
  }
}

const BODY = new Keys();
const ANCHORS = new Keys();

/** One bit per 16-bit value, for sorted16; left all zero after each call. */
const SEEN16 = new Int32Array(0x10000 >>> 5);
/** One bit per word of SEEN16 that has a bit set, so that reading the bitmap skips its empty words. */
const USED16 = new Int32Array(0x10000 >>> 10);

/** The hashes folded to 16 bits, sorted, each once: a bitmap read in order, cheaper than a sort for a text's keys. */
function sorted16(keys: Keys): Uint16Array {
  let n = 0;
  const list = keys.list;
  for (let i = 0; i < keys.length; i++) {
    const v = (list[i]! ^ (list[i]! >>> 16)) & 0xffff;
    const bit = 1 << (v & 31);
    const w = SEEN16[v >>> 5]!;
    if ((w & bit) === 0) {
      SEEN16[v >>> 5] = w | bit;
      USED16[v >>> 10]! |= 1 << ((v >>> 5) & 31);
      n++;
    }
  }
  const out = new Uint16Array(n);
  let at = 0;
  for (let u = 0; at < n; u++) {
    let words = USED16[u]!;
    if (words === 0) continue;
    USED16[u] = 0;
    while (words !== 0) {
      const lowWord = words & -words;
      words ^= lowWord;
      const w = (u << 5) | (31 - Math.clz32(lowWord));
      let bits = SEEN16[w]!;
      SEEN16[w] = 0;
      while (bits !== 0) {
        const low = bits & -bits;
        out[at++] = (w << 5) | (31 - Math.clz32(low));
        bits ^= low;
      }
    }
  }
  return out;
}

/** The hashes, sorted, each once (`all` is sorted in place). */
function sorted(all: Uint32Array): Uint32Array {
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
  return all.slice(0, n);
}

/** How many hashes two sorted distinct arrays share. */
export function shared(a: Uint32Array | Uint16Array, b: Uint32Array | Uint16Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

import { Buffer } from 'node:buffer';
import { fmix32 } from './hash32.ts';

/** Bound once: transpiled module imports are getters, too slow to call per word. */
const mix = fmix32;

/** Combining diacritical marks (U+0300-U+036F) only: Indic and Arabic vowel signs carry meaning and stay. */
const DIACRITICS = /[\u0300-\u036f]/g;
const WORD = /[\p{L}\p{N}\p{M}]/u;
/**
 * Scripts written without spaces between words: each character is made a token of its own, so shingles exist
 * for Chinese, Japanese and Thai text too instead of one giant "word" per sentence.
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

const SEPARATOR = 1;
const WORD_CHAR = 2;
const SOLO_CHAR = 3;
/** Class of each BMP code unit, filled lazily: Unicode property regexes cost ~50x a table read. */
const CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 0x80; c++) {
  CLASS[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) ? WORD_CHAR : SEPARATOR;
}

function classify(cp: number): number {
  if (cp < 0x10000) {
    const known = CLASS[cp] as number;
    if (known !== 0) return known;
  }
  const ch = String.fromCodePoint(cp);
  const cls = UNSPACED.test(ch) ? SOLO_CHAR : WORD.test(ch) ? WORD_CHAR : SEPARATOR;
  if (cp < 0x10000) CLASS[cp] = cls;
  return cls;
}

export interface Words {
  /** The normalised text: the words joined by single spaces. */
  normal: string;
  /** Words that are all digits, in text order, repeats kept. */
  digits: string[];
  /** One 32-bit hash per token (FNV-1a over UTF-16 units, finalised), computed during the same scan. */
  hashes: Uint32Array;
}

/** Case and compatibility forms folded, Latin/Greek/Cyrillic diacritics dropped; see normaliseText. */
function fold(s: string): string {
  return s.normalize('NFKD').replace(DIACRITICS, '').normalize('NFKC').toLowerCase();
}

/** Common non-ASCII punctuation and spaces: separators either way, removed first so more texts are ASCII. */
const COMMON_PUNCTUATION = /[\u00a0\u00ab\u00bb\u2010-\u2015\u2018-\u201f\u2026\u2032\u2033\u202f]/g;
const DIGITS = /^\p{Nd}+$/u;

/**
 * What a code unit becomes once folded, for the units `scanTable` folds one at a time: ASCII, Latin-1 and
 * Latin Extended-A/B (U+0080-U+024F), and COMMON_PUNCTUATION. Folding these one unit at a time gives what
 * `fold` gives on a whole text made of them: their decompositions use only marks that fold strips, so nothing
 * is left to compose across units, and their case mappings take no context. Entries: a single folded unit,
 * SPACE_UNIT for a separator, NONE for "folds to nothing"; MULTI units are looked up in FOLD_MULTI; every
 * other unit (0 in the table) sends the text to the general path.
 */
const TABLE_LIMIT = 0x2034;
const SPACE_UNIT = 0x20;
const NONE = 0xfffe;
const MULTI = 0xffff;
const FOLD_ONE = new Uint16Array(TABLE_LIMIT);
const FOLD_MULTI = new Map<number, string>();

function tabulate(unit: number, folded: string): void {
  let out = '';
  for (const ch of folded) out += classify(ch.codePointAt(0) as number) === WORD_CHAR ? ch : ' ';
  const trimmed = out.replace(/ +/g, ' ');
  if (trimmed === ' ') FOLD_ONE[unit] = SPACE_UNIT;
  else if (trimmed === '') FOLD_ONE[unit] = NONE;
  else if (trimmed.length === 1) FOLD_ONE[unit] = trimmed.charCodeAt(0);
  else {
    FOLD_ONE[unit] = MULTI;
    FOLD_MULTI.set(unit, trimmed);
  }
}

for (let c = 1; c < 0x250; c++) tabulate(c, c < 0x80 ? String.fromCharCode(c).toLowerCase() : fold(String.fromCharCode(c)));
tabulate(0, ' ');
/** Most folded units one table unit gives (½ gives `1 2`): bounds the scratch buffers. */
const MAX_EXPANSION = Math.max(1, ...[...FOLD_MULTI.values()].map((m) => m.length));
for (const ch of '\u00a0\u00ab\u00bb\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2026\u2032\u2033\u202f') {
  FOLD_ONE[ch.charCodeAt(0)] = SPACE_UNIT;
}

/** The words of `s` as normaliseText spells them, with their hashes. */
export function scanWords(s: string): Words {
  const fast = scanTable(s);
  if (fast !== null) return fast;
  const text = fold(s).replace(COMMON_PUNCTUATION, ' ');
  return scanUnicode(text);
}

let units = new Uint16Array(0);
let wordHashes = new Uint32Array(0);

/**
 * scanUnicode's result for texts made only of units FOLD_ONE knows, in one pass over the code units with no
 * string per word; null as soon as another unit turns up. Most English, French, German, Spanish and Polish
 * article text takes this path. Words hash as in scanUnicode: FNV-1a over the folded UTF-16 units.
 */
function scanTable(text: string): Words | null {
  // Each folded unit writes itself and at most one space before it; each word takes at least one unit.
  const bound = 2 * MAX_EXPANSION * text.length + 2;
  if (units.length < bound) {
    units = new Uint16Array(bound * 2);
    wordHashes = new Uint32Array(bound * 2);
  }
  const out = units;
  const hashes = wordHashes;
  const digits: string[] = [];
  let len = 0;
  let n = 0;
  let inWord = false;
  let start = 0;
  let allDigits = true;
  let wide = false;
  let h = 0x811c9dc5;
  for (let i = 0, end = text.length; i <= end; i++) {
    const unit = i < end ? text.charCodeAt(i) : 0x20;
    let f = unit < TABLE_LIMIT ? (FOLD_ONE[unit] as number) : 0;
    if (f > SPACE_UNIT && f < NONE) {
      if (!inWord) {
        if (len > 0) out[len++] = 0x20;
        inWord = true;
        start = len;
        allDigits = true;
        h = 0x811c9dc5;
      }
      out[len++] = f;
      h = Math.imul(h ^ f, 0x01000193);
      if (f > 0x39 || f < 0x30) {
        allDigits = false;
        if (f > 0x7f) wide = true;
      }
      continue;
    }
    if (f === SPACE_UNIT) {
      if (inWord) {
        hashes[n++] = mix(h);
        if (allDigits) digits.push(digitsOf(out, start, len));
        inWord = false;
      }
      continue;
    }
    if (f === NONE) continue;
    if (f !== MULTI) return null;
    // A unit folding to several (½ → "1 2"): the same steps, one folded unit at a time.
    const more = FOLD_MULTI.get(unit) as string;
    for (let k = 0; k < more.length; k++) {
      f = more.charCodeAt(k);
      if (f !== SPACE_UNIT) {
        if (!inWord) {
          if (len > 0) out[len++] = 0x20;
          inWord = true;
          start = len;
          allDigits = true;
          h = 0x811c9dc5;
        }
        out[len++] = f;
        h = Math.imul(h ^ f, 0x01000193);
        if (f > 0x39 || f < 0x30) allDigits = false;
        if (f > 0x7f) wide = true;
      } else if (inWord) {
        hashes[n++] = mix(h);
        if (allDigits) digits.push(digitsOf(out, start, len));
        inWord = false;
      }
    }
  }
  return { normal: wide ? Buffer.from(out.buffer, 0, len * 2).toString('utf16le') : latin1(out, len), digits, hashes: hashes.slice(0, n) };
}

let bytes = new Uint8Array(0);

/** The first `len` units, all below 0x80, as a one-byte string. */
function latin1(from: Uint16Array, len: number): string {
  if (bytes.length < len) bytes = new Uint8Array(Math.max(len, 2 * bytes.length));
  bytes.set(from.subarray(0, len));
  return Buffer.from(bytes.buffer, 0, len).toString('latin1');
}

function digitsOf(from: Uint16Array, start: number, end: number): string {
  let d = '';
  for (let i = start; i < end; i++) d += String.fromCharCode(from[i] as number);
  return d;
}

function scanUnicode(text: string): Words {
  const tokens: string[] = [];
  // Unspaced scripts make a word of every character: up to one word per code unit.
  const hashes = new Uint32Array(text.length + 1);
  let n = 0;
  let start = -1;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; ) {
    const unit = text.charCodeAt(i);
    let cls = unit < 0x80 ? (CLASS[unit] as number) : 0;
    let width = 1;
    if (cls === 0) {
      const cp = text.codePointAt(i) as number;
      width = cp > 0xffff ? 2 : 1;
      cls = classify(cp);
    }
    if (cls === SEPARATOR) {
      if (start !== -1) {
        tokens.push(text.slice(start, i));
        hashes[n++] = mix(h);
        start = -1;
        h = 0x811c9dc5;
      }
    } else {
      if (start !== -1 && cls === SOLO_CHAR) {
        tokens.push(text.slice(start, i));
        hashes[n++] = mix(h);
        start = -1;
        h = 0x811c9dc5;
      }
      if (start === -1) start = i;
      h = Math.imul(h ^ unit, 0x01000193);
      if (width === 2) h = Math.imul(h ^ text.charCodeAt(i + 1), 0x01000193);
      if (cls === SOLO_CHAR) {
        tokens.push(text.slice(start, i + width));
        hashes[n++] = mix(h);
        start = -1;
        h = 0x811c9dc5;
      }
    }
    i += width;
  }
  if (start !== -1) {
    tokens.push(text.slice(start));
    hashes[n++] = mix(h);
  }
  return { normal: tokens.join(' '), digits: tokens.filter((t) => DIGITS.test(t)), hashes: hashes.slice(0, n) };
}

/**
 * The text as fingerprints see it: NFKC (ligatures, full-width forms), lower case, Latin/Greek/Cyrillic
 * diacritics folded, every run of punctuation, quotes, symbols and whitespace made one space.
 *
 * Diacritics are folded, not kept: aggregators and feeds that re-encode a story sometimes drop accents
 * ("Défense" → "Defense"), while two distinct stories almost never differ only by accents, so folding buys
 * recall at no measurable cost in precision. Apostrophes vanish too, so `l’armée` and `l'armée` match.
 */
export function normaliseText(s: string): string {
  return scanWords(s).normal;
}

export function tokenise(s: string): string[] {
  const { normal } = scanWords(s);
  return normal === '' ? [] : normal.split(' ');
}

import { Buffer } from 'node:buffer';
import { fmix32 } from './hash32.ts';

/** Bound once: transpiled module imports are getters, too slow to call per word. */
const mix = fmix32;

const NON_ASCII = /[^\x00-\x7f]/;
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

/** The words of `s` as normaliseText spells them, with their hashes. */
export function scanWords(s: string): Words {
  if (!NON_ASCII.test(s)) return scanAscii(s.toLowerCase());
  const text = fold(s).replace(COMMON_PUNCTUATION, ' ');
  return NON_ASCII.test(text) ? scanUnicode(text) : scanAscii(text);
}

/**
 * Same result as scanUnicode on ASCII text, in one pass writing bytes: no string per word. Most English and
 * (once diacritics are folded) French article text takes this path.
 */
function scanAscii(text: string): Words {
  const out = new Uint8Array(text.length);
  const hashes = new Uint32Array((text.length >>> 1) + 1);
  const digits: string[] = [];
  let len = 0;
  let n = 0;
  let start = -1;
  let allDigits = true;
  let h = 0x811c9dc5;
  for (let i = 0; i <= text.length; i++) {
    const unit = i < text.length ? text.charCodeAt(i) : 0x20;
    if (CLASS[unit] === WORD_CHAR) {
      if (start === -1) {
        if (len > 0) out[len++] = 0x20;
        start = len;
        allDigits = true;
        h = 0x811c9dc5;
      }
      out[len++] = unit;
      h = Math.imul(h ^ unit, 0x01000193);
      if (unit > 0x39) allDigits = false;
    } else if (start !== -1) {
      hashes[n++] = mix(h);
      if (allDigits) digits.push(String.fromCharCode(...out.subarray(start, len)));
      start = -1;
    }
  }
  return { normal: Buffer.from(out.buffer, 0, len).toString('latin1'), digits, hashes: hashes.slice(0, n) };
}

function scanUnicode(text: string): Words {
  const tokens: string[] = [];
  const hashes = new Uint32Array((text.length >>> 1) + 1);
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

/**
 * What each UTF-16 code unit becomes for matching: lower case, Latin/Greek/Cyrillic diacritics dropped, compatibility
 * forms (ligatures, full-width, superscripts) unfolded, and which kind of character the result is. Terms and texts
 * go through the same table, so whatever it decides, both sides agree.
 */

export const UNKNOWN = 0;
/** A letter: runs of letters make a token. */
export const LETTER = 1;
/** A decimal digit: runs of digits make a token; a letter/digit change splits a token without a gap. */
export const DIGIT = 2;
/** A character of a script written without spaces (Han, kana, Thai): a token by itself. */
export const SOLO = 3;
export const SPACE = 4;
export const PUNCT = 5;
/** Folds to nothing and does not split a word: combining accents, soft hyphen, joiners. */
export const IGNORE = 6;
/** Folds to several units (œ → oe, ½ → 1⁄2); see MULTI_FOLD. */
export const MULTI = 7;
export const SURROGATE = 8;

/** Kind of each BMP code unit, filled lazily: Unicode property regexes cost far more than a table read. */
export const KIND = new Uint8Array(0x10000);
/** The folded unit, for LETTER, DIGIT and SOLO units. */
export const FOLD = new Uint16Array(0x10000);
/** KIND and FOLD in one read: `FOLD << 4 | KIND`, 0 while unknown. */
export const FOLD_KIND = new Int32Array(0x10000);
/** For MULTI units: folded units and their kinds, interleaved [unit, kind, unit, kind, ...]. */
export const MULTI_FOLD = new Map<number, number[]>();

const DIACRITICS = /[\u0300-\u036f]/g;
/** Letters NFKD leaves whole although readers treat them as a base letter plus a mark, or as two letters. */
const SPECIAL: Record<string, string> = {
  œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ς: 'σ', ĸ: 'k',
};
/** Invisible characters found inside words (soft hyphen, joiners, BOM): they must not split `Pa­triot`. */
const INVISIBLE = /[\u00ad\u034f\u180b-\u180d\u200c\u200d\u2060\ufeff]/;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const IS_DIGIT = /\p{Nd}/u;
const IS_LETTER = /[\p{L}\p{M}\p{Nl}\p{No}]/u;
const IS_SPACE = /\s/;

function kindOfFolded(ch: string): number {
  if (IS_SPACE.test(ch)) return SPACE;
  if (IS_DIGIT.test(ch)) return DIGIT;
  if (UNSPACED.test(ch)) return SOLO;
  if (IS_LETTER.test(ch)) return LETTER;
  return PUNCT;
}

/** Folds one code point's string the way the table does; also used for astral letters. */
export function foldString(s: string): string {
  // Decomposed before lower-casing too: compatibility forms (𝐊, Ａ) decompose to capitals.
  let f = s.normalize('NFKD').toLowerCase().normalize('NFKD').replace(DIACRITICS, '');
  let out = '';
  for (const ch of f) out += SPECIAL[ch] ?? ch;
  f = out;
  return f;
}

/** Fills KIND (and FOLD or MULTI_FOLD) for one BMP code unit and returns its kind. */
export function learnUnit(u: number): number {
  let kind: number;
  if (u >= 0xd800 && u <= 0xdfff) kind = SURROGATE;
  else {
    const s = String.fromCharCode(u);
    if (IS_SPACE.test(s)) kind = SPACE;
    else if (INVISIBLE.test(s)) kind = IGNORE;
    else {
      const f = foldString(s);
      if (f === '') kind = IGNORE;
      else if (f.length === 1) {
        kind = kindOfFolded(f);
        FOLD[u] = f.charCodeAt(0);
      } else {
        kind = MULTI;
        const parts: number[] = [];
        for (let k = 0; k < f.length; k++) parts.push(f.charCodeAt(k), kindOfFolded(f.charAt(k)));
        MULTI_FOLD.set(u, parts);
      }
    }
  }
  KIND[u] = kind;
  FOLD_KIND[u] = ((FOLD[u] as number) << 4) | kind;
  return kind;
}

/** Kind of an astral code point (emoji, rare scripts): letters and digits keep their units, the rest separates. */
export function astralKind(cp: number): number {
  const s = String.fromCodePoint(cp);
  if (IS_DIGIT.test(s)) return DIGIT;
  if (IS_LETTER.test(s)) return LETTER;
  return PUNCT;
}

import { doubled } from '../config/doubled.ts';
import { fmix32 } from '../dedupe/hash32.ts';
import * as fold from './fold-units.ts';

// Bound once: transpiled module imports are getters, too slow to read per character.
const mix = fmix32;
const { astralKind, FOLD_KIND, foldString, learnUnit, MULTI_FOLD } = fold;
const { DIGIT, IGNORE, LETTER, MULTI, PUNCT, SOLO, SPACE, SURROGATE } = fold;

/** What separates a token from the one before it. */
export const GAP_JOIN = 0; // nothing: a letter/digit change (F35), or two characters of an unspaced script
export const GAP_PUNCT = 1; // punctuation only: SAMP/T, F-35, l'armée
export const GAP_SPACE = 2; // some whitespace (and maybe punctuation); also the gap before a text's first token

const FNV_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const LOWER_S = 0x73;

/** FNV-1a over folded units, finalised: the hash the scanner gives each token, for term forms too. */
export function hashUnits(units: ArrayLike<number>, from: number, to: number): number {
  let h = FNV_BASIS;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (units[i] as number), FNV_PRIME);
  return mix(h) | 0;
}

export function hashString(s: string): number {
  let h = FNV_BASIS;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return mix(h) | 0;
}

/**
 * Splits a text into folded tokens with their offsets in the original string (UTF-16 code units), in one pass.
 * Tokens are runs of letters or runs of digits (a letter/digit change splits `F35A` into f·35·a with a JOIN gap, so
 * it reads like `F-35A`); a lone `s` right after digits (`F-35s`, `1990s`) is a plural mark, not a token, and a
 * final `s` on letters right after digits (`A400Ms`) is dropped the same way. One instance reuses its buffers.
 */
export class TokenScanner {
  count = 0;
  /** Offsets of each token in the original text, end exclusive. */
  start = new Int32Array(256);
  end = new Int32Array(256);
  /** Gap before each token (GAP_SPACE for the first). */
  gap = new Uint8Array(256);
  isDigit = new Uint8Array(256);
  hash = new Int32Array(256);
  /** Where each token's folded units sit in `units`. */
  unitStart = new Int32Array(256);
  unitLen = new Int32Array(256);
  units = new Uint16Array(1024);

  private nUnits = 0;
  private open = false;
  private openKind = 0;
  private sawSpace = false;
  private sawPunct = false;
  private h = 0;
  private hBeforeLast = 0;

  scan(text: string): number {
    // The common units (letters, digits, spaces, punctuation, accents) run in this loop on locals; the rare
    // ones (several folded units, unspaced scripts, astral code points) go through the methods below.
    let count = 0;
    let nUnits = 0;
    let open = false;
    let openKind = 0;
    let sawSpace = true;
    let sawPunct = false;
    let h = 0;
    let hBeforeLast = 0;
    /** End of the open token so far. */
    let last = 0;
    let { start, end, gap, isDigit, hash, unitStart, unitLen, units } = this;
    const len = text.length;
    for (let i = 0; i <= len; i++) {
      let kind = SPACE;
      let f = 0;
      if (i < len) {
        const u = text.charCodeAt(i);
        let fk = FOLD_KIND[u] as number;
        if (fk === 0) {
          learnUnit(u);
          fk = FOLD_KIND[u] as number;
        }
        kind = fk & 15;
        if (kind > IGNORE) {
          // MULTI, SURROGATE: hand the state to the methods and take it back.
          this.count = count;
          this.nUnits = nUnits;
          this.open = open;
          this.openKind = openKind;
          this.sawSpace = sawSpace;
          this.sawPunct = sawPunct;
          this.h = h;
          this.hBeforeLast = hBeforeLast;
          if (open) end[count] = last;
          i = this.slowUnit(text, i, kind);
          ({ count, nUnits, open, openKind, sawSpace, sawPunct, h, hBeforeLast } = this);
          ({ start, end, gap, isDigit, hash, unitStart, unitLen, units } = this);
          if (open) last = end[count] as number;
          continue;
        }
        if (kind === IGNORE) {
          if (open) last = i + 1;
          continue;
        }
        f = fk >> 4;
      }
      if (open && kind !== openKind) {
        // Close the open token; a letter/digit change (`switching`) leaves no gap before the next one.
        const switching = kind === LETTER || kind === DIGIT || kind === SOLO;
        open = false;
        let n = count;
        end[n] = last;
        let ulen = nUnits - (unitStart[n] as number);
        let th = h;
        let keep = true;
        if (!switching && openKind === LETTER && n > 0 && gap[n] === GAP_JOIN && isDigit[n - 1] === 1 && units[nUnits - 1] === LOWER_S) {
          if (ulen === 1) {
            // `F-35s`: the plural mark joins the digits before it.
            end[n - 1] = end[n] as number;
            nUnits--;
            keep = false;
          } else {
            ulen--;
            nUnits--;
            th = hBeforeLast;
          }
        }
        if (keep) {
          unitLen[n] = ulen;
          isDigit[n] = openKind === DIGIT ? 1 : 0;
          hash[n] = mix(th) | 0;
          count = ++n;
        }
      }
      if (kind === LETTER || kind === DIGIT || kind === SOLO) {
        if (!open) {
          if (count >= start.length) {
            this.grow();
            ({ start, end, gap, isDigit, hash, unitStart, unitLen } = this);
          }
          open = true;
          openKind = kind;
          gap[count] = count === 0 || sawSpace ? GAP_SPACE : sawPunct ? GAP_PUNCT : GAP_JOIN;
          sawSpace = false;
          sawPunct = false;
          start[count] = i;
          unitStart[count] = nUnits;
          h = FNV_BASIS;
        }
        if (nUnits === units.length) {
          this.units = units;
          this.growUnits();
          units = this.units;
        }
        units[nUnits++] = f;
        hBeforeLast = h;
        h = Math.imul(h ^ f, FNV_PRIME);
        last = i + 1;
        // An unspaced character is a token by itself: the next unit opens another.
        if (kind === SOLO) openKind = -1;
      } else if (kind === SPACE) sawSpace = true;
      else sawPunct = true;
    }
    this.count = count;
    this.nUnits = nUnits;
    return count;
  }

  /** One MULTI or SURROGATE unit at `i`, on the instance's state; returns the index of its last unit. */
  private slowUnit(text: string, i: number, kind: number): number {
    if (kind === MULTI) {
      const parts = MULTI_FOLD.get(text.charCodeAt(i)) as number[];
      for (let k = 0; k < parts.length; k += 2) this.pushKind(parts[k] as number, parts[k + 1] as number, i, i + 1);
      return i;
    }
    const cp = text.codePointAt(i) as number;
    if (cp <= 0xffff) {
      // A lone surrogate separates.
      if (this.open) this.close(false);
      this.sawPunct = true;
      return i;
    }
    const ak = astralKind(cp);
    if (ak === PUNCT) {
      if (this.open) this.close(false);
      this.sawPunct = true;
    } else {
      const f = foldString(String.fromCodePoint(cp));
      for (let k = 0; k < f.length; k++) this.push(f.charCodeAt(k), ak, i, i + 2);
    }
    return i + 1;
  }

  private pushKind(f: number, kind: number, from: number, to: number): void {
    if (kind === LETTER || kind === DIGIT) this.push(f, kind, from, to);
    else if (kind === SPACE) {
      if (this.open) this.close(false);
      this.sawSpace = true;
    } else if (kind === SOLO) {
      if (this.open) this.close(false);
      this.push(f, SOLO, from, to);
      this.close(true);
    } else if (kind !== IGNORE && kind !== SURROGATE) {
      if (this.open) this.close(false);
      this.sawPunct = true;
    }
  }

  private push(f: number, kind: number, from: number, to: number): void {
    if (this.open && kind !== this.openKind) this.close(true);
    const n = this.count;
    if (!this.open) {
      if (n >= this.start.length) this.grow();
      this.open = true;
      this.openKind = kind;
      this.gap[n] = n === 0 || this.sawSpace ? GAP_SPACE : this.sawPunct ? GAP_PUNCT : GAP_JOIN;
      this.sawSpace = false;
      this.sawPunct = false;
      this.start[n] = from;
      this.unitStart[n] = this.nUnits;
      this.h = FNV_BASIS;
    }
    if (this.nUnits === this.units.length) this.growUnits();
    this.units[this.nUnits++] = f;
    this.hBeforeLast = this.h;
    this.h = Math.imul(this.h ^ f, FNV_PRIME);
    this.end[n] = to;
  }

  /** Ends the open token; `switching` when a letter/digit change (or an unspaced character) ends it. */
  private close(switching: boolean): void {
    const n = this.count;
    this.open = false;
    let unitLen = this.nUnits - (this.unitStart[n] as number);
    let h = this.h;
    if (
      !switching &&
      this.openKind === LETTER &&
      n > 0 &&
      this.gap[n] === GAP_JOIN &&
      this.isDigit[n - 1] === 1 &&
      this.units[this.nUnits - 1] === LOWER_S
    ) {
      if (unitLen === 1) {
        // `F-35s`: the plural mark joins the digits before it.
        this.end[n - 1] = this.end[n] as number;
        this.nUnits--;
        return;
      }
      unitLen--;
      this.nUnits--;
      h = this.hBeforeLast;
    }
    this.unitLen[n] = unitLen;
    this.isDigit[n] = this.openKind === DIGIT ? 1 : 0;
    this.hash[n] = mix(h) | 0;
    this.count = n + 1;
  }

  private growUnits(): void {
    this.units = doubled(this.units);
  }

  private grow(): void {
    this.start = doubled(this.start);
    this.end = doubled(this.end);
    this.gap = doubled(this.gap);
    this.isDigit = doubled(this.isDigit);
    this.hash = doubled(this.hash);
    this.unitStart = doubled(this.unitStart);
    this.unitLen = doubled(this.unitLen);
  }

  /** Token `i`'s folded text (for terms and tests; matching compares units without making strings). */
  tokenText(i: number): string {
    const from = this.unitStart[i] as number;
    return String.fromCharCode(...this.units.subarray(from, from + (this.unitLen[i] as number)));
  }
}

export interface Token {
  text: string;
  gap: number;
  isDigit: boolean;
  start: number;
  end: number;
}

/** The tokens of a short string (a term, an alias), as objects. */
export function tokensOf(s: string, scanner = new TokenScanner()): Token[] {
  const n = scanner.scan(s);
  const out: Token[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      text: scanner.tokenText(i),
      gap: scanner.gap[i] as number,
      isDigit: scanner.isDigit[i] === 1,
      start: scanner.start[i] as number,
      end: scanner.end[i] as number,
    });
  }
  return out;
}

import { popcount32 } from './hash32.ts';
import { scanWords } from './normalise-text.ts';
import { shingleHashes, type ShingleHashes } from './shingles.ts';

/** Bound once: transpiled module imports are getters, too slow to call per word. */
const popcount = popcount32;

/**
 * Shingle weight by position. With flat weights a copy cut to its first 70% differs from the original in 12
 * of 64 bits (median; 95th percentile 18) on the 91 real bodies of the extraction benchmark, too far for a
 * banded index. The weight rises over the first LEAD_SHINGLES (the lead is what syndicators rewrite) and then
 * decays with TAIL_DECAY (the tail is what truncation and boilerplate leftovers touch). On the same bodies
 * this brought truncation to median 1 bit (p95 10), boilerplate leftovers from median 4 to 3, an added source
 * line from 2 to 0, edited leads unchanged at median 3, while distinct bodies stayed at least 17 bits apart.
 */
const LEAD_SHINGLES = 30;
const TAIL_DECAY = 150;
/** Past this many shingles the weight is below 1%: later shingles are skipped (the sketch still sees them). */
const MAX_WEIGHTED_SHINGLES = LEAD_SHINGLES + Math.ceil(TAIL_DECAY * Math.log(100));
/** Each title shingle weighs as much as a body shingle at the peak: a headline is a few percent of the hash. */
const TITLE_WEIGHT = 1;
/**
 * Weights are whole multiples of 2^-24 so that votes sum exactly in any order: a vote that is a true tie
 * (lead weights rise linearly, so w0 + w3 = w1 + w2) is 0 and leaves its bit clear, instead of falling on the
 * side that rounding in one particular summation order gives it.
 */
const UNIT = 2 ** 24;
const TITLE_SALT = 0x7469746c;

const WEIGHTS = Float64Array.from({ length: MAX_WEIGHTED_SHINGLES }, (_, i) =>
  Math.round(UNIT * (i < LEAD_SHINGLES ? 0.3 + (0.7 * i) / LEAD_SHINGLES : Math.exp(-(i - LEAD_SHINGLES) / TAIL_DECAY))),
);

/**
 * Adds each shingle's weight to one of 16 slots per 4-bit nibble of its 64 bits (16 adds per shingle instead
 * of 64); `weights` undefined means every shingle weighs `flat`. `bitsOf` turns the slots into per-bit sums.
 */
function accumulate(slots: Float64Array, s: ShingleHashes, weights: Float64Array | undefined, flat: number): void {
  const n = weights === undefined ? s.lo.length : Math.min(weights.length, s.lo.length);
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? flat : (weights[i] as number);
    const lo = s.lo[i] as number;
    const hi = s.hi[i] as number;
    slots[lo & 15]! += w;
    slots[16 | ((lo >>> 4) & 15)]! += w;
    slots[32 | ((lo >>> 8) & 15)]! += w;
    slots[48 | ((lo >>> 12) & 15)]! += w;
    slots[64 | ((lo >>> 16) & 15)]! += w;
    slots[80 | ((lo >>> 20) & 15)]! += w;
    slots[96 | ((lo >>> 24) & 15)]! += w;
    slots[112 | (lo >>> 28)]! += w;
    slots[128 | (hi & 15)]! += w;
    slots[144 | ((hi >>> 4) & 15)]! += w;
    slots[160 | ((hi >>> 8) & 15)]! += w;
    slots[176 | ((hi >>> 12) & 15)]! += w;
    slots[192 | ((hi >>> 16) & 15)]! += w;
    slots[208 | ((hi >>> 20) & 15)]! += w;
    slots[224 | ((hi >>> 24) & 15)]! += w;
    slots[240 | (hi >>> 28)]! += w;
  }
}

/** Bit b of the 32 bits held in slots [base, base + 128): set when its weighted vote, +w if set, -w if not, is > 0. */
function bitsOf(slots: Float64Array, base: number): number {
  let out = 0;
  for (let nibble = 0; nibble < 8; nibble++) {
    const at = base + nibble * 16;
    for (let j = 0; j < 4; j++) {
      let vote = 0;
      for (let x = 0; x < 16; x++) vote += (x >>> j) & 1 ? (slots[at + x] as number) : -(slots[at + x] as number);
      if (vote > 0) out |= 1 << (nibble * 4 + j);
    }
  }
  return out >>> 0;
}

/** Simhash from already tokenised title and body shingles; `simhash64` is the string entry point. */
const slots = new Float64Array(256);

export function simhashFromShingles(title: ShingleHashes, body: ShingleHashes): bigint {
  slots.fill(0);
  accumulate(slots, body, WEIGHTS, 0);
  accumulate(slots, title, undefined, TITLE_WEIGHT * UNIT);
  return (BigInt(bitsOf(slots, 128)) << 32n) | BigInt(bitsOf(slots, 0));
}

/** 64-bit SimHash over word shingles of the body, position-weighted, with the title's shingles folded in. */
export function simhash64(title: string, text: string): bigint {
  return simhashFromShingles(shingleHashes(scanWords(title).hashes, TITLE_SALT), shingleHashes(scanWords(text).hashes));
}

export { TITLE_SALT };

const MASK32 = 0xffffffffn;

export function hamming(a: bigint, b: bigint): number {
  const x = (a ^ b) & 0xffffffffffffffffn;
  return popcount(Number(x & MASK32)) + popcount(Number(x >> 32n));
}

/**
 * A function giving the distance from `h` to a simhash stored as 16 hex digits, without BigInt: a store
 * screens every band candidate with it before reading anything else of the candidate.
 */
export function distanceFromHex(h: bigint): (hex: string) => number {
  const hi = Number(h >> 32n);
  const lo = Number(h & MASK32);
  return (hex) => popcount((parseInt(hex.slice(0, 8), 16) ^ hi) >>> 0) + popcount((parseInt(hex.slice(8, 16), 16) ^ lo) >>> 0);
}

export function simhashToHex(h: bigint): string {
  return h.toString(16).padStart(16, '0');
}

export function simhashFromHex(hex: string): bigint {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new Error(`Not a 16-hex-digit simhash: ${JSON.stringify(hex)}`);
  return BigInt(`0x${hex}`);
}

/**
 * Banded LSH keys: the 64 bits cut into `bands` contiguous bands (widths differ by at most one bit), each key
 * naming its band so equal bits in different bands never collide: `b0:1a2b`. Two fingerprints become
 * candidates when any key is equal, i.e. when one band has no differing bit.
 */
export function bandKeys(h: bigint, bands: number): string[] {
  if (!Number.isInteger(bands) || bands < 1 || bands > 64) throw new RangeError(`bands must be 1..64, got ${bands}`);
  const keys: string[] = [];
  let shift = 0n;
  for (let i = 0; i < bands; i++) {
    const width = Math.floor(64 / bands) + (i < 64 % bands ? 1 : 0);
    const value = (h >> shift) & ((1n << BigInt(width)) - 1n);
    keys.push(`b${i}:${value.toString(16)}`);
    shift += BigInt(width);
  }
  return keys;
}

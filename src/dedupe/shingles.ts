import { fmix32 } from './hash32.ts';

/** Bound once: transpiled module imports are getters, too slow to call per word. */
const mix = fmix32;

/** Words per shingle: long enough that two stories on one topic share few, short enough to survive edits. */
export const SHINGLE_WORDS = 3;

export interface ShingleHashes {
  /** 32-bit hashes, one per shingle, in text order (used for simhash bits 0-31 and the sketch). */
  lo: Uint32Array;
  /** A second, independent 32 bits per shingle (simhash bits 32-63). */
  hi: Uint32Array;
}

/**
 * Hashes the consecutive `size`-word windows of a text, from its word hashes (see scanWords). A text shorter
 * than one window gives one shingle of what it has; an empty text none. `salt` keeps title shingles apart.
 */
export function shingleHashes(words: Uint32Array, salt = 0, size = SHINGLE_WORDS): ShingleHashes {
  const n = words.length === 0 ? 0 : Math.max(1, words.length - size + 1);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  if (n === 0) return { lo, hi };
  for (let i = 0; i < n; i++) {
    let x = (0x9747b28c ^ salt) >>> 0;
    const end = Math.min(words.length, i + size);
    for (let j = i; j < end; j++) x = mix((x ^ (words[j] as number)) + j - i);
    lo[i] = x;
    hi[i] = mix(x ^ 0x5bd1e995);
  }
  return { lo, hi };
}

/** Bottom-k size: containment estimates within about ±0.05 on typical articles; 512 bytes per article. */
export const SKETCH_SIZE = 128;

/**
 * The SKETCH_SIZE smallest distinct shingle hashes (a bottom-k MinHash sketch), ascending. Texts with fewer
 * shingles keep them all, so comparisons between short texts are exact. Hashes are uniform, so only those
 * under ~3k/n of the range are sorted; the full sort is the fallback when too few fall there.
 */
export function bottomK(hashes: Uint32Array, k = SKETCH_SIZE): Uint32Array {
  if (hashes.length > 4 * k) {
    const limit = Math.min(0xffffffff, Math.ceil((0x100000000 * 3 * k) / hashes.length));
    const picked = new Uint32Array(hashes.length);
    let m = 0;
    for (let i = 0; i < hashes.length; i++) if ((hashes[i] as number) < limit) picked[m++] = hashes[i] as number;
    const low = distinctSorted(picked.subarray(0, m).sort());
    if (low.length >= k) return low.slice(0, k);
  }
  return distinctSorted(Uint32Array.from(hashes).sort()).slice(0, k);
}

/** Removes repeats from a sorted array, in place; returns the distinct prefix. */
function distinctSorted(sorted: Uint32Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}

export interface Containment {
  /** |A ∩ B| / min(|A|, |B|), estimated on the hash range both sketches cover completely. */
  containment: number;
  /** How many hashes the estimate rests on (the smaller side's hashes in that range). */
  sample: number;
}

/**
 * Containment of the smaller shingle set in the larger one. Each sketch holds *every* hash of its set up to its
 * own maximum (or all of them when not full), so below the lower of the two maxima both sets are known
 * exactly: the estimate counts shared hashes there. Unlike Jaccard, a copy cut to 70% still scores ~1.
 */
export function containment(a: Uint32Array, aFull: boolean, b: Uint32Array, bFull: boolean): Containment {
  const aMax = aFull && a.length > 0 ? (a[a.length - 1] as number) : 0xffffffff;
  const bMax = bFull && b.length > 0 ? (b[b.length - 1] as number) : 0xffffffff;
  const limit = Math.min(aMax, bMax);
  let i = 0;
  let j = 0;
  let inA = 0;
  let inB = 0;
  let shared = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    const v = Math.min(x, y);
    if (v > limit) break;
    if (x === v) {
      inA++;
      i++;
    }
    if (y === v) {
      inB++;
      j++;
    }
    if (x === v && y === v) shared++;
  }
  const sample = Math.min(inA, inB);
  return { containment: sample === 0 ? 0 : shared / sample, sample };
}

/** 4 bytes per hash, little-endian: a BLOB in SQLite, bytea in Postgres; read back without parsing text. */
export function sketchToBytes(sketch: Uint32Array): Uint8Array {
  const out = new Uint8Array(sketch.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < sketch.length; i++) view.setUint32(i * 4, sketch[i] as number, true);
  return out;
}

export function sketchFromBytes(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new Error(`A sketch is a run of 4-byte values, got ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

/** Seedable randomness for the benchmarks' generated corpora: the same corpus on every machine and every run. */
export type Rng = () => number;

/** xorshift32: tiny, seedable, and the same on every machine. */
export function rng(seed: number): Rng {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

import { hash } from 'node:crypto';
import { normaliseText, scanWords } from './normalise-text.ts';
import { shingleHashes } from './shingles.ts';
import { bandKeys, hamming, simhashFromShingles, TITLE_SALT } from './simhash.ts';
import { bottomK, containment as sketchContainment, SKETCH_SIZE } from './sketch.ts';

export { normaliseText, tokenise } from './normalise-text.ts';
export { distanceFromHex, hamming, simhash64, simhashFromHex, simhashToHex } from './simhash.ts';
export { SKETCH_SIZE, sketchFromBytes, sketchToBytes } from './sketch.ts';

/*
 * The constants below were chosen from the sweep that `npm run bench:dedupe` prints (10,642 articles: 1,001
 * near copies of the 91 real bodies, 7,600 generated stories on six overlapping topics, 900 template notices,
 * 1,050 exact copies). Near-copy recall at precision 1.000 unless noted, 4 newest articles read per key:
 *
 *   lookup keys      recall  candidates/lookup    max distance (c >= 0.75)   containment (d <= 18)
 *   4 bands only     0.882    1.4                  10   0.960                  0.50  0.992 (7 wrong joins)
 *   6 bands only     0.968   15.2                  14   0.983                  0.70  0.990 (2 wrong joins)
 *   8 bands only     0.983   28.4                  18   0.990 <- chosen        0.75  0.990 <- chosen
 *   4 anchors only   0.988   11.6                  24   0.991                  0.90  0.967
 *   4 + 2 anchors    0.983    7.0
 *   4 + 4 anchors    0.990   12.6 <- chosen        figures check off: 350 wrong joins at c >= 0.75 (notices)
 *   6 + 4 anchors    0.990   26.2
 *
 * Simhash bands alone would need 8 bands of 8 bits, and twice the candidates, to approach what four sketch
 * anchors add to four 16-bit bands; more keys cost index writes and candidate reads without finding more.
 * Past 18 bits the distance check gains one near copy in a thousand; below 0.75 containment, stories sharing
 * template sentences start to merge. Reading more than 4 articles per key found nothing more.
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 18;
export const BANDS = 4;
/** Lookup keys taken from the sketch besides the simhash bands: its ANCHORS smallest hashes. */
export const ANCHORS = 4;
/** Near (not exact) copies must share at least this share of the smaller text's shingles. */
export const MIN_CONTAINMENT = 0.75;
/**
 * Near copies must also agree on their figures: of the smaller text's distinct numbers (amounts, dates, unit
 * counts, contract numbers), at least this share must appear in the other. Copies of one story report the
 * same figures; two notices built on one template differ in little else. Checked only when both texts carry
 * at least MIN_NUMBERS distinct numbers.
 */
export const MIN_NUMBER_AGREEMENT = 0.8;
export const MIN_NUMBERS = 3;
/** Numbers kept per fingerprint, the first ones in text order (truncated copies keep the first ones too). */
export const MAX_NUMBERS = 32;
/**
 * Below this many words a text merges only when body and title both normalise identically: short notices are
 * mostly template, and an extraction that fell back to a teaser or a paywall line is identical across a site.
 */
export const SHORT_TEXT_TOKENS = 40;

export interface NearRule {
  maxDistance: number;
  minContainment: number;
  /** 0 turns the figures check off. */
  minNumberAgreement: number;
}

export const NEAR_RULE: NearRule = {
  maxDistance: NEAR_DUPLICATE_MAX_DISTANCE,
  minContainment: MIN_CONTAINMENT,
  minNumberAgreement: MIN_NUMBER_AGREEMENT,
};

export function simhashBands(h: bigint, bands: number = BANDS): string[] {
  return bandKeys(h, bands);
}

/**
 * Every key under which an article is indexed and looked up: its simhash bands, plus `a:` keys for the
 * ANCHORS smallest shingle hashes (a MinHash LSH with one row per band). Anchors find what simhash bands miss:
 * a copy sharing 90% of its shingles with the original still differs in ~6 of 64 bits, often one in every
 * band, while it keeps each of the original's smallest hashes with probability ~0.9. Empty and short texts
 * get no keys: they only ever merge on their exact hash.
 */
export function lookupKeys(fp: Fingerprint, bands: number = BANDS, anchors: number = ANCHORS): string[] {
  if (fp.exactHash === null || fp.tokenCount < SHORT_TEXT_TOKENS) return [];
  const keys = bands > 0 ? bandKeys(fp.simhash, bands) : [];
  const n = Math.min(anchors, fp.sketch.length);
  for (let i = 0; i < n; i++) keys.push(`a:${(fp.sketch[i] as number).toString(16)}`);
  return keys;
}

function titleKeyOf(normal: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ normal.length;
  for (let i = 0; i < normal.length; i++) {
    const c = normal.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** One-shot `hash` (strings are hashed as UTF-8): no Hash object per article. */
function sha256Hex(s: string): string {
  return hash('sha256', s, 'hex');
}

/** Hex sha-256 of the normalised text: equal for copies that differ only in case, spacing, quotes, punctuation. */
export function exactHash(text: string): string {
  return sha256Hex(normaliseText(text));
}

/** Everything the store keeps about one article's content to find and judge its copies. */
export interface Fingerprint {
  /** Null for an empty body: such an article matches nothing. */
  exactHash: string | null;
  /** 16 hex digits naming the normalised title: two 32-bit FNV-1a lanes, enough for an equality test. */
  titleKey: string;
  simhash: bigint;
  tokenCount: number;
  /** Body shingles (with repeats, which 3-word shingles rarely have). */
  shingleCount: number;
  /** Bottom-k of the body's shingle hashes, ascending. */
  sketch: Uint32Array;
  /** The body's first MAX_NUMBERS distinct numbers (runs of digits), in text order. */
  numbers: string[];
}

function numbersOf(digits: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const d of digits) {
    if (seen.size >= MAX_NUMBERS) break;
    seen.add(d);
  }
  return [...seen];
}

/** Share of the smaller list's numbers found in the other; 1 when either has fewer than MIN_NUMBERS. */
export function numberAgreement(a: readonly string[], b: readonly string[]): number {
  if (Math.min(a.length, b.length) < MIN_NUMBERS) return 1;
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const set = new Set(large);
  let shared = 0;
  for (const n of small) if (set.has(n)) shared++;
  return shared / small.length;
}

export function fingerprint(title: string, text: string): Fingerprint {
  const body = scanWords(text);
  const head = scanWords(title);
  const bodyShingles = shingleHashes(body.hashes);
  return {
    exactHash: body.hashes.length === 0 ? null : sha256Hex(body.normal),
    titleKey: titleKeyOf(head.normal),
    simhash: simhashFromShingles(shingleHashes(head.hashes, TITLE_SALT), bodyShingles),
    tokenCount: body.hashes.length,
    shingleCount: bodyShingles.lo.length,
    sketch: bottomK(bodyShingles.lo),
    numbers: numbersOf(body.digits),
  };
}

export interface Comparison {
  near: boolean;
  distance: number;
  /** Estimated share of the smaller text's shingles found in the other; absent when not needed. */
  containment?: number;
}

/**
 * The one rule deciding "same story". Exact: equal normalised bodies (short bodies: titles equal too). Near:
 * both bodies at least SHORT_TEXT_TOKENS words, simhashes within NEAR_DUPLICATE_MAX_DISTANCE bits, the same
 * figures (MIN_NUMBER_AGREEMENT) and containment >= MIN_CONTAINMENT. Containment is what keeps two stories
 * sharing boilerplate or a template paragraph apart when their simhashes happen to be close; the cheap checks
 * come first so that the sketch is read only when they pass.
 */
export function compareArticles(a: Fingerprint, b: Fingerprint, rule: NearRule = NEAR_RULE): Comparison {
  const distance = hamming(a.simhash, b.simhash);
  if (a.exactHash === null || b.exactHash === null) return { near: false, distance };
  const short = Math.min(a.tokenCount, b.tokenCount) < SHORT_TEXT_TOKENS;
  if (a.exactHash === b.exactHash) return { near: !short || a.titleKey === b.titleKey, distance, containment: 1 };
  if (short || distance > rule.maxDistance) return { near: false, distance };
  if (numberAgreement(a.numbers, b.numbers) < rule.minNumberAgreement) return { near: false, distance };
  const c = containmentOf(a, b);
  return { near: c >= rule.minContainment, distance, containment: c };
}

/** Every quantity compareArticles looks at, all computed: for sweeping rules over fixed pairs. */
export interface Measure {
  distance: number;
  containment: number;
  numbers: number;
  exact: boolean;
  short: boolean;
  sameTitle: boolean;
  empty: boolean;
}

export function measureArticles(a: Fingerprint, b: Fingerprint): Measure {
  const empty = a.exactHash === null || b.exactHash === null;
  const exact = !empty && a.exactHash === b.exactHash;
  return {
    distance: hamming(a.simhash, b.simhash),
    containment: empty ? 0 : exact ? 1 : containmentOf(a, b),
    numbers: numberAgreement(a.numbers, b.numbers),
    exact,
    short: Math.min(a.tokenCount, b.tokenCount) < SHORT_TEXT_TOKENS,
    sameTitle: a.titleKey === b.titleKey,
    empty,
  };
}

/** compareArticles' verdict on a Measure: `isNear(measureArticles(a, b), r) === compareArticles(a, b, r).near`. */
export function isNear(m: Measure, rule: NearRule = NEAR_RULE): boolean {
  if (m.empty) return false;
  if (m.exact) return !m.short || m.sameTitle;
  return (
    !m.short &&
    m.distance <= rule.maxDistance &&
    m.numbers >= rule.minNumberAgreement &&
    m.containment >= rule.minContainment
  );
}

function containmentOf(a: Fingerprint, b: Fingerprint): number {
  return sketchContainment(a.sketch, isCut(a), b.sketch, isCut(b)).containment;
}

/** Whether the sketch holds only the smallest SKETCH_SIZE hashes rather than all of them. */
function isCut(fp: Fingerprint): boolean {
  return fp.sketch.length >= SKETCH_SIZE && fp.shingleCount > fp.sketch.length;
}

/**
 * Among candidates, the one a new article should join: near, then highest containment, then smallest
 * distance, then the earliest (lowest id), so that every process picks the same one.
 */
export function bestMatch<T extends { id: number; fingerprint: Fingerprint }>(
  fp: Fingerprint,
  candidates: Iterable<T>,
  rule: NearRule = NEAR_RULE,
): { candidate: T; comparison: Comparison } | null {
  let best: { candidate: T; comparison: Comparison } | null = null;
  for (const candidate of candidates) {
    const comparison = compareArticles(fp, candidate.fingerprint, rule);
    if (!comparison.near) continue;
    if (best === null || better(comparison, candidate.id, best.comparison, best.candidate.id)) {
      best = { candidate, comparison };
    }
  }
  return best;
}

function better(c: Comparison, id: number, than: Comparison, thanId: number): boolean {
  const a = c.containment ?? 0;
  const b = than.containment ?? 0;
  if (a !== b) return a > b;
  if (c.distance !== than.distance) return c.distance < than.distance;
  return id < thanId;
}

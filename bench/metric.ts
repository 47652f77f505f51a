/**
 * The article-body metric of the Scrapinghub/Zyte extraction benchmark, as its README defines it:
 * multiset overlap of 4-token shingles, per-page precision/recall, averaged over pages.
 * Kept free of src/ imports so the yardstick cannot drift with the extractor it measures.
 */

/** Runs of Unicode word characters, case kept: the equivalent of Python's `\w+` on str. */
const WORD = /[\p{L}\p{N}_]+/gu;

export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

const SHINGLE = 4;

/** Shingles as a multiset; a text shorter than 4 tokens gives one shingle of what it has, an empty text none. */
export function shingles(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  if (tokens.length === 0) return counts;
  const last = Math.max(1, tokens.length - SHINGLE + 1);
  for (let i = 0; i < last; i++) {
    // U+0001 cannot occur inside a token, so joined keys are unambiguous.
    const key = tokens.slice(i, i + SHINGLE).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface PageCounts {
  /** Shared shingles, as a share of tp + fp + fn. */
  tp: number;
  fp: number;
  fn: number;
}

export function pageCounts(truth: string, predicted: string): PageCounts {
  const t = shingles(tokenize(truth));
  const p = shingles(tokenize(predicted));
  let tp = 0;
  let predictedTotal = 0;
  let truthTotal = 0;
  for (const n of t.values()) truthTotal += n;
  for (const [key, n] of p) {
    predictedTotal += n;
    tp += Math.min(n, t.get(key) ?? 0);
  }
  const fp = predictedTotal - tp;
  const fn = truthTotal - tp;
  const sum = tp + fp + fn;
  if (sum === 0) return { tp: 0, fp: 0, fn: 0 };
  return { tp: tp / sum, fp: fp / sum, fn: fn / sum };
}

export interface PageScore {
  /** null when tp + fp = 0: the page is left out of the precision mean. */
  precision: number | null;
  /** null when tp + fn = 0: the page is left out of the recall mean. */
  recall: number | null;
}

export function pageScore({ tp, fp, fn }: PageCounts): PageScore {
  const perfect = fp === 0 && fn === 0;
  const precision = perfect ? 1 : tp === 0 && fp === 0 ? 0 : tp / (tp + fp);
  const recall = perfect ? 1 : tp === 0 && fn === 0 ? 0 : tp / (tp + fn);
  return {
    precision: tp + fp === 0 ? null : precision,
    recall: tp + fn === 0 ? null : recall,
  };
}

export interface Pair {
  truth: string;
  predicted: string;
}

export interface Summary {
  precision: number;
  recall: number;
  f1: number;
  /** Share of pages whose predicted token list equals the truth's exactly. */
  accuracy: number;
  pages: number;
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function summarize(pairs: readonly Pair[]): Summary {
  const precisions: number[] = [];
  const recalls: number[] = [];
  let exact = 0;
  for (const { truth, predicted } of pairs) {
    const score = pageScore(pageCounts(truth, predicted));
    if (score.precision !== null) precisions.push(score.precision);
    if (score.recall !== null) recalls.push(score.recall);
    const a = tokenize(truth);
    const b = tokenize(predicted);
    if (a.length === b.length && a.every((tok, i) => tok === b[i])) exact++;
  }
  const precision = mean(precisions);
  const recall = mean(recalls);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, accuracy: pairs.length === 0 ? 0 : exact / pairs.length, pages: pairs.length };
}

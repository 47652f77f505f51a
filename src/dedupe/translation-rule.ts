import { shared, type Gist } from './gist.ts';

/**
 * When two articles in different languages tell one story. Precision first: a missed merge sends one extra alert,
 * a false one silences a story. The figures were chosen on the development two thirds of `npm run bench:translations`
 * (see the README); the held-back third was scored once, at the end.
 */
export interface TranslationRule {
  /** Anchors (names, designations, numbers, dates) both must share, at the least. */
  minAnchors: number;
  /** How much an anchor counts against an ordinary word in the score. */
  anchorWeight: number;
  /** Score (weighted share of the smaller article's keys found in the other) a pair of full articles needs. */
  minScore: number;
  /** Below this many words in either article, the short rules apply. */
  shortWords: number;
  /** Score a pair with a short article needs. */
  minShortScore: number;
  /** Anchors a pair with a short article must share. */
  minShortAnchors: number;
  /** And the share of the smaller article's anchors that must be the other's too. */
  minShortAnchorShare: number;
  /** When both carry at least 3 figures (numbers >= 10, dates), the share of the smaller's found in the other. */
  minFigureAgreement: number;
}

export const TRANSLATION_RULE: TranslationRule = {
  minAnchors: 2,
  anchorWeight: 3,
  minScore: 0.38,
  shortWords: 60,
  minShortScore: 0.45,
  minShortAnchors: 3,
  minShortAnchorShare: 0.6,
  minFigureAgreement: 0.5,
};

export interface TranslationVerdict {
  same: boolean;
  score: number;
  anchors: number;
  /** Why not, when not the same: for logs and the benchmark. */
  reason: 'same-language' | 'anchors' | 'dates' | 'figures' | 'score' | null;
}

/**
 * The verdict on two gists. A title's words count as the body's do, no more: two stories on one topic often have
 * near-identical titles and a translation often has another; its names and figures are not anchors, so a short
 * text never merges on its title.
 */
export function compareGists(a: Gist, b: Gist, rule: TranslationRule = TRANSLATION_RULE): TranslationVerdict {
  // Declared or, when a page declared the wrong one, as its function words say: same language, not a translation.
  if (a.lang === b.lang || (a.tongue !== 0 && a.tongue === b.tongue)) return { same: false, score: 0, anchors: 0, reason: 'same-language' };
  const anchors = shared(a.anchors, b.anchors);
  const short = Math.min(a.words, b.words) < rule.shortWords;
  if (anchors < (short ? rule.minShortAnchors : rule.minAnchors)) return { same: false, score: 0, anchors, reason: 'anchors' };
  if (short && anchors / Math.min(a.anchors.length, b.anchors.length) < rule.minShortAnchorShare) return { same: false, score: 0, anchors, reason: 'anchors' };
  // Both date what they report, and no date agrees: two events (a translation keeps "le 9 décembre" as "Dec. 9").
  if (a.dates.length > 0 && b.dates.length > 0 && shared(a.dates, b.dates) === 0) return { same: false, score: 0, anchors, reason: 'dates' };
  const figures = Math.min(a.figures.length, b.figures.length);
  if (figures >= 3 && shared(a.figures, b.figures) / figures < rule.minFigureAgreement) return { same: false, score: 0, anchors, reason: 'figures' };
  const extra = rule.anchorWeight - 1;
  const weight = Math.min(a.body.length + extra * a.anchors.length, b.body.length + extra * b.anchors.length);
  const score = (shared(a.body, b.body) + extra * anchors) / Math.max(1, weight);
  const same = score >= (short ? rule.minShortScore : rule.minScore);
  return { same, score, anchors, reason: same ? null : 'score' };
}

import type { CheerioAPI } from 'cheerio';
import { analysePage, type PageAnalysis } from './analyse-page.ts';
import { blockSignature } from './block-signature.ts';
import { rootOf } from './dom.ts';

/**
 * What Vigie has learned about one source's page template: signatures of block and line texts with how
 * often they recur. JSON-serialisable and bounded (at most MAX_BLOCKS entries and RECENT_PAGES
 * fingerprints, under 100 KB of JSON); the caller persists it per source.
 */
export interface SiteTemplate {
  version: 1;
  /** Page count with exponential decay, the denominator of "recurs on most pages". */
  pages: number;
  /** Distinct pages learned from, without decay. */
  seen: number;
  /** signature → [decayed page count, pages seen on] */
  blocks: Record<string, [number, number]>;
  /** Fingerprints of the last pages learned: learning a page twice must not make its text recur. */
  recent: string[];
}

/** Each new page weighs 1 and older ones fade, so a redesign or a list that scrolls is forgotten. */
const DECAY = 0.85;
/** Blocks must recur on at least this share of the (decayed) pages ... */
const RECURRING_SHARE = 0.5;
/** ... and on at least this many distinct pages, so one article fetched at two URLs is not erased. */
const MIN_PAGES = 3;
const FORGET_BELOW = 0.05;
export const MAX_BLOCKS = 4000;
const RECENT_PAGES = 30;

export function emptyTemplate(): SiteTemplate {
  return { version: 1, pages: 0, seen: 0, blocks: {}, recent: [] };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Adds one page to the template and returns the new template (the previous one is not modified).
 * It analyses the document itself and never mutates it, so it may run before or after extractArticle
 * or extractLatest on the same document (extractAndLearn does both on one analysis).
 */
export function learnTemplate(previous: SiteTemplate | null, doc: CheerioAPI): SiteTemplate {
  return learnFromAnalysis(previous, analysePage(rootOf(doc), { collectSignatures: true }));
}

/** learnTemplate on an analysis that collected signatures exactly (see PageAnalysis.signaturesExact). */
export function learnFromAnalysis(previous: SiteTemplate | null, analysis: PageAnalysis): SiteTemplate {
  const base = previous && previous.version === 1 ? previous : emptyTemplate();
  const facts = analysis.facts;
  const fingerprint =
    blockSignature(`page ${facts.documentTitle ?? ''} ${facts.h1s[0]?.text ?? ''} ${facts.canonical ?? ''}`) ?? '';
  if (fingerprint !== '' && base.recent.includes(fingerprint)) return base;

  const blocks: Record<string, [number, number]> = {};
  for (const [sig, [weight, count]] of Object.entries(base.blocks)) {
    const w = weight * DECAY;
    if (w >= FORGET_BELOW) blocks[sig] = [w, count];
  }
  for (const sig of analysis.signatures ?? []) {
    const entry = blocks[sig];
    if (entry) blocks[sig] = [entry[0] + 1, entry[1] + 1];
    else blocks[sig] = [1, 1];
  }
  let entries = Object.entries(blocks);
  if (entries.length > MAX_BLOCKS) {
    entries.sort((a, b) => b[1][0] - a[1][0]);
    entries = entries.slice(0, MAX_BLOCKS);
  }
  const rounded: Record<string, [number, number]> = {};
  for (const [sig, [w, n]] of entries) rounded[sig] = [round(w), n];
  const recent = fingerprint === '' ? base.recent : [...base.recent, fingerprint].slice(-RECENT_PAGES);
  return { version: 1, pages: round(base.pages * DECAY + 1), seen: base.seen + 1, blocks: rounded, recent };
}

/** The signatures that count as template now: recurring on most recent pages. */
export function templateSignatures(template: SiteTemplate | null | undefined): Set<string> {
  const out = new Set<string>();
  if (!template || template.version !== 1) return out;
  const needed = template.pages * RECURRING_SHARE;
  for (const [sig, [w, n]] of Object.entries(template.blocks)) {
    if (n >= MIN_PAGES && w >= needed) out.add(sig);
  }
  return out;
}

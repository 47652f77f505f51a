const SEPARATORS = /\s+(?:[|–—·•»«]|-{1,2}|::)\s+/;

function norm(text: string): string {
  return text.toLowerCase().replace(/[\s\u00a0]+/g, ' ').replace(/[’‘]/g, "'").replace(/[“”«»]/g, '"').trim();
}

/** "Headline | Site" → "Headline": drops the site name, or short end parts when the name is unknown. */
export function stripSiteName(title: string, site: string | null): string {
  const parts = title.split(SEPARATORS).map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length < 2) return title.trim();
  const siteNorm = site ? norm(site) : null;
  let kept = siteNorm ? parts.filter((p) => norm(p) !== siteNorm) : parts;
  if (kept.length === 0) kept = parts;
  if (kept.length > 1) {
    let longest = kept[0]!;
    for (const p of kept) if (p.length > longest.length) longest = p;
    return longest;
  }
  return kept[0]!;
}

export interface TitleCandidates {
  h1: string | null;
  og: string | null;
  ld: string | null;
  document: string | null;
  site: string | null;
}

/**
 * The headline: an <h1> confirmed by the metadata is the cleanest; otherwise JSON-LD's headline, then
 * og:title and <title> minus the site name.
 */
export function pickTitle(c: TitleCandidates): string {
  const meta = [c.og, c.ld, c.document].filter((t): t is string => t !== null);
  if (c.h1) {
    const h = norm(c.h1);
    if (meta.some((m) => norm(m).includes(h))) return c.h1;
  }
  if (c.ld) return stripSiteName(c.ld, c.site);
  if (c.og) return stripSiteName(c.og, c.site);
  if (c.document) return stripSiteName(c.document, c.site);
  return c.h1 ?? '';
}

export function sameTitle(a: string, b: string): boolean {
  return norm(a) === norm(b);
}

export function normaliseTitle(text: string): string {
  return norm(text).replace(/[^\p{L}\p{N} ]/gu, '').replace(/ +/g, ' ').trim();
}

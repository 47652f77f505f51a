const SEPARATORS = /\s+(?:[|–—·•»«>›/]|-{1,2}|::)\s+/;

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
  const meta = [c.ld, c.og, c.document].filter((t): t is string => t !== null).map((t) => decodeEntities(stripSiteName(t, c.site)));
  const h1 = c.h1 ? decodeEntities(c.h1) : null;
  if (h1) {
    // The <h1> is often the cleanest headline, but on some themes it is the site's name: it must match
    // the metadata's headline closely, not just appear in "Headline | Site".
    const h = norm(h1);
    const confirmed = meta.some((m) => {
      const n = norm(m);
      return n === h || ((n.includes(h) || h.includes(n)) && Math.min(n.length, h.length) >= 0.6 * Math.max(n.length, h.length));
    });
    const raw = [c.ld, c.og, c.document].filter((t): t is string => t !== null).map((t) => norm(decodeEntities(t)));
    const inRaw = raw.some((n) => n.includes(h) && h.length >= 0.4 * n.length);
    if (confirmed || (inRaw && (!c.site || norm(c.site) !== h))) return h1;
  }
  return meta[0] ?? h1 ?? '';
}

const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|quot|apos|lt|gt|nbsp));/gi;
const NAMED: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: ' ' };

/** Metadata is sometimes escaped twice ("&amp;#8211;"), which leaves an entity in the decoded text. */
function decodeEntities(text: string): string {
  return text.replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
    const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
    if (code >= 0) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    return NAMED[named!.toLowerCase()] ?? m;
  });
}

export function sameTitle(a: string, b: string): boolean {
  return norm(a) === norm(b);
}

export function normaliseTitle(text: string): string {
  return norm(text).replace(/[^\p{L}\p{N} ]/gu, '').replace(/ +/g, ' ').trim();
}

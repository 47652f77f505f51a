import type { ContextLine } from './context-lines.ts';
import type { ElementNode } from './dom.ts';
import { normaliseTitle } from './pick-title.ts';
import type { OutputBlock } from './render-article.ts';

/** Lines looked at above the first paragraph: the lines before the body, a rubric, the headline, a date line. */
const HEAD_BLOCKS = 12;
const STYLED_CLASS = /tit|head|h1|chapeau|kicker/i;
/** A sentence's full stop; headlines end without one, or with "?", "!" or an ellipsis. */
const FULL_STOP = /[^.]\.["»”]?$/;

function isProse(b: { text: string }): boolean {
  return b.text.length >= 160 || (b.text.length >= 40 && FULL_STOP.test(b.text));
}

/** A line drawn as a headline: a heading tag, a whole line in bold, or a block whose class says title. */
export function isStyled(b: OutputBlock): boolean {
  if (b.tag.length === 2 && b.tag[0] === 'h') return true;
  if (/^<(strong|b)>[^]*<\/\1>$/.test(b.html) && !/<\/(strong|b)>[^]*<\1>/.test(b.html)) return true;
  const el = b.source?.el as ElementNode | undefined;
  const cls = el?.attribs ? `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}` : '';
  return STYLED_CLASS.test(cls);
}

/** At most this many meaningful words: a site's or a section's name rather than a headline. */
const SITE_NAME_WORDS = 3;

/** Words that carry meaning: "la", "des", "the" would make any two titles share something. */
function words(text: string): string[] {
  return normaliseTitle(text).split(' ').filter((w) => w.length > 3);
}

/**
 * The headline as the page shows it above the article's first paragraph, when the metadata's title is a
 * shortened copy of it ("Artillerie : douze CAESAR de plus" for "Artillerie : douze CAESAR de plus pour
 * l'armée de Terre") or has nothing to do with it (old sites title every page with the site's name).
 * Null when the metadata's title is already on the page, or no line up there reads as a headline.
 */
export function visibleHeadline(blocks: readonly ContextLine[], metaTitle: string, documentTitle: string | null): string | null {
  const meta = normaliseTitle(metaTitle);
  const metaWords = words(metaTitle);
  const doc = documentTitle ? normaliseTitle(documentTitle) : '';
  let styled: string | null = null;
  for (let i = 0; i < Math.min(blocks.length, HEAD_BLOCKS); i++) {
    const b = blocks[i]!;
    if (isProse(b)) break;
    const t = b.text;
    if (t.length < 10 || t.length > 200 || b.linkShare > 0.5) continue;
    const n = normaliseTitle(t);
    if (n.length === 0) continue;
    if (n === meta) return null;
    // The metadata cut the headline short, or the page's <title> holds it with the site's name.
    if ((meta.length >= 10 && n.startsWith(meta) && n.length > meta.length) || (doc.includes(n) && n.length >= 0.5 * meta.length && n.length > meta.length)) return t;
    // The styled line nearest the first paragraph: a site name drawn large in the header comes earlier.
    if (b.styled) styled = t;
  }
  if (styled === null) return null;
  // A styled line that shares most words with the metadata's title is the same headline, written otherwise.
  const shared = words(styled).filter((w) => metaWords.includes(w)).length;
  if (metaWords.length > 0 && shared >= 0.5 * metaWords.length) return styled;
  // A short metadata title with nothing in common with the styled line is the site's name or a section's; a long
  // one is a headline in its own right, and the styled line something else.
  return metaWords.length <= SITE_NAME_WORDS && shared === 0 ? styled : null;
}

import type { OutputBlock } from './render-article.ts';
import { isTrailingJunk } from './trim-blocks.ts';

/** Consecutive link lines that make a list (latest articles, related links) rather than a sentence's link. */
const MIN_LIST_LINES = 3;
const LINK_LINE_SHARE = 0.6;

function isLinkLine(b: OutputBlock): boolean {
  return b.text.length > 0 && b.text.length < 200 && b.linkShare > LINK_LINE_SHARE;
}

/** "10/11 — La frégate…", "14.06.2016 : …", "12 nov. - …", "09:30 | …": one entry of a dated news ticker. */
const DATED = /^\s*(?:\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[a-zéû]{3,9}\.?(?:\s+\d{4})?|\d{1,2}[:h]\d{2})\s*[—–:|-]\s+\S/i;

function isDatedLine(b: OutputBlock): boolean {
  return b.text.length > 0 && b.text.length < 250 && DATED.test(b.text);
}

function isProse(b: OutputBlock): boolean {
  return b.text.length >= 100 && b.linkShare < 0.2;
}

/** A short line that titles what follows ("Derniers articles", "Sur le même sujet"): no sentence end. */
function isListTitle(b: OutputBlock): boolean {
  return b.text.length > 0 && b.text.length <= 60 && !/[.!?;,]$/.test(b.text);
}

/**
 * A block of link lines (or, at the very end, of dated ticker lines) inside the article's container ends the text there: the list goes, with its title
 * line and whatever follows until prose resumes (a footer in the same cell), while every paragraph before
 * it stays. Lists drawn as <ul> or in a block of their own are dropped when rendering; this handles the
 * lists that legacy pages draw as `<a>…</a><br>` lines among the article's own lines.
 */
export function cutLinkLists(blocks: readonly OutputBlock[]): OutputBlock[] {
  const out: OutputBlock[] = [];
  let prose = false;
  let skipping = false;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (skipping) {
      if (!isProse(b)) continue;
      skipping = false;
    }
    const dated = isDatedLine(b);
    if (prose && (isLinkLine(b) || dated)) {
      const kind = dated ? isDatedLine : isLinkLine;
      let j = i;
      while (j < blocks.length && (kind(blocks[j]!) || blocks[j]!.text.length === 0)) j++;
      let lines = 0;
      for (let k = i; k < j; k++) if (blocks[k]!.text.length > 0) lines++;
      // A dated list with prose after it may be the article's own chronology; a link list never is.
      const trailing = !dated || !blocks.slice(j).some((x) => isProse(x) && !isTrailingJunk(x.text));
      if (lines >= MIN_LIST_LINES && trailing) {
        if (out.length > 0 && isListTitle(out[out.length - 1]!)) out.pop();
        skipping = true;
        i = j - 1;
        continue;
      }
    }
    if (isProse(b)) prose = true;
    out.push(b);
  }
  return out;
}

import { bylineFromText } from './page-meta.ts';
import { normaliseTitle } from './pick-title.ts';
import type { OutputBlock } from './render-article.ts';

// Not \b: in a regex without the u flag, "publié" is never followed by a word boundary.
const BYLINE = /^(?:by|par|de|posted|published|publié|publiée|updated|mis à jour|modifié|written by|écrit par|auteur|author|source|photo|crédit|credit|le)(?![\p{L}\p{N}_])/iu;
const MONTHS =
  /\b(?:jan(?:uary|vier)?|feb(?:ruary)?|f[ée]v(?:rier)?|mar(?:ch|s)?|apr(?:il)?|avr(?:il)?|may|mai|june?|juin|july?|juil(?:let)?|aug(?:ust)?|ao[uû]t|sept?(?:ember|embre)?|oct(?:ober|obre)?|nov(?:ember|embre)?|d[ée]c(?:ember|embre)?)\b/i;
const NUMERIC_DATE = /\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b\d{1,2}:\d{2}\b/;
const AGO = /\b(?:\d+|an?|one) (?:minutes?|hours?|days?|weeks?) ago\b|\bil y a \d+/i;
const TRAILING = /^(?:©|\(c\)|copyright|all rights reserved|tous droits réservés|share|partager|tags?\s*:|mots[- ]clés\s*:|filed under|catégories?\s*:|categories?\s*:|topics?\s*:|related\s*:|lire aussi\s*:|à lire aussi|read more\b|voir aussi)/i;
const CREDIT = /^(?:photos?|crédits?(?: photo)?|credits?|image|illustration|source)\s*[:©]/i;
/** Calls to action and legal lines that end articles: subscribe, follow us, copyright. */
const TRAILING_ANYWHERE = /\b(?:subscribe|subscriptions?|sign up|newsletters?|follow (?:us|me|him|her|them)|abonnez-vous|inscrivez-vous|suivez-nous|copyright|all rights reserved|tous droits réservés|may be reached at|can be reached at|click here|tell us what you think|let us know|join the conversation|cliquez ici|donnez votre avis|directeur de la publication|directrice de la publication|commission paritaire|dépôt légal|mentions légales|abonnement annuel)\b|©/i;

/** A legal line, a call to action or a tag line: what ends an article rather than belongs to it. */
export function isTrailingJunk(text: string): boolean {
  return (text.length < 200 && TRAILING.test(text)) || (text.length < 300 && TRAILING_ANYWHERE.test(text));
}

/** A line that is only a person's name ("Jean Dupont", "Col. Pierre Vasseur"): the byline under a title. */
const NAME = /^(?:\p{Lu}[\p{Ll}'’.-][\p{L}'’.-]*\s+){1,3}\p{Lu}\p{Ll}[\p{L}'’-]*$/u;

function bylineOf(text: string): string | null {
  return text.length < 120 && /\b(?:by|par)\s/i.test(text) ? bylineFromText(text) : null;
}

function looksLikeDateLine(text: string): boolean {
  if (text.length > 90) return false;
  return (MONTHS.test(text) && /\d/.test(text)) || NUMERIC_DATE.test(text) || AGO.test(text);
}

/**
 * Removes what sits around the body inside the container: the title repeated at the top (and short
 * kickers before it), byline and date lines at the top, copyright/tag lines at the end.
 */
export interface Trimmed {
  blocks: OutputBlock[];
  /** A "by …" / "par …" name found in the byline lines removed at the top. */
  byline: string | null;
  /** The first date line removed at the top, for a publication date when the metadata has none. */
  dateLine: string | null;
  /** A date line removed at the end ("Publié le 14/06/2016"), used when the top has none. */
  tailDateLine: string | null;
}


export function trimBlocks(blocks: readonly OutputBlock[], title: string, h1: string | null): Trimmed {
  const out = [...blocks];
  const titles = new Set([normaliseTitle(title), h1 ? normaliseTitle(h1) : ''].filter((t) => t.length > 0));
  const longest = Math.max(title.length, h1?.length ?? 0) * 2 + 20;
  const isTitle = (text: string): boolean => text.length <= longest && titles.has(normaliseTitle(text));
  let byline: string | null = null;
  let dateLine: string | null = null;
  const head = Math.min(out.length, 8);
  for (let i = 0; i < head; i++) {
    const b = out[i]!;
    if (isTitle(b.text)) {
      let j = i;
      while (j >= 0 && (j === i || out[j]!.text.length < 80)) j--;
      for (const removed of out.splice(j + 1, i - j)) {
        byline ??= bylineOf(removed.text);
        if (looksLikeDateLine(removed.text)) dateLine ??= removed.text;
      }
      break;
    }
  }
  let start = 0;
  while (start < Math.min(out.length, 4)) {
    const t = out[start]!.text;
    if (t.length === 0) {
      start++;
      continue;
    }
    if (t.length < 120 && (BYLINE.test(t) || looksLikeDateLine(t) || NAME.test(t)) && !/[.!?]$/.test(t)) {
      byline ??= bylineOf(t) ?? (NAME.test(t) ? t : null);
      if (looksLikeDateLine(t)) dateLine ??= t;
      start++;
    }
    else if (isTitle(t)) start++;
    else break;
  }
  out.splice(0, start);
  // The tail: calls to action and legal lines go; so do the links around them (a promo list after
  // "Subscribe to our channel"), but links alone stay, as they may be the article's own.
  let end = out.length;
  let cut = out.length;
  let tailDateLine: string | null = null;
  while (end > 0) {
    const b = out[end - 1]!;
    const t = b.text;
    // One dated signature line under the text ("Publié le 14/06/2016", "14 juin 2016 — J. Dupont"); a line
    // among other dated lines is an entry of a dated list, whose dates are not the article's.
    const signature = tailDateLine === null && end > 1 && b.linkShare < 0.3 && t.length < 90 && looksLikeDateLine(t) && !/[.!?]$/.test(t) && !looksLikeDateLine(out[end - 2]!.text);
    if (signature && (BYLINE.test(t) || /^\W*\d/.test(t) || bylineOf(t) !== null)) {
      tailDateLine ??= t;
      byline ??= bylineOf(t);
      end--;
      cut = end;
    } else if (t.length === 0 || isTrailingJunk(t) || (t.length < 100 && CREDIT.test(t))) {
      end--;
      cut = end;
    } else if (b.linkShare > 0.6 && t.length < 200) end--;
    else break;
  }
  out.length = cut;
  return { blocks: out, byline, dateLine, tailDateLine };
}

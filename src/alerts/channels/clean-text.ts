/**
 * Characters a message never shows from a stranger: C0/C1 controls (tabs and newlines become spaces first), the
 * bidirectional embeddings, overrides and isolates that can make a title read backwards (left- and right-to-left
 * marks stay: Arabic and Hebrew need them), and lone surrogates, which JSON and SMTP cannot carry.
 */
const HIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A stranger's one-line text as messages show it: hidden characters dropped, each run of whitespace one space, trimmed. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(HIDDEN, '').replace(/ {2,}/g, ' ').trim();
}

/** The same without trimming or collapsing, for the parts of an excerpt (the space before a hit is its own). */
export function dropHidden(text: string): string {
  return text.replace(/[\t\n\r\f\v]/g, ' ').replace(HIDDEN, '');
}

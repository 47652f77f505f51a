/** Shortest normalised text worth a signature: shorter lines ("Home", "Share") are too common to mean anything. */
export const MIN_SIGNED_LENGTH = 8;
/** Longer blocks vary from page to page anyway; not hashing them keeps learning linear in page size. */
export const MAX_SIGNED_LENGTH = 4000;

const DIGITS = /\d+/g;
const NON_WORD = /[\s\u00a0\p{P}\p{S}]+/gu;

/**
 * Signature of a block's text that survives cosmetic changes between pages of one site: case, spacing,
 * punctuation and numbers (dates, counters, years in a copyright line). Null when too short or too long.
 */
export function blockSignature(text: string): string | null {
  if (text.length < MIN_SIGNED_LENGTH || text.length > MAX_SIGNED_LENGTH * 2) return null;
  const norm = text.toLowerCase().replace(DIGITS, '0').replace(NON_WORD, ' ').trim();
  if (norm.length < MIN_SIGNED_LENGTH || norm.length > MAX_SIGNED_LENGTH) return null;
  // FNV-1a, 32 bits, plus the length: collisions among a site's few thousand blocks are negligible.
  let h = 0x811c9dc5;
  for (let i = 0; i < norm.length; i++) {
    h ^= norm.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36) + '.' + norm.length.toString(36);
}

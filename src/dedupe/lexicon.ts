import { foldWord } from './fold-word.ts';

/** Categories a lexicon line may have; they decide what its forms count as (see `anchorCategory`). */
export const LEXICON_CATEGORIES = [
  'rank', 'unit', 'service', 'equipment', 'weapon', 'vessel', 'aircraft', 'operation', 'org', 'country', 'demonym',
  'place', 'month', 'weekday', 'number', 'time', 'verb', 'noun', 'adjective', 'misc',
] as const;
export type LexiconCategory = (typeof LEXICON_CATEGORIES)[number];

/** Forms of at most this many words (split on spaces, as written in the file). */
export const MAX_PHRASE_WORDS = 4;
/** The same forms folded: hyphens and apostrophes split words too (`chef d'état-major` is 4 tokens). */
export const MAX_PHRASE_TOKENS = 8;

export interface LexiconEntry {
  /** The line's index among entries: the concept's id, the same in both languages. */
  id: number;
  category: LexiconCategory;
}

/**
 * A bilingual lexicon: word forms of either language, folded (case, accents, hyphens as spaces), to the concepts
 * they name. A form with two senses maps to both.
 */
export interface Lexicon {
  /** Concepts of a folded form of 1 to MAX_PHRASE_TOKENS words joined by single spaces. */
  lookup(folded: string): readonly LexiconEntry[] | undefined;
  /** Entries in all. */
  size: number;
  /** Where the forms of 2 words or more starting with this folded word go on, or undefined when none does. */
  phrase(folded: string): PhraseNode | undefined;
  /** Whether this folded word is a later word (second or after) of some form: whether it can go on a phrase. */
  follows(folded: string): boolean;
}

/** A node of the lexicon's phrase trie: the entries of the words so far, and the words that may follow. */
export interface PhraseNode {
  entries?: LexiconEntry[];
  next?: Map<string, PhraseNode>;
}

export class LexiconError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'LexiconError';
  }
}

/**
 * Parses the lexicon's TSV (`category<TAB>french forms<TAB>english forms`, forms split by `|`, `#` comments), strictly:
 * a malformed line is an error naming the file and line, never a silently smaller lexicon.
 */
export function parseLexicon(tsv: string, file = 'lexicon'): Lexicon {
  const forms = new Map<string, LexiconEntry[]>();
  const trie: PhraseNode = {};
  const later = new Set<string>();
  let id = 0;
  const lines = tsv.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    if (fields.length !== 3) throw new LexiconError(file, i + 1, `expected 3 TAB-separated fields, got ${fields.length}`);
    const [category, fr, en] = fields as [string, string, string];
    if (!(LEXICON_CATEGORIES as readonly string[]).includes(category)) throw new LexiconError(file, i + 1, `unknown category "${category}"`);
    const entry: LexiconEntry = { id: id++, category: category as LexiconCategory };
    for (const side of [fr, en]) {
      for (const raw of side.split('|')) {
        const folded = foldPhrase(raw);
        if (folded === '') throw new LexiconError(file, i + 1, `empty form in "${side}"`);
        const words = folded.split(' ');
        if (raw.trim().split(/\s+/).length > MAX_PHRASE_WORDS || words.length > MAX_PHRASE_TOKENS) {
          throw new LexiconError(file, i + 1, `"${raw.trim()}" has more than ${MAX_PHRASE_WORDS} words`);
        }
        const list = forms.get(folded);
        if (!list) forms.set(folded, [entry]);
        else if (!list.includes(entry)) list.push(entry);
        if (words.length >= 2) {
          let node = trie;
          for (const w of words.slice(1)) later.add(w);
          for (const w of words) {
            node.next ??= new Map();
            let child = node.next.get(w);
            if (!child) node.next.set(w, (child = {}));
            node = child;
          }
          node.entries ??= [];
          if (!node.entries.includes(entry)) node.entries.push(entry);
        }
      }
    }
  }
  return { lookup: (f) => forms.get(f), size: id, phrase: (w) => trie.next?.get(w), follows: (w) => later.has(w) };
}

/** A form as the lexicon keys it: words folded, split on anything but letters and digits, joined by one space. */
export function foldPhrase(text: string): string {
  return text
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((w) => w !== '')
    .map(foldWord)
    .join(' ');
}

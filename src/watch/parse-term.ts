import { GAP_PUNCT, TokenScanner, tokensOf, type Token } from './token-scanner.ts';

/** One way an alias can be written in a text: its folded words and, between them, the gap the alias has. */
export interface AliasSpelling {
  words: string[];
  /** gaps[j] is the gap before words[j] in the alias (gaps[0] unused). */
  gaps: number[];
}

export interface ParsedAlias {
  /** The alias as configured, trimmed (`SAMP-T`). */
  alias: string;
  spellings: AliasSpelling[];
}

const scanner = new TokenScanner();

/**
 * Splits a configured term on `|` into aliases and each alias into words. Returns a reason string instead of
 * throwing, so the caller can name the field.
 *
 * An alias with punctuation between two letter words (`SAMP/T`, `anti-missile`) gets a second spelling with
 * those words glued (`SAMPT`, `antimissile`), since both forms occur in print. Letters against digits need no
 * such spelling: the scanner already reads `F35` as f·35, like `F-35`.
 */
export function parseTerm(term: string): ParsedAlias[] | string {
  if (typeof term !== 'string') return 'must be a string';
  const raw = term.split('|');
  const aliases: ParsedAlias[] = [];
  for (let a = 0; a < raw.length; a++) {
    const alias = (raw[a] as string).trim();
    const where = raw.length > 1 ? `alias ${a + 1} of ${JSON.stringify(term)}` : JSON.stringify(term);
    if (alias === '') return `${where} is empty`;
    const tokens = tokensOf(alias, scanner);
    if (tokens.length === 0) return `${where} has no letter or digit to match`;
    const spellings: AliasSpelling[] = [spellingOf(tokens)];
    const glued = glue(tokens);
    if (glued.length !== tokens.length) spellings.push(spellingOf(glued));
    aliases.push({ alias, spellings });
  }
  return aliases;
}

function spellingOf(tokens: readonly Token[]): AliasSpelling {
  return { words: tokens.map((t) => t.text), gaps: tokens.map((t) => t.gap) };
}

/** The tokens with every letters-punctuation-letters pair made one word. */
function glue(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (prev !== undefined && t.gap === GAP_PUNCT && !t.isDigit && !prev.isDigit) {
      out[out.length - 1] = { ...prev, text: prev.text + t.text, end: t.end };
    } else out.push(t);
  }
  return out;
}

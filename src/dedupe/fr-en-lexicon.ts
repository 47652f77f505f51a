import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLexicon, type Lexicon } from './lexicon.ts';

const FILE = join('lexicon', 'fr-en.tsv');
let cached: Lexicon | null = null;

/**
 * The shipped French-English lexicon (src/dedupe/lexicon/fr-en.tsv), parsed once, on first use. It is data, not
 * code: read from this module's folder when run from the sources, or from the package's src/dedupe above the bundle
 * bin/vigie.js builds, as the dashboard's assets are.
 */
export function frEnLexicon(): Lexicon {
  if (cached) return cached;
  const path = lexiconPath(dirname(fileURLToPath(import.meta.url)));
  cached = parseLexicon(readFileSync(path, 'utf8'), path);
  return cached;
}

export function lexiconPath(from: string): string {
  if (existsSync(join(from, FILE))) return join(from, FILE);
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'dedupe', FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`the French-English lexicon (src/dedupe/${FILE}) is not found above ${from}`);
  }
}

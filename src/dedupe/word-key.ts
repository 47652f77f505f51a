import { foldWord } from './fold-word.ts';

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/**
 * One key for the spellings of a word or name across French and English: `Kalachnikov` and `Kalashnikov`,
 * `Choïgou` and `Shoigu`, `Daech` and `Daesh`, `frégate` and `frigate`, `artillerie` and `artillery`. Sounds both
 * languages write differently are written one way (ch/sh -> s, ou -> u, c/q -> k, y -> i, ph -> f), a final plural
 * s/x and a final e dropped, doubled letters collapsed; then the first letter and the consonants, when that leaves
 * at least 4 letters (vowels are what transliterations change most), else the whole normalised word.
 */
export function wordKey(word: string): string {
  let w = foldWord(word);
  if (w.length > 4 && (w.endsWith('s') || w.endsWith('x')) && !w.endsWith('ss')) w = w.slice(0, -1);
  w = w
    .replace(/sch|ch|sh/g, 's')
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
    .replace(/kh/g, 'h')
    .replace(/ck|qu|q/g, 'k')
    .replace(/gu(?=[ei])/g, 'g')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/ou/g, 'u')
    .replace(/y/g, 'i')
    .replace(/w/g, 'v')
    .replace(/z/g, 's');
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  w = w.replace(/(.)\1+/g, '$1');
  let skeleton = w[0] ?? '';
  for (let i = 1; i < w.length; i++) if (!VOWELS.has(w[i]!)) skeleton += w[i];
  return skeleton.length >= 4 ? skeleton : w;
}

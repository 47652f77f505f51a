const MARKS = /[\u0300-\u036f]/g;

/** A word lower-cased with its accents dropped (`Défense` -> `defense`, `manœuvre` -> `manoeuvre`). */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss');
}

/**
 * The spellings a folded term word stands for: itself, its simple French and English plurals, and the singulars it
 * may be a plural of, so a term matches either number whichever one the analyst wrote. Only rules that are regular
 * in both languages; irregular plurals (men, mice, œil/yeux) are left to aliases. Words under 3 letters, digits and
 * non-Latin words are taken as written. Some forms are not words (`batterys`, `reseaus`); that costs nothing,
 * as texts do not contain them. Some are words of their own (`Paris` also matches `pari`): the price of matching
 * plurals without a dictionary.
 */
const LATIN = /^[a-z]+$/;
const VOWEL = /[aeiou]/;

export function pluralForms(word: string): string[] {
  if (word.length < 3 || !LATIN.test(word)) return [word];
  const forms = new Set<string>([word]);
  const add = (f: string): void => {
    if (f.length >= 3) forms.add(f);
  };
  // Plurals of `word` taken as a singular.
  if (/(?:ss|x|z|ch|sh)$/.test(word)) add(`${word}es`); // class → classes, box → boxes, launch → launches
  if (!/[sxz]$/.test(word)) add(`${word}s`); // missile → missiles, frégate → frégates; -s/-x/-z are invariable in French
  if (word.endsWith('y') && !VOWEL.test(word.charAt(word.length - 2))) add(`${word.slice(0, -1)}ies`); // battery → batteries
  if (/(?:au|eu)$/.test(word)) add(`${word}x`); // réseau → réseaux, feu → feux
  if (word.endsWith('al')) add(`${word.slice(0, -2)}aux`); // amiral → amiraux, arsenal → arsenaux
  // Singulars of `word` taken as a plural.
  if (word.endsWith('s') && !word.endsWith('ss')) add(word.slice(0, -1)); // Patriots → Patriot, séries → série
  if (/(?:ss|x|z|ch|sh)es$/.test(word)) add(word.slice(0, -2)); // classes → class, launches → launch
  if (word.endsWith('ies')) add(`${word.slice(0, -3)}y`); // batteries → battery
  if (/(?:au|eu)x$/.test(word)) add(word.slice(0, -1)); // réseaux → réseau
  if (word.endsWith('aux')) add(`${word.slice(0, -3)}al`); // amiraux → amiral
  return [...forms];
}

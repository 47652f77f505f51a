/**
 * French and English function words, folded (no accents): they say nothing about which story a text tells, and a
 * capitalised one at a sentence start is not a name.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a au aux avec ce ces cet cette ceci cela ca celle celles celui ceux chez comme dans de des du elle elles en entre et
  eux il ils je la le les leur leurs lui ma mais me meme mes moi mon ne ni nos notre nous on ou par pas pour qu que qui
  sa se ses si son sont sur ta te tes toi ton tu un une vos votre vous y d l j m n s t c est etait ete etre avait avoir
  ont a deja aussi ainsi alors apres avant selon sans sous vers depuis pendant lors dont donc car encore plus moins
  tres tout tous toute toutes autre autres aucun aucune chaque plusieurs quelque quelques certains certaines leur
  ici la-bas cependant toutefois neanmoins puis enfin ailleurs notamment egalement desormais fait faire
  the of and to in on at by for with from as is are was were be been being has have had it its this that these
  those there their they them he she his her him we our us you your i me my an or but not no nor so than too very
  can could will would shall should may might must do does did done also which who whom whose what when where why
  how all any both each few more most other some such only own same just into onto over under about after before
  between during through against among without within while since until upon per via yet still however then thus
  therefore meanwhile moreover according said says one`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/**
 * Frequent function words of one language only: what a text is written in, whatever its page says. Two texts whose
 * markers say the same language are not a translation of each other, even when a page declared the wrong language.
 */
export const FRENCH_MARKERS: ReadonlySet<string> = new Set(
  'le la les des du et est une dans pour qui que sur aux au avec par ont ete sont ces cette leur leurs mais nous ils elle selon lors depuis dont aussi'.split(' '),
);
export const ENGLISH_MARKERS: ReadonlySet<string> = new Set(
  'the of and to in is for with that by from was were has have are its this which will said it at be an would their been'.split(' '),
);

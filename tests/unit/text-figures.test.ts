// Figures that survive translation: numbers in each language's format, amounts with scale words, percentages,
// dates written out (single days and ranges, day-first and month-first) and numeric dates, years apart.
import { describe, expect, it } from 'vitest';
import { textFigures } from '../../src/dedupe/text-figures.ts';

describe('textFigures', () => {
  it('reads French and English number formats the same way', () => {
    const fr = textFigures('La DGA a commandé 10 000 obus et 1 250 roquettes, soit 2,3 % du budget et 1,5 milliard d’euros.', 'fr');
    const en = textFigures('The DGA ordered 10,000 shells and 1,250 rockets, or 2.3% of the budget and €1.5 billion.', 'en');
    expect(fr.numbers).toEqual(['10000', '1250', '2.3', '1500000000']);
    expect(en.numbers).toEqual(fr.numbers);
  });

  it('reads non-breaking and narrow spaces as French group separators, and scale words', () => {
    expect(textFigures('Un contrat de 3\u202f200 millions et 12\u00a0000 soldats, 450 M€.', 'fr').numbers).toEqual(['3200000000', '12000', '450000000']);
    expect(textFigures('A $3.2bn deal, 200m for drones and 12 thousand troops', 'en').numbers).toEqual(['3200000000', '200000000', '12000']);
  });

  it('keeps a French decimal comma apart from an English thousands comma', () => {
    expect(textFigures('Un budget de 1,500 milliard', 'fr').numbers).toEqual(['1500000000']);
    expect(textFigures('A budget of 1,500 billion', 'en').numbers).toEqual(['1500000000000']);
  });

  it('reads dates day-first in French, month-first and day-first in English, with their years', () => {
    const fr = textFigures('Le 14 juin 2016, puis le mardi 3 mars et le 1er août 2017.', 'fr');
    const en = textFigures('On June 14, 2016, then on Tuesday, March 3, and on 1st August 2017.', 'en');
    expect(fr.dates).toEqual(['06-14', '03-03', '08-01']);
    expect(new Set(en.dates)).toEqual(new Set(fr.dates));
    expect(fr.years).toEqual(['2016', '2017']);
    expect(new Set(en.years)).toEqual(new Set(fr.years));
    // The days of dates are not counted as numbers.
    expect(fr.numbers).toEqual([]);
    expect(en.numbers).toEqual([]);
  });

  it('reads both days of a range, in either order of writing', () => {
    const fr = textFigures('Du 9 au 19 octobre 2017, puis dans la nuit du 9 au 10 décembre, et les 3 et 4 mai.', 'fr');
    const en = textFigures('From October 9 to 19, 2017, then on the night of December 9-10, and on 3 and 4 May.', 'en');
    expect(new Set(fr.dates)).toEqual(new Set(['10-09', '10-19', '12-09', '12-10', '05-03', '05-04']));
    expect(new Set(en.dates)).toEqual(new Set(fr.dates));
  });

  it('reads abbreviated months and numeric dates', () => {
    expect(textFigures('On Sept. 21 and Dec. 9, 2022', 'en').dates).toEqual(['09-21', '12-09']);
    expect(textFigures('Publié le 14/06/2016, mis à jour le 2016-06-15.', 'fr').dates).toEqual(['06-14', '06-15']);
  });

  it('keeps years out of the numbers, and a text without digits has no figures', () => {
    expect(textFigures('En 2016, 200 soldats ; en 1998, 35 chars.', 'fr')).toEqual({ numbers: ['200', '35'], dates: [], years: ['2016', '1998'] });
    expect(textFigures('Aucun chiffre ici.', 'fr')).toEqual({ numbers: [], dates: [], years: [] });
  });

  it('finds dates wherever they begin: any white space, a dot after the month, a month glued to a word is none', () => {
    expect(textFigures('Signed on June\u2003 14 and Dec.\u00a09, 2022, the mayor 12 said', 'en')).toEqual({ numbers: ['12'], dates: ['06-14', '12-09'], years: ['2022'] });
    expect(textFigures('xjan 5, _jan 7 and Jan 8', 'en')).toEqual({ numbers: ['5', '7'], dates: ['01-08'], years: [] });
    expect(textFigures('Le 1er et le 2 juin 2016, puis mai\n3', 'fr').dates).toEqual(['06-01', '06-02', '05-03']);
    // Day-first dates are read first; a month-first one only where no day-first date took its text.
    expect(textFigures('On March 3 4 May, 12 34 June 5', 'en')).toEqual({ numbers: ['12', '34'], dates: ['05-04', '03-03', '06-05'], years: [] });
  });
});

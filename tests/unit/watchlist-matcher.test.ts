import { describe, expect, it } from 'vitest';
import { compileWatchlists, type WatchlistMatch, type WatchlistSpec } from '../../src/watch/compile-watchlists.ts';
import { WatchlistTermError } from '../../src/watch/watchlist-term-error.ts';

const AIR_DEFENCE: WatchlistSpec = {
  id: 'air-defence',
  terms: ['SAMP/T | SAMP-T | Mamba', 'Patriot', 'défense sol-air | ground-based air defence'],
  exclude: ['jeu vidéo'],
};

/** Terms (as configured) that hit for a one-watchlist matcher, or [] when the watchlist does not match. */
function termsHit(terms: string[], title: string, text = '', exclude?: string[]): string[] {
  const m = compileWatchlists([{ id: 'w', terms, exclude }]).match(title, text);
  return m.length === 0 ? [] : (m[0] as WatchlistMatch).hits.map((h) => h.term);
}
const hits = (term: string, text: string): boolean => termsHit([term], '', text).length === 1;

describe('compileWatchlists: aliases', () => {
  it('matches any alias of a term and says which one and how it was written', () => {
    const matcher = compileWatchlists([AIR_DEFENCE]);
    for (const [text, alias, matched] of [
      ['La France livre un SAMP/T à l’Ukraine.', 'SAMP/T', 'SAMP/T'],
      ['Italy moves a SAMP-T battery to Slovakia.', 'SAMP-T', 'SAMP-T'],
      ['Le système Mamba a tiré deux Aster 30.', 'Mamba', 'Mamba'],
    ] as const) {
      const [m] = matcher.match('', text);
      expect(m?.id).toBe('air-defence');
      expect(m?.hits).toHaveLength(1);
      expect(m?.hits[0]).toMatchObject({ term: 'SAMP/T | SAMP-T | Mamba', termIndex: 0, alias, matched, aliases: [alias] });
    }
  });

  it('lists every alias that occurs, in the order the term gives them', () => {
    const [m] = compileWatchlists([AIR_DEFENCE]).match('Mamba: the SAMP/T in Ukraine', 'The Mamba, also called SAMP-T, fired.');
    expect(m?.hits[0]?.aliases).toEqual(['SAMP/T', 'SAMP-T', 'Mamba']);
    // The excerpt is the first occurrence in the text.
    expect(m?.hits[0]?.alias).toBe('Mamba');
    expect(m?.hits[0]?.excerpt.field).toBe('text');
  });

  it('reports each matching term once, in the order of the watchlist', () => {
    const [m] = compileWatchlists([AIR_DEFENCE]).match(
      'Patriot et SAMP/T : la défense sol-air européenne en question',
      'Deux batteries Patriot et un SAMP/T protègent le ciel. Un autre Patriot arrive.',
    );
    expect(m?.hits.map((h) => h.termIndex)).toEqual([0, 1, 2]);
  });
});

describe('compileWatchlists: case and accents', () => {
  it('folds accents and case in both directions', () => {
    expect(hits('defense', 'La défense aérienne')).toBe(true);
    expect(hits('defense', 'LA DÉFENSE AÉRIENNE')).toBe(true);
    expect(hits('défense', 'Ministry of Defense')).toBe(true);
    expect(hits('DÉFENSE', 'le ministère de la défense')).toBe(true);
    expect(hits('Électronique', 'guerre electronique')).toBe(true);
    expect(hits('manoeuvre', 'une manœuvre de l’OTAN')).toBe(true);
    expect(hits('Göteborg', 'the Swedish navy in Goteborg')).toBe(true);
  });

  it('reads decomposed accents and soft hyphens inside words, and points at the original characters', () => {
    const text = 'La de\u0301fense sol-air et le Pa\u00adtriot.';
    const [m] = compileWatchlists([AIR_DEFENCE]).match('', text);
    expect(m?.hits.map((h) => h.matched)).toEqual(['Pa\u00adtriot', 'de\u0301fense sol-air']);
  });
});

describe('compileWatchlists: plural forms', () => {
  it('matches simple French and English plurals of a singular term', () => {
    expect(hits('Patriot', 'Germany sends two more Patriots.')).toBe(true);
    expect(hits('frégate', 'Les frégates FDI de la Marine nationale')).toBe(true);
    expect(hits('missile', 'a salvo of cruise missiles')).toBe(true);
    expect(hits('battery', 'three air-defence batteries')).toBe(true);
    expect(hits('réseau', 'les réseaux de communication tactiques')).toBe(true);
    expect(hits('amiral', 'les amiraux de l’OTAN')).toBe(true);
    expect(hits('Virginia class', 'two Virginia classes of submarine')).toBe(true);
    expect(hits('Mamba', 'deux Mambas déployés')).toBe(true);
  });

  it('matches the singular of a plural term', () => {
    expect(hits('Patriots', 'a Patriot battery')).toBe(true);
    expect(hits('frégates', 'la frégate Alsace')).toBe(true);
    expect(hits('missiles', 'one anti-ship missile')).toBe(true);
    expect(hits('batteries', 'a single battery')).toBe(true);
    expect(hits('batteries', 'une batterie côtière')).toBe(true);
    expect(hits('réseaux', 'un réseau de capteurs')).toBe(true);
    expect(hits('amiraux', 'l’amiral Vandier')).toBe(true);
  });

  it('applies to each word of a phrase', () => {
    expect(hits('défense sol-air', 'les défenses sol-air russes')).toBe(true);
    expect(hits('ground-based air defence', 'ground-based air defences')).toBe(true);
  });

  it('reads an s glued to digits as a plural mark', () => {
    expect(hits('F-35', 'Denmark received four F-35s.')).toBe(true);
    expect(hits('A400M', 'two A400Ms landed')).toBe(true);
  });
});

describe('compileWatchlists: word boundaries', () => {
  it('never matches inside a longer word', () => {
    expect(hits('Patriot', 'a wave of patriotism')).toBe(false);
    expect(hits('Patriot', 'patriotic songs')).toBe(false);
    expect(hits('Mamba', 'Ladysmith Black Mambazo sang')).toBe(false);
    expect(hits('Mamba', 'the Mambas were deployed')).toBe(true);
    expect(hits('Aster', 'Astérix et Obélix')).toBe(false);
    expect(hits('Rafale', 'un Rafale Marine')).toBe(true);
    expect(hits('air', 'the airbase')).toBe(false);
  });

  it('does not match a designation inside a longer one', () => {
    expect(hits('F-35', 'the F-35A fleet')).toBe(false);
    expect(hits('F-35A', 'the F-35 fleet')).toBe(false);
    expect(hits('A400', 'the A400M fleet')).toBe(false);
    expect(hits('T-72', 'a T-72B3 tank')).toBe(false);
  });
});

describe('compileWatchlists: phrases and inner punctuation', () => {
  it('matches a phrase across any whitespace or punctuation between its words', () => {
    expect(hits('ground-based air defence', 'ground based air-defence')).toBe(true);
    expect(hits('ground-based air defence', 'Ground-Based\nAir   Defence')).toBe(true);
    expect(hits('défense sol-air', 'défense sol air')).toBe(true);
    expect(hits('défense sol-air', 'DÉFENSE SOL/AIR')).toBe(true);
    expect(hits('Armée de l’air', "l'Armée de l'Air et de l'Espace")).toBe(true);
  });

  it('does not match words that are apart or in another order', () => {
    expect(hits('ground-based air defence', 'ground-based naval air defence')).toBe(false);
    expect(hits('défense sol-air', 'air-sol défense')).toBe(false);
    expect(hits('Rafale F5', 'the Rafale and the F5')).toBe(false);
  });

  it('matches SAMP/T as SAMP/T, SAMP-T, SAMP T and SAMPT, in any case', () => {
    for (const written of ['SAMP/T', 'SAMP-T', 'SAMP T', 'SAMPT', 'samp/t', 'Samp-T']) {
      expect(hits('SAMP/T', `a ${written} battery`), written).toBe(true);
    }
    expect(hits('SAMP/T', 'a SAMP battery')).toBe(false);
  });

  it('matches letters against digits with or without a hyphen, but not split by a space', () => {
    for (const written of ['F-35A', 'F35A', 'F 35A', 'f-35-a']) expect(hits('F-35A', `the ${written} fleet`), written).toBe(true);
    // "Le F-35 a décollé": the French verb is not the A of F-35A.
    expect(hits('F-35A', 'Le F-35 a décollé de Luke AFB')).toBe(false);
    for (const written of ['A400M', 'A-400M', 'a400m']) expect(hits('A400M', `an ${written}`), written).toBe(true);
    expect(hits('F-35', 'le F35 et le F 35')).toBe(true);
    expect(hits('Rafale F4', 'le standard Rafale F-4')).toBe(true);
  });

  it('matches a glued alias only as written when it has no punctuation', () => {
    expect(hits('antimissile', 'une défense anti-missile')).toBe(false);
    expect(hits('anti-missile', 'une défense antimissile')).toBe(true);
  });
});

describe('compileWatchlists: other scripts and odd characters', () => {
  it('folds case and diacritics in Cyrillic and Greek, and ß, œ, ø', () => {
    expect(hits('Київ', 'ракетний удар по КИЇВУ та КИЇВ')).toBe(true);
    expect(hits('Αθήνα', 'Η ΑΘΗΝΑ αγοράζει φρεγάτες')).toBe(true);
    expect(hits('Strasse', 'die Hauptstraße')).toBe(false);
    expect(hits('Hauptstrasse', 'die Hauptstraße')).toBe(true);
    expect(hits('Bodø', 'the Bodo air base')).toBe(true);
  });

  it('keeps offsets right around astral characters and non-breaking spaces', () => {
    const text = '🚀 Alerte : un Patriot\u00a0PAC-3 a intercepté un missile 𝐊𝐢𝐧𝐳𝐡𝐚𝐥.';
    const [m] = compileWatchlists([{ id: 'w', terms: ['Patriot PAC-3', 'Kinzhal'] }]).match('', text);
    expect(m?.hits.map((h) => h.matched)).toEqual(['Patriot\u00a0PAC-3', '𝐊𝐢𝐧𝐳𝐡𝐚𝐥']);
  });

  it('does not run a phrase from the title into the text', () => {
    expect(termsHit(['ground-based air defence'], 'Europe needs more ground-based', 'air defence, says NATO')).toEqual([]);
  });

  it('stays linear when a term occurs thousands of times', () => {
    const text = 'Patriot SAMP/T Mamba '.repeat(20_000);
    const started = performance.now();
    const [m] = compileWatchlists([AIR_DEFENCE]).match('', text);
    expect(m?.hits.map((h) => h.aliases)).toEqual([['SAMP/T', 'Mamba'], ['Patriot']]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('compileWatchlists: exclude', () => {
  it('vetoes the whole watchlist when an exclude term occurs, in the text or the title', () => {
    const matcher = compileWatchlists([AIR_DEFENCE]);
    expect(matcher.match('Patriot et SAMP/T', 'La défense sol-air du pays.')).toHaveLength(1);
    expect(matcher.match('Patriot et SAMP/T', 'La défense sol-air du jeu vidéo.')).toEqual([]);
    expect(matcher.match('Test : le jeu vidéo de la défense sol-air', 'Patriot, SAMP/T.')).toEqual([]);
    // Plural and accent rules apply to exclude terms too.
    expect(matcher.match('', 'Patriot dans les jeux video de stratégie.')).toEqual([]);
  });

  it('vetoes only its own watchlist, and takes aliases', () => {
    const matcher = compileWatchlists([
      { id: 'naval', terms: ['frégate | frigate'], exclude: ['frégate de croisière | cruise frigate'] },
      { id: 'any-frigate', terms: ['frigate'] },
    ]);
    expect(matcher.match('', 'A new cruise frigate model.').map((m) => m.id)).toEqual(['any-frigate']);
    expect(matcher.match('', 'A new frigate model.').map((m) => m.id)).toEqual(['naval', 'any-frigate']);
  });
});

describe('compileWatchlists: several watchlists', () => {
  const matcher = compileWatchlists([
    AIR_DEFENCE,
    { id: 'combat-air', terms: ['Rafale | Rafale F4 | Rafale F5', 'F-35 | F-35A | F-35B', 'SCAF | FCAS | Future Combat Air System'] },
    { id: 'naval', terms: ['frégate | frigate', 'FDI | frégate de défense et d’intervention', 'SNA | sous-marin nucléaire d’attaque'] },
    { id: 'baltic', terms: ['Baltic air policing | police du ciel balte', 'Estonia | Estonie', 'Lituanie | Lithuania'] },
    { id: 'shared', terms: ['Patriot', 'frigate'] },
  ]);

  it('returns every watchlist that matches, in config order, each with its own terms', () => {
    const result = matcher.match(
      'Baltic air policing: Rafales and F-35s over Estonia',
      'French Rafale F4 jets and Dutch F-35A fighters took over the Baltic air policing mission from Ämari, Estonia. ' +
        'A Patriot battery guards the base, and a German frigate patrols offshore.',
    );
    expect(result.map((m) => [m.id, m.hits.map((h) => h.termIndex)])).toEqual([
      ['air-defence', [1]],
      ['combat-air', [0, 1]],
      ['naval', [0]],
      ['baltic', [0, 1]],
      ['shared', [0, 1]],
    ]);
    expect(result.map((m) => m.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('matches French texts with French aliases', () => {
    const result = matcher.match(
      'La Marine nationale réceptionne sa deuxième FDI',
      'La frégate de défense et d’intervention Amiral Ronarc’h a rejoint Brest. Un sous-marin nucléaire d’attaque l’escortait.',
    );
    expect(result.map((m) => m.id)).toEqual(['naval']);
    expect(result[0]?.hits.map((h) => [h.termIndex, h.aliases])).toEqual([
      [0, ['frégate']],
      [1, ['FDI', 'frégate de défense et d’intervention']],
      [2, ['sous-marin nucléaire d’attaque']],
    ]);
  });

  it('returns [] when nothing matches', () => {
    expect(matcher.match('Budget 2026 : la loi de programmation militaire', 'Le Parlement a voté la LPM.')).toEqual([]);
    expect(matcher.match('', '')).toEqual([]);
  });
});

describe('compileWatchlists: excerpts', () => {
  const matcher = compileWatchlists([AIR_DEFENCE]);
  const para1 =
    'Rome and Paris agreed on Tuesday to speed up deliveries of the jointly built air-defence system to Kyiv, officials said after a meeting of the two defence ministers in Brussels.';
  const para2 =
    'The Franco-Italian SAMP-T, known in France as the Mamba, intercepts aircraft and ballistic missiles with the Aster 30 interceptor built by MBDA, the European missile maker whose order books have swelled since 2022.';
  const text = `${para1}\n\n${para2}`;

  it('points at the hit in the original text and in the excerpt', () => {
    const [m] = matcher.match('Kyiv to get a second Franco-Italian battery', text);
    const hit = m?.hits[0];
    const ex = hit?.excerpt;
    expect(ex?.field).toBe('text');
    expect(text.slice(ex?.start, ex?.end)).toBe('SAMP-T');
    expect(hit?.matched).toBe('SAMP-T');
    expect(ex?.text.slice(ex.hitStart, ex.hitEnd)).toBe('SAMP-T');
    expect(ex?.text).toBe(text.slice(ex?.from, ex?.to));
  });

  it('stays within its paragraph and about 60 characters each side, cut between words', () => {
    const [m] = matcher.match('', text);
    const ex = m?.hits[0]?.excerpt;
    if (ex === undefined) throw new Error('no excerpt');
    // The paragraph starts 19 characters before the hit: the excerpt starts with it, no ellipsis.
    expect(ex.from).toBe(para1.length + 2);
    expect(ex.cutBefore).toBe(false);
    // After: cut before the word that would cross 60 characters.
    expect(ex.cutAfter).toBe(true);
    expect(ex.to - ex.end).toBeLessThanOrEqual(60);
    expect(ex.to - ex.end).toBeGreaterThan(45);
    expect(text.charAt(ex.to)).toMatch(/\s/);
    expect(ex.text).toBe('The Franco-Italian SAMP-T, known in France as the Mamba, intercepts aircraft and');
  });

  it('cuts the start between words when the paragraph begins further back', () => {
    const [m] = matcher.match('', text.replace('SAMP-T', 'system').replace('the Aster 30', 'the Patriot-like Aster 30'));
    const hit = m?.hits.find((h) => h.term === 'Patriot');
    const ex = hit?.excerpt;
    if (ex === undefined) throw new Error('no excerpt');
    const source = text.replace('SAMP-T', 'system').replace('the Aster 30', 'the Patriot-like Aster 30');
    expect(source.slice(ex.start, ex.end)).toBe('Patriot');
    expect(ex.cutBefore).toBe(true);
    expect(ex.start - ex.from).toBeLessThanOrEqual(60);
    expect(ex.start - ex.from).toBeGreaterThan(45);
    expect(source.charAt(ex.from - 1)).toMatch(/\s/);
    expect(ex.text.startsWith('Mamba, intercepts aircraft')).toBe(true);
  });

  it('collapses line breaks inside a phrase hit and keeps the offsets right', () => {
    const source = 'Les armées renforcent la défense\nsol-air du territoire.';
    const [m] = matcher.match('', source);
    const ex = m?.hits[0]?.excerpt;
    expect(source.slice(ex?.start, ex?.end)).toBe('défense\nsol-air');
    expect(ex?.text.slice(ex.hitStart, ex.hitEnd)).toBe('défense sol-air');
  });

  it('comes from the title when only the title has the term', () => {
    const title = 'Berlin commande quatre systèmes Patriot supplémentaires';
    const [m] = matcher.match(title, 'Le ministère allemand de la Défense a signé la commande.');
    const ex = m?.hits[0]?.excerpt;
    expect(ex).toMatchObject({ field: 'title', from: 0, to: title.length, text: title, cutBefore: false, cutAfter: false });
    expect(title.slice(ex?.start, ex?.end)).toBe('Patriot');
  });
});

describe('compileWatchlists: bad terms', () => {
  const attempt = (lists: WatchlistSpec[]): WatchlistTermError => {
    try {
      compileWatchlists(lists);
    } catch (e) {
      if (e instanceof WatchlistTermError) return e;
      throw e;
    }
    throw new Error('compileWatchlists accepted a bad term');
  };

  it('names the watchlist and the term of an empty or punctuation-only term', () => {
    const e = attempt([AIR_DEFENCE, { id: 'naval', terms: ['frégate', 'FDI', ' / - '] }]);
    expect(e.field).toBe('watchlists[1].terms[2]');
    expect(e.listId).toBe('naval');
    expect(e.listIndex).toBe(1);
    expect(e.termIndex).toBe(2);
    expect(e.message).toBe('watchlists[1].terms[2] (watchlist "naval"): " / - " has no letter or digit to match');
    expect(attempt([{ id: 'x', terms: [''] }]).field).toBe('watchlists[0].terms[0]');
  });

  it('names an empty alias and bad exclude terms', () => {
    const e = attempt([{ id: 'air', terms: ['SAMP/T | | Mamba'] }]);
    expect(e.reason).toBe('alias 2 of "SAMP/T | | Mamba" is empty');
    const x = attempt([{ id: 'air', terms: ['Patriot'], exclude: ['jeu vidéo', '…'] }]);
    expect(x.field).toBe('watchlists[0].exclude[1]');
    expect(x.list).toBe('exclude');
  });

  it('accepts an empty list of watchlists and matches nothing', () => {
    expect(compileWatchlists([]).match('Patriot', 'SAMP/T')).toEqual([]);
  });
});

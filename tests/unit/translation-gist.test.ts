// Cross-language matching, pure: spelling keys across languages, the anchors a gist keeps (names, designations,
// numbers, dates), the verdict on a translation, on two stories of one topic and on short texts, and the gist's bytes.
import { describe, expect, it } from 'vitest';
import { gistOf, shared } from '../../src/dedupe/gist.ts';
import { decodeGist, encodeGist, lexiconTranslations, primaryLang } from '../../src/dedupe/translation-matcher.ts';
import { compareGists } from '../../src/dedupe/translation-rule.ts';
import { frEnLexicon } from '../../src/dedupe/fr-en-lexicon.ts';
import { wordCache } from '../../src/dedupe/word-info.ts';
import { wordKey } from '../../src/dedupe/word-key.ts';
import { minehunterEn, minehunterFr, minehunterLaterEn, textOf } from '../fixtures/translated-stories.ts';

/** Whether every anchor of `probe`'s text is among `article`'s anchors. */
const anchorsOf = (text: string, lang: string) => gistOf('', text, lang).anchors;
const has = (within: Uint32Array, probe: Uint32Array) => shared(within, probe) === probe.length && probe.length > 0;

describe('wordKey: one key for the spellings of a name or a cognate', () => {
  it.each([
    ['Kalachnikov', 'Kalashnikov'],
    ['Choïgou', 'Shoigu'],
    ['Daech', 'Daesh'],
    ['Sergueï', 'Sergei'],
    ['Kharkiv', 'Kharkov'],
    ['Zelensky', 'Zelenski'],
    ['frégate', 'frigate'],
    ['artillerie', 'artillery'],
    ['munitions', 'munition'],
    ['organisation', 'organization'],
  ])('%s = %s', (a, b) => expect(wordKey(a)).toBe(wordKey(b)));

  it.each([
    ['Lecornu', 'Lecointre'],
    ['Rafale', 'Reaper'],
    ['Gao', 'Gaza'],
  ])('%s is not %s', (a, b) => expect(wordKey(a)).not.toBe(wordKey(b)));
});

describe('gist anchors', () => {
  it('names written mid-sentence are anchors in both languages, transliterated or not; a capital at a sentence start is not', () => {
    const fr = anchorsOf('Le ministre russe Sergueï Choïgou a inspecté les troupes. Selon Moscou, la visite a duré deux jours.', 'fr');
    const en = anchorsOf('Russian minister Sergei Shoigu inspected the troops. Moscow said the visit lasted two days.', 'en');
    expect(has(fr, anchorsOf('a visit by Sergei Shoigu', 'en'))).toBe(true);
    expect(has(en, anchorsOf('une visite de Sergueï Choïgou', 'fr'))).toBe(true);
    // "Selon" starts a sentence: no anchor of its own.
    expect(has(fr, anchorsOf('a word from Selon', 'en'))).toBe(false);
  });

  it('designations are anchors however they are written: F-35A and F35A, A400M, SAMP/T, an acronym the lexicon does not know', () => {
    const fr = anchorsOf("L'armée de l'Air a reçu un A400M et deux F-35A, puis une batterie SAMP/T et un CAESAR.", 'fr');
    for (const probe of ['one F35A', 'an A400M', 'the SAMP/T', 'a CAESAR']) expect(has(fr, anchorsOf(probe, 'en')), probe).toBe(true);
    expect(has(fr, anchorsOf('an F-35B', 'en'))).toBe(false);
  });

  it('acronyms the lexicon knows are one concept in both languages, not anchors (OTAN = NATO)', () => {
    const fr = gistOf('', "Les alliés de l'OTAN se réunissent.", 'fr');
    const en = gistOf('', 'NATO allies meet.', 'en');
    expect(shared(fr.body, en.body)).toBeGreaterThanOrEqual(1);
    expect(shared(fr.anchors, en.anchors)).toBe(0);
  });

  it('numbers (10 or more) and dates are anchors in their local formats; small counts and years are not', () => {
    const fr = gistOf('', 'Le 14 juin 2016, la DGA a commandé 10 000 obus pour 1,5 milliard d’euros et 3 radars.', 'fr');
    const en = gistOf('', 'On June 14, 2016, the DGA ordered 10,000 shells for €1.5 billion and three radars.', 'en');
    expect(shared(fr.figures, en.figures)).toBe(3);
    expect(fr.figures).toHaveLength(3);
    expect(fr.dates).toEqual(en.dates);
    expect(fr.dates).toHaveLength(1);
  });
});

const [FR_TITLE, FR_TEXT] = [minehunterFr.title, textOf(minehunterFr)];
const [EN_TITLE, EN_TEXT] = [minehunterEn.title, textOf(minehunterEn)];
// Another exercise in the same sea, another year: the same vocabulary, another event.
const OTHER_TEXT = `The Belgian Navy minehunter Narcis took part in NATO mine warfare exercise Baltops off Kiel, Germany, from June 6 to 18, 2023, alongside 40 allied ships.

Over the two weeks, the crew led by Lieutenant Commander Pieter Claes detected and neutralised 9 explosive devices from the Second World War, including a British ground mine of 700 kilos.

"Mine countermeasures remain a core skill of our navy," the commanding officer said, praising the divers of the Belgian clearance team.

Baltops has been held every year since 1972 in the Baltic Sea.`;

describe('compareGists', () => {
  const fr = gistOf(FR_TITLE, FR_TEXT, 'fr');
  const en = gistOf(EN_TITLE, EN_TEXT, 'en');

  it('a translation is the same story, both ways', () => {
    const v = compareGists(fr, en);
    expect(v).toMatchObject({ same: true, reason: null });
    expect(v.anchors).toBeGreaterThanOrEqual(5);
    expect(compareGists(en, fr).same).toBe(true);
  });

  it('another exercise in the same sea, told in the same words, is not: too few shared names and figures', () => {
    expect(compareGists(fr, gistOf('Belgian minehunter clears mines during Baltops', OTHER_TEXT, 'en'))).toMatchObject({ same: false, reason: 'anchors' });
  });

  it('the same ship in the same exercise two years later is not: no date agrees', () => {
    expect(compareGists(fr, gistOf(minehunterLaterEn.title, textOf(minehunterLaterEn), 'en'))).toMatchObject({ same: false, reason: 'dates' });
  });

  it('two texts in one language are never compared here (same-language copies are the fingerprint\'s)', () => {
    expect(compareGists(en, gistOf(EN_TITLE, EN_TEXT, 'en'))).toMatchObject({ same: false, reason: 'same-language' });
  });

  it('nor when a page declares the wrong language: the function words say which it is', () => {
    expect([fr.tongue, en.tongue]).toEqual([1, 2]);
    const mislabelled = gistOf(FR_TITLE, FR_TEXT.replace('14 engins', 'quatorze engins'), 'en');
    expect(mislabelled.tongue).toBe(fr.tongue);
    expect(compareGists(fr, mislabelled)).toMatchObject({ same: false, reason: 'same-language' });
    // Too few function words to tell: no opinion, the declared languages decide.
    expect(gistOf('', 'Rafale F4 : livraison.', 'fr').tongue).toBe(0);
  });

  it('a short text does not merge on its title: same title, another body', () => {
    const a = gistOf(EN_TITLE, 'The French Navy said a minehunter took part in an exercise in the Baltic Sea this week, with allied ships and divers.', 'en');
    const b = gistOf(FR_TITLE, "La Marine nationale indique qu'un chasseur de mines participe cette semaine à un exercice en mer Baltique avec des navires alliés.", 'fr');
    expect(a.words).toBeLessThan(60);
    expect(compareGists(a, b)).toMatchObject({ same: false, reason: 'anchors' });
  });

  it('a short translation with its names and figures still merges', () => {
    const a = gistOf('Open Spirit', "Le chasseur de mines Andromède a neutralisé 14 mines au large de Liepaja entre le 3 et le 14 mai, lors de l'exercice Open Spirit, a indiqué le capitaine de corvette Julien Marchetti.", 'fr');
    const b = gistOf('Open Spirit', 'Minehunter Andromède neutralised 14 mines off Liepaja between May 3 and 14 during Open Spirit, Lieutenant Commander Julien Marchetti said.', 'en');
    expect(Math.min(a.words, b.words)).toBeLessThan(60);
    expect(compareGists(a, b).same).toBe(true);
  });
});

describe('the lexicon matcher', () => {
  const matcher = lexiconTranslations();

  it('keeps a gist as bytes and reads it back the same', () => {
    const g = matcher.gist(FR_TITLE, FR_TEXT, 'fr');
    expect(matcher.decode(matcher.encode(g), 'fr')).toEqual(g);
    expect(decodeGist(encodeGist(g), 'fr')).toEqual(g);
    expect(() => decodeGist(encodeGist(g).subarray(0, 10), 'fr')).toThrow('ends too soon');
    // Bytes that do not start on a 4-byte boundary (a slice of a larger buffer) read the same.
    const bytes = encodeGist(g);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeGist(shifted.subarray(1), 'fr')).toEqual(g);
    // A damaged count (the anchors' here) is refused with the same error.
    const damaged = encodeGist(g);
    const anchorsAt = 8 + 2 * g.body.length + ((2 * g.body.length) % 4);
    new DataView(damaged.buffer).setUint32(anchorsAt, 0xfffffff0, true);
    expect(() => decodeGist(damaged, 'fr')).toThrow(`A gist of ${damaged.length} bytes ends too soon`);
  });

  it('covers French and English; indexes by its own language and looks up in the other', () => {
    expect(['fr', 'en', 'de'].map((l) => matcher.covers(l))).toEqual([true, true, false]);
    const fr = matcher.gist(FR_TITLE, FR_TEXT, 'fr');
    const en = matcher.gist(EN_TITLE, EN_TEXT, 'en');
    const frKeys = new Set(matcher.indexKeys(fr, 'fr'));
    expect(matcher.lookupKeys(en, 'en').some((k) => frKeys.has(k))).toBe(true);
    expect(matcher.indexKeys(en, 'en').some((k) => frKeys.has(k))).toBe(false);
  });

  it('gives the same gist once its word cache has been cleared, and keeps the body sorted and distinct', () => {
    const before = matcher.gist(FR_TITLE, FR_TEXT, 'fr');
    // 60,000 spellings never seen: past the cache's limit (25,000), so it is cleared on the way.
    const junk = Array.from({ length: 60_000 }, (_, i) => `mot${i.toString(36).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}x`);
    for (let i = 0; i < junk.length; i += 5_000) matcher.gist('', junk.slice(i, i + 5_000).join(' '), 'fr');
    const after = matcher.gist(FR_TITLE, FR_TEXT, 'fr');
    expect(after).toEqual(before);
    const body = [...after.body];
    expect(body.length).toBeGreaterThan(20);
    expect(body).toEqual([...new Set(body)].sort((a, b) => a - b));
  });

  it('gives the same gists from a cache cleared again and again within each text (16 spellings at most)', () => {
    const small = wordCache(frEnLexicon(), 16);
    const texts: Array<[string, string, string]> = [
      [FR_TITLE, FR_TEXT, 'fr'],
      [minehunterFr.title, textOf(minehunterFr), 'fr'],
      [minehunterEn.title, textOf(minehunterEn), 'en'],
      // Joined and elided words, phrases of several words, acronyms known and unknown, designations, names.
      ['Le porte-avions Charles-de-Gaulle appareille', "Le chef d'état-major des armées a rejoint le porte-avions Charles-de-Gaulle avec l'OTAN, la FREMM Normandie et deux Rafale M. L'armée de Terre et l'Armée de l'air et de l'espace ont engagé le SAMP/T et trois A400M, le 14 juin 2016.", 'fr'],
      ['Chief of the Defence Staff joins the carrier', 'The Chief of the Defence Staff joined the aircraft carrier Charles de Gaulle with NATO, the FREMM Normandie and two Rafale M. The French Army and the French Air and Space Force deployed the SAMP/T and three A400M on June 14, 2016.', 'en'],
    ];
    for (const [title, text, lang] of texts) expect(gistOf(title, text, lang, frEnLexicon(), small)).toEqual(gistOf(title, text, lang));
    expect(() => wordCache(frEnLexicon(), 0)).toThrow('limit must be an integer >= 1, got 0');
  });

  it('reads a language tag by its primary subtag', () => {
    expect([primaryLang('fr-FR'), primaryLang('EN'), primaryLang('en_GB'), primaryLang(''), primaryLang(null), primaryLang('français')]).toEqual(['fr', 'en', 'en', null, null, null]);
  });
});

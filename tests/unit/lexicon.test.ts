// The bilingual lexicon: its TSV parsed strictly (an error names the file and line), forms folded so that either
// language's spelling finds the same concept, phrases through the trie; and the shipped file parses.
import { describe, expect, it } from 'vitest';
import { frEnLexicon } from '../../src/dedupe/fr-en-lexicon.ts';
import { foldPhrase, parseLexicon } from '../../src/dedupe/lexicon.ts';

const TSV = ['# a comment', '', 'org\totan\tnato', "service\tarmée de terre\tfrench army|army", 'vessel\tfrégate|frégates\tfrigate|frigates'].join('\n');

describe('parseLexicon', () => {
  it('maps both languages\' forms, folded, to one concept per line', () => {
    const lexicon = parseLexicon(TSV);
    expect(lexicon.size).toBe(3);
    expect(lexicon.lookup('otan')).toEqual(lexicon.lookup('nato'));
    expect(lexicon.lookup(foldPhrase('Frégate'))).toEqual([{ id: 2, category: 'vessel' }]);
    expect(lexicon.lookup('frigates')).toEqual([{ id: 2, category: 'vessel' }]);
    expect(lexicon.lookup('corvette')).toBeUndefined();
  });

  it('finds phrases of several words through its trie', () => {
    const lexicon = parseLexicon(TSV);
    const start = lexicon.phrase('armee')!;
    expect(start.next!.get('de')!.next!.get('terre')!.entries).toEqual([{ id: 1, category: 'service' }]);
    expect(lexicon.phrase('french')!.next!.get('army')!.entries).toEqual([{ id: 1, category: 'service' }]);
    expect(lexicon.phrase('otan')).toBeUndefined();
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseLexicon('org\totan', 'fr-en.tsv')).toThrow('fr-en.tsv:1: expected 3 TAB-separated fields, got 2');
    expect(() => parseLexicon('# x\nweapon\tobus\tshell\nthing\ta\tb', 'fr-en.tsv')).toThrow('fr-en.tsv:3: unknown category "thing"');
    expect(() => parseLexicon('noun\ta||b\tc', 'fr-en.tsv')).toThrow('fr-en.tsv:1: empty form in "a||b"');
    expect(() => parseLexicon('noun\tun deux trois quatre cinq\tx', 'fr-en.tsv')).toThrow('has more than 4 words');
  });

  it('the shipped French-English lexicon parses, and knows the vocabulary both ways', () => {
    const lexicon = frEnLexicon();
    expect(lexicon.size).toBeGreaterThan(1_000);
    const pairs: Array<[string, string]> = [['otan', 'nato'], ['fregate', 'frigate'], ['sous marin', 'submarine'], ['moscou', 'moscow'], ['livraison', 'delivery']];
    for (const [fr, en] of pairs) {
      const a = lexicon.lookup(fr)?.map((e) => e.id);
      expect(a, fr).toBeDefined();
      expect(lexicon.lookup(en)?.map((e) => e.id).some((id) => a!.includes(id)), `${fr} = ${en}`).toBe(true);
    }
  });
});

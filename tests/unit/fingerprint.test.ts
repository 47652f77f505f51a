import { describe, expect, it } from 'vitest';
import {
  ANCHORS,
  BANDS,
  bestMatch,
  compareArticles,
  exactHash,
  fingerprint,
  hamming,
  isNear,
  lookupKeys,
  measureArticles,
  MAX_NUMBERS,
  MIN_CONTAINMENT,
  MIN_NUMBER_AGREEMENT,
  MIN_NUMBERS,
  numberAgreement,
  NEAR_DUPLICATE_MAX_DISTANCE,
  normaliseText,
  SHORT_TEXT_TOKENS,
  simhash64,
  simhashBands,
  simhashFromHex,
  simhashToHex,
  SKETCH_SIZE,
  sketchFromBytes,
  sketchToBytes,
  tokenise,
  type Fingerprint,
} from '../../src/dedupe/fingerprint.ts';
import { scanWords } from '../../src/dedupe/normalise-text.ts';
import type { NewsArticle } from '../../src/demo/news-site.ts';
import { editedLead, mineWarfareStories, stories, templatedNotices } from '../fixtures/stories.ts';

const bodyOf = (a: NewsArticle): string => [...(a.lead === undefined ? [] : [a.lead]), ...a.paragraphs].join('\n\n');
const fpOf = (a: NewsArticle): Fingerprint => fingerprint(a.title, bodyOf(a));
const cutTo70 = (text: string): string => {
  const words = text.split(' ');
  return words.slice(0, Math.ceil(words.length * 0.7)).join(' ');
};

describe('normaliseText', () => {
  it('folds case, whitespace, punctuation and quote styles', () => {
    expect(normaliseText('  The NAVY’s  “new”\tradar —\n\nsaid: «OK»!  ')).toBe('the navy s new radar said ok');
    expect(normaliseText("l'armée")).toBe(normaliseText('l’armée'));
    expect(normaliseText('1,500 troops (approx.)')).toBe('1 500 troops approx');
  });

  it('applies NFKC: ligatures and full-width forms', () => {
    expect(normaliseText('ﬁeld ＮＡＴＯ')).toBe('field nato');
  });

  it('folds Latin diacritics but keeps Indic vowel signs', () => {
    expect(normaliseText('Défense ÉTÉ Ærø')).toBe('defense ete ærø');
    expect(normaliseText('Zürich')).toBe(normaliseText('Zurich'));
    expect(tokenise('रक्षा मंत्रालय')).toEqual(['रक्षा', 'मंत्रालय']);
  });

  it('makes each Han, kana or Thai character a word', () => {
    expect(tokenise('防衛省は発表した')).toEqual(['防', '衛', '省', 'は', '発', '表', 'し', 'た']);
    expect(tokenise('NATO演習 2026')).toEqual(['nato', '演', '習', '2026']);
  });

  it('gives nothing for text without words', () => {
    expect(normaliseText(' — … ! ')).toBe('');
    expect(tokenise('')).toEqual([]);
  });
});

describe('exactHash', () => {
  it('is the hex sha-256 of the normalised text', () => {
    expect(exactHash('Hello, World')).toMatch(/^[0-9a-f]{64}$/);
    expect(exactHash('hello world')).toBe(exactHash('HELLO,   world!'));
  });

  it('is equal for copies that differ only in case, spacing, quotes and punctuation', () => {
    const text = bodyOf(stories[0] as NewsArticle);
    const reencoded = text.replace(/’/g, "'").replace(/“|”/g, '"').replace(/\n\n/g, '\n \n').toUpperCase();
    expect(exactHash(reencoded)).toBe(exactHash(text));
  });

  it('differs when one word differs', () => {
    expect(exactHash('the navy ordered twelve ships')).not.toBe(exactHash('the navy ordered eleven ships'));
  });
});

describe('simhash64, hamming, simhashBands', () => {
  const text = bodyOf(stories[2] as NewsArticle);

  it('is a deterministic 64-bit value with the title folded in', () => {
    const h = simhash64('Four Nations Take Over Baltic Air Policing', text);
    expect(typeof h).toBe('bigint');
    expect(h >= 0n && h < 1n << 64n).toBe(true);
    expect(simhash64('Four Nations Take Over Baltic Air Policing', text)).toBe(h);
    expect(simhash64('FOUR NATIONS TAKE OVER BALTIC AIR POLICING', text)).toBe(h);
    expect(simhash64('A different headline about submarines', text)).not.toBe(h);
    expect(hamming(simhash64('A different headline about submarines', text), h)).toBeLessThan(8);
  });

  it('round-trips through 16 hex digits', () => {
    const h = simhash64('t', text);
    expect(simhashToHex(h)).toMatch(/^[0-9a-f]{16}$/);
    expect(simhashFromHex(simhashToHex(h))).toBe(h);
    expect(simhashToHex(1n)).toBe('0000000000000001');
    expect(() => simhashFromHex('xyz')).toThrow();
  });

  it('counts differing bits', () => {
    expect(hamming(0n, 0n)).toBe(0);
    expect(hamming(0n, 0xffn)).toBe(8);
    expect(hamming(1n << 63n, 0n)).toBe(1);
    expect(hamming(0xffffffffffffffffn, 0n)).toBe(64);
    expect(hamming(0x0f0f0f0f0f0f0f0fn, 0xf0f0f0f0f0f0f0f0n)).toBe(64);
  });

  it('cuts the hash into BANDS named bands; one flipped bit changes exactly one key', () => {
    const h = simhash64('t', text);
    const keys = simhashBands(h);
    expect(keys).toHaveLength(BANDS);
    keys.forEach((k, i) => expect(k).toMatch(new RegExp(`^b${i}:[0-9a-f]+$`)));
    for (const bit of [0, 17, 40, 63]) {
      const other = simhashBands(h ^ (1n << BigInt(bit)));
      expect(other.filter((k, i) => k !== keys[i])).toHaveLength(1);
    }
    expect(simhashBands(0n, 4)).toEqual(['b0:0', 'b1:0', 'b2:0', 'b3:0']);
    expect(simhashBands(0xffffffffffffffffn, 4)).toEqual(['b0:ffff', 'b1:ffff', 'b2:ffff', 'b3:ffff']);
  });
});

describe('sketch', () => {
  it('keeps the smallest distinct shingle hashes, ascending, and round-trips through bytes', () => {
    const fp = fingerprint('t', bodyOf(stories[0] as NewsArticle));
    expect(fp.sketch.length).toBe(SKETCH_SIZE);
    for (let i = 1; i < fp.sketch.length; i++) expect(fp.sketch[i] as number).toBeGreaterThan(fp.sketch[i - 1] as number);
    expect([...sketchFromBytes(sketchToBytes(fp.sketch))]).toEqual([...fp.sketch]);
    expect(sketchToBytes(fp.sketch)).toHaveLength(SKETCH_SIZE * 4);
    expect([...sketchToBytes(Uint32Array.of(0x01020304))]).toEqual([4, 3, 2, 1]);
    expect(() => sketchFromBytes(new Uint8Array(3))).toThrow();
  });

  it('keeps every shingle of a short text', () => {
    const fp = fingerprint('t', 'one two three four five six');
    expect(fp.shingleCount).toBe(4);
    expect(fp.sketch.length).toBe(4);
  });
});

describe('compareArticles: near copies', () => {
  const article = stories[0] as NewsArticle;
  const body = bodyOf(article);
  const original = fpOf(article);

  it.each([
    ['edited lead and source line', (a: NewsArticle) => bodyOf(editedLead(a))],
    ['added source line', (a: NewsArticle) => `${bodyOf(a)}\n\nSource: U.S. Department of Defense`],
    [
      'boilerplate leftovers',
      (a: NewsArticle) =>
        `Share this article\n\nAdvertisement\n\n${bodyOf(a)}\n\nSubscribe to our newsletter.\n\nRelated articles\n\nComments are closed.`,
    ],
    ['truncation to the first 70%', (a: NewsArticle) => cutTo70(bodyOf(a))],
    ['edited lead, then truncated', (a: NewsArticle) => cutTo70(bodyOf(editedLead(a)))],
  ])('%s: near for every fixture story', (_name, variant) => {
    for (const a of [...stories, ...mineWarfareStories]) {
      const c = compareArticles(fpOf(a), fingerprint(a.title, variant(a)));
      expect(c.near, a.slug).toBe(true);
      expect(c.containment, a.slug).toBeGreaterThanOrEqual(MIN_CONTAINMENT);
    }
  });

  it('re-encoded quotes and a title in capitals are an exact copy', () => {
    const c = compareArticles(original, fingerprint(article.title.toUpperCase(), body.replace(/’/g, "'")));
    expect(c).toEqual({ near: true, distance: 0, containment: 1 });
  });

  it('a near copy shares at least one lookup key with its original', () => {
    for (const a of stories) {
      const keys = new Set(lookupKeys(fpOf(a)));
      for (const text of [bodyOf(editedLead(a)), cutTo70(bodyOf(a))]) {
        expect(lookupKeys(fingerprint(a.title, text)).some((k) => keys.has(k)), a.slug).toBe(true);
      }
    }
  });
});

describe('compareArticles: distinct stories', () => {
  it('keeps two mine-warfare stories of the same week apart', () => {
    const [a, b] = mineWarfareStories;
    expect(compareArticles(fpOf(a), fpOf(b)).near).toBe(false);
  });

  it('keeps two contract notices sharing their template paragraph apart', () => {
    const [a, b] = templatedNotices;
    const m = measureArticles(fpOf(a), fpOf(b));
    expect(m.containment).toBeGreaterThan(0.3);
    expect(m.containment).toBeLessThan(MIN_CONTAINMENT);
    expect(compareArticles(fpOf(a), fpOf(b)).near).toBe(false);
    // Still apart with a loose distance: containment is what separates them.
    expect(compareArticles(fpOf(a), fpOf(b), { maxDistance: 64, minContainment: MIN_CONTAINMENT, minNumberAgreement: 0 }).near).toBe(false);
  });

  it('keeps every pair of distinct fixture stories apart', () => {
    const all = [...stories, ...mineWarfareStories, ...templatedNotices].map(fpOf);
    for (let i = 0; i < all.length; i++) {
      for (let j = 0; j < i; j++) expect(compareArticles(all[i] as Fingerprint, all[j] as Fingerprint).near).toBe(false);
    }
  });

  it('an article quoting a few paragraphs of another is not a copy of it', () => {
    const [a, b] = [stories[0] as NewsArticle, stories[2] as NewsArticle];
    const mixed = [...b.paragraphs, ...a.paragraphs.slice(0, 1)].join('\n\n');
    expect(compareArticles(fpOf(a), fingerprint(b.title, mixed)).near).toBe(false);
  });
});

describe('compareArticles at the threshold boundaries', () => {
  /** Synthetic fingerprints with a controlled distance and containment (sketches hold every shingle). */
  const synthetic = (simhash: bigint, shingles: number[], tokens = 200): Fingerprint => ({
    exactHash: `h${shingles.join(',')}`,
    titleKey: 'same',
    simhash,
    tokenCount: tokens,
    shingleCount: shingles.length,
    sketch: Uint32Array.from(shingles).sort(),
    numbers: [],
  });
  const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
  const flip = (h: bigint, bits: number): bigint => {
    let out = h;
    for (let b = 0; b < bits; b++) out ^= 1n << BigInt(b * 3);
    return out;
  };
  const base = 0x0123456789abcdefn;
  const a = synthetic(base, range(1000, 100));

  it(`near at distance ${NEAR_DUPLICATE_MAX_DISTANCE}, not at ${NEAR_DUPLICATE_MAX_DISTANCE + 1}`, () => {
    const b = synthetic(flip(base, NEAR_DUPLICATE_MAX_DISTANCE), range(1000, 99));
    const c = synthetic(flip(base, NEAR_DUPLICATE_MAX_DISTANCE + 1), range(1000, 99));
    expect(compareArticles(a, b)).toMatchObject({ near: true, distance: NEAR_DUPLICATE_MAX_DISTANCE, containment: 1 });
    expect(compareArticles(a, c)).toMatchObject({ near: false, distance: NEAR_DUPLICATE_MAX_DISTANCE + 1 });
  });

  it(`near at containment ${MIN_CONTAINMENT}, not just below`, () => {
    const shared = Math.round(MIN_CONTAINMENT * 100);
    const at = synthetic(flip(base, 2), [...range(1000, shared), ...range(5000, 100 - shared)]);
    const below = synthetic(flip(base, 2), [...range(1000, shared - 1), ...range(5000, 101 - shared)]);
    expect(compareArticles(a, at)).toMatchObject({ near: true, containment: shared / 100 });
    expect(compareArticles(a, below)).toMatchObject({ near: false, containment: (shared - 1) / 100 });
  });

  it('containment is measured on the smaller text: a copy cut to 70% is contained whole', () => {
    const cut = synthetic(flip(base, 4), range(1000, 70));
    expect(compareArticles(a, cut)).toMatchObject({ near: true, containment: 1 });
  });

  it(`below ${SHORT_TEXT_TOKENS} words only an exact body with the same title merges`, () => {
    const shortA = synthetic(base, range(1000, 30), SHORT_TEXT_TOKENS - 1);
    const shortB = synthetic(base, range(1000, 30), SHORT_TEXT_TOKENS - 1);
    expect(compareArticles(shortA, { ...shortB, exactHash: 'other' }).near).toBe(false);
    expect(compareArticles(shortA, shortB).near).toBe(true);
    expect(compareArticles(shortA, { ...shortB, titleKey: 'other' }).near).toBe(false);
    const atLimit = synthetic(base, range(1000, 30), SHORT_TEXT_TOKENS);
    expect(compareArticles(atLimit, { ...atLimit, exactHash: 'other', titleKey: 'other' }).near).toBe(true);
  });

  it('an empty body matches nothing, not even another empty body', () => {
    const empty = fingerprint('Communiqué', '');
    expect(empty.exactHash).toBeNull();
    expect(compareArticles(empty, fingerprint('Communiqué', '')).near).toBe(false);
    expect(lookupKeys(empty)).toEqual([]);
  });

  it('isNear on measureArticles agrees with compareArticles', () => {
    const fps = [...stories.slice(0, 6), ...templatedNotices].flatMap((s) => [fpOf(s), fingerprint(s.title, bodyOf(editedLead(s)))]);
    for (const x of fps) {
      for (const y of fps) {
        for (const rule of [
          undefined,
          { maxDistance: 6, minContainment: 0.9, minNumberAgreement: 0.8 },
          { maxDistance: 30, minContainment: 0.3, minNumberAgreement: 0 },
          { maxDistance: 64, minContainment: 0.3, minNumberAgreement: 1 },
        ]) {
          expect(isNear(measureArticles(x, y), rule)).toBe(compareArticles(x, y, rule).near);
        }
      }
    }
  });
});

describe('figures', () => {
  it('keeps the first distinct numbers of the body, in text order', () => {
    const fp = fingerprint('t', 'In 2026 the navy ordered 12 ships, 12 more in 2027, for 1,500 million euros.');
    expect(fp.numbers).toEqual(['2026', '12', '2027', '1', '500']);
    const many = fingerprint('t', Array.from({ length: 50 }, (_, i) => `item ${i}`).join(' '));
    expect(many.numbers).toHaveLength(MAX_NUMBERS);
    expect(many.numbers[0]).toBe('0');
  });

  it('agreement is the share of the smaller list found in the other, 1 without enough numbers', () => {
    expect(numberAgreement(['1', '2', '3', '4', '5'], ['1', '2', '3', '4', '9'])).toBe(0.8);
    expect(numberAgreement(['1', '2', '3'], ['1', '2', '3', '4', '5', '6'])).toBe(1);
    expect(numberAgreement(['1', '2'], ['7', '8', '9'])).toBe(1);
    expect(MIN_NUMBERS).toBe(3);
  });

  const notice = templatedNotices[0];
  const body = bodyOf(notice);

  it('keeps apart two notices that differ only in their figures', () => {
    const other = body.replace('48,600,000', '31,250,000').replace('September 2029', 'March 2031').replace('Fiscal 2027', 'Fiscal 2026');
    const m = measureArticles(fpOf(notice), fingerprint(notice.title, other));
    expect(m.containment).toBeGreaterThanOrEqual(MIN_CONTAINMENT);
    expect(m.numbers).toBeLessThan(MIN_NUMBER_AGREEMENT);
    expect(compareArticles(fpOf(notice), fingerprint(notice.title, other)).near).toBe(false);
  });

  it('still joins a copy of the notice that adds a dated source line', () => {
    const copy = `${body}\n\nSource: U.S. Department of Defense, Nov. 25, 2026`;
    expect(compareArticles(fpOf(notice), fingerprint(notice.title, copy)).near).toBe(true);
  });

  it(`near at agreement ${MIN_NUMBER_AGREEMENT}, not below`, () => {
    const base = fingerprint('t', bodyOf(stories[0] as NewsArticle));
    const withNumbers = (numbers: string[]): Fingerprint => ({ ...base, exactHash: numbers.join(), numbers });
    const a = withNumbers(['1', '2', '3', '4', '5']);
    expect(compareArticles(a, withNumbers(['1', '2', '3', '4', '9'])).near).toBe(true);
    expect(compareArticles(a, withNumbers(['1', '2', '3', '8', '9'])).near).toBe(false);
    expect(compareArticles(a, withNumbers(['8', '9'])).near).toBe(true);
  });
});

describe('lookupKeys and bestMatch', () => {
  it('indexes a long text under BANDS simhash bands and ANCHORS sketch anchors, a short one under none', () => {
    const keys = lookupKeys(fpOf(stories[0] as NewsArticle));
    expect(keys.filter((k) => k.startsWith('b'))).toHaveLength(BANDS);
    expect(keys.filter((k) => k.startsWith('a:'))).toHaveLength(ANCHORS);
    expect(lookupKeys(fingerprint('t', 'Too short to be indexed.'))).toEqual([]);
  });

  it('prefers the candidate with the highest containment, then the smaller distance', () => {
    const a = stories[0] as NewsArticle;
    const fp = fpOf(a);
    const exact = fingerprint(a.title, bodyOf(a));
    const near = fingerprint(a.title, bodyOf(editedLead(a)));
    const unrelated = fpOf(stories[3] as NewsArticle);
    const pick = bestMatch(fp, [
      { id: 1, fingerprint: unrelated },
      { id: 2, fingerprint: near },
      { id: 3, fingerprint: exact },
    ]);
    expect(pick?.candidate.id).toBe(3);
    expect(bestMatch(fp, [{ id: 1, fingerprint: unrelated }])).toBeNull();
  });
});

describe('scanWords', () => {
  it('gives the same words and hashes on the ASCII fast path as on the general path', () => {
    const ascii = `${bodyOf(stories[2] as NewsArticle).replace(/[^\x00-\x7f]/g, ' ')} In 2026, 12 ships; F-35 007.`;
    // The same text with one non-ASCII letter added takes the general path: its words must be the ASCII ones plus it.
    const fast = scanWords(ascii);
    const slow = scanWords(`${ascii} ж`);
    expect(slow.normal).toBe(`${fast.normal} ж`);
    expect([...slow.hashes.slice(0, -1)]).toEqual([...fast.hashes]);
    expect(slow.digits).toEqual(fast.digits);
    expect(fast.digits.slice(-4)).toEqual(['2026', '12', '35', '007']);
    expect(fast.hashes.length).toBe(fast.normal.split(' ').length);
    expect(scanWords('  ,;  ')).toEqual({ normal: '', digits: [], hashes: new Uint32Array(0) });
    expect(scanWords('A-b “c” d’e').normal).toBe('a b c d e');
  });

  it('folds Latin letters one at a time exactly as the general path folds the whole text', () => {
    const latin = 'Le ministère des Armées — ½ des 1²3 Ŀa navires ĲSSEL Straße, Łódź, İzmir: «ça» ſ ǅ 2026';
    const fast = scanWords(latin);
    const slow = scanWords(`${latin} ж`);
    expect(slow.normal).toBe(`${fast.normal} ж`);
    expect(fast.normal).toBe('le ministere des armees 1 2 des 123 l a navires ijssel straße łodz izmir ca s dz 2026');
    expect([...slow.hashes.slice(0, -1)]).toEqual([...fast.hashes]);
    expect(slow.digits).toEqual(fast.digits);
    expect(fast.digits).toEqual(['1', '2', '123', '2026']);
  });

  it('gives one hash per word in unspaced scripts, where every character is a word', () => {
    const text = '防衛省は発表した。'.repeat(20);
    const { normal, hashes } = scanWords(text);
    expect(hashes.length).toBe(normal.split(' ').length);
    expect(hashes.length).toBe(160);
  });
});

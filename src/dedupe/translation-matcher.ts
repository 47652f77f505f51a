import { gistOf, type Gist } from './gist.ts';
import { compareGists, TRANSLATION_RULE, type TranslationRule, type TranslationVerdict } from './translation-rule.ts';

/**
 * What the store asks of a cross-language matcher: a gist of each article (kept as bytes), the keys to index it
 * under and to look its translations up by, and a verdict on two gists. The shipped one works from a bilingual
 * lexicon, spelling keys and anchors; a local multilingual embedding model could implement the same interface
 * (its gist a vector, its keys LSH buckets) without the store or the claim changing.
 */
export interface TranslationMatcher<G = unknown> {
  /** Whether articles in this language (a primary subtag: `fr`) can be compared across languages. */
  covers(lang: string): boolean;
  gist(title: string, text: string, lang: string): G;
  encode(gist: G): Uint8Array;
  /** The gist back from its bytes: it must judge as the gist encoded did (the store keeps a claimed article's gist as computed). */
  decode(bytes: Uint8Array, lang: string): G;
  /** Keys to index the article under: safe integers. */
  indexKeys(gist: G, lang: string): number[];
  /** Keys under which its translations into the other covered languages are indexed. */
  lookupKeys(gist: G, lang: string): number[];
  compare(a: G, b: G): TranslationVerdict;
}

/** Anchors indexed per article: the smallest hashes (a bottom-k sample, the same for copies sharing anchors). */
export const GIST_KEYS = 6;
const LANGS = ['fr', 'en'];

/** The French-English matcher over the shipped lexicon. */
export function lexiconTranslations(rule: TranslationRule = TRANSLATION_RULE): TranslationMatcher<Gist> {
  // A key is the language's number above the anchor's 32-bit hash: one language's keys never meet another's.
  const keysOf = (g: Gist, lang: string, out: number[] = []) => {
    const high = (LANGS.indexOf(lang) + 1) * 0x100000000;
    for (let i = 0; i < Math.min(GIST_KEYS, g.anchors.length); i++) out.push(high + g.anchors[i]!);
    return out;
  };
  return {
    covers: (lang) => LANGS.includes(lang),
    gist: (title, text, lang) => gistOf(title, text, lang),
    encode: encodeGist,
    decode: decodeGist,
    indexKeys: (g, lang) => keysOf(g, lang),
    lookupKeys: (g, lang) => {
      const out: number[] = [];
      for (const l of LANGS) if (l !== lang) keysOf(g, l, out);
      return out;
    },
    compare: (a, b) => compareGists(a, b, rule),
  };
}

/** The primary language subtag, lower-cased (`fr-FR` -> `fr`), or null. */
export function primaryLang(lang: string | null | undefined): string | null {
  const m = /^([a-z]{2,3})(?:[-_]|$)/i.exec(lang ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

const PARTS = ['anchors', 'figures', 'dates'] as const;

/**
 * Little-endian: the word count (its top 4 bits the tongue), the 16-bit body's length and values (padded to 4 bytes),
 * then each 32-bit list.
 */
export function encodeGist(g: Gist): Uint8Array {
  const bodyBytes = 2 * g.body.length + ((2 * g.body.length) % 4);
  const size = 8 + bodyBytes + PARTS.reduce((n, p) => n + 4 + 4 * g[p].length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (Math.min(g.words, 0x0fffffff) | (g.tongue << 28)) >>> 0, true);
  view.setUint32(4, g.body.length, true);
  let at = 8;
  for (const h of g.body) {
    view.setUint16(at, h, true);
    at += 2;
  }
  at = 8 + bodyBytes;
  for (const p of PARTS) {
    view.setUint32(at, g[p].length, true);
    at += 4;
    for (const h of g[p]) {
      view.setUint32(at, h, true);
      at += 4;
    }
  }
  return out;
}

export function decodeGist(bytes: Uint8Array, lang: string): Gist {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const fail = () => new Error(`A gist of ${bytes.length} bytes ends too soon`);
  if (bytes.length < 8) throw fail();
  const head = view.getUint32(0, true);
  const words = head & 0x0fffffff;
  const tongue = head >>> 28;
  const bodyLength = view.getUint32(4, true);
  const bodyBytes = 2 * bodyLength + ((2 * bodyLength) % 4);
  if (8 + bodyBytes > bytes.length) throw fail();
  const body = new Uint16Array(bodyLength);
  for (let i = 0; i < bodyLength; i++) body[i] = view.getUint16(8 + 2 * i, true);
  let at = 8 + bodyBytes;
  const read = () => {
    if (at + 4 > bytes.length) throw fail();
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const [anchors, figures, dates] = PARTS.map(() => {
    const n = read();
    // Checked before allocating: a damaged count must not ask for gigabytes.
    if (at + 4 * n > bytes.length) throw fail();
    const list = new Uint32Array(n);
    for (let i = 0; i < n; i++) list[i] = read();
    return list;
  }) as [Uint32Array, Uint32Array, Uint32Array];
  return { lang, words, tongue, body, anchors, figures, dates };
}

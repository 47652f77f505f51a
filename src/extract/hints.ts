/*
 * Class/id and wording hints, French and English. They are generic vocabulary of page furniture, never
 * names from particular sites.
 */
import { boundedMemo } from '../config/bounded-memo.ts';

/** Furniture whatever else the class says: `comment-content` is a comment, not the article. */
const STRONG_NEGATIVE =
  /caption|related|comment(?!ary)|breadcrumb|newsletter|cookie|consent|gdpr|promo|sponsor|advert|popup|subscri|signup|sign-up|outbrain|taboola|recommend|partage|similaire|sharing|share|trending|popular|most-read|mostread|lire-aussi|voir-aussi|a-lire|alire|en-relation|more-stories|morestories|disclaimer|copyright|byline|tooltip|login|skip-link|screen-reader|sr-only|visually-hidden|visuallyhidden|offscreen|print-only|jump-link|keywords|newsfeed/;

/** Furniture unless the class also says article/content (`article-body pagination-first` is the body). */
const WEAK_NEGATIVE = /social|credit|read-more|readmore|author|widget|ticker|carousel|slider|sidebar|side-bar|footer|navbar|navigation|menu|masthead|pagination|pager|toolbar|rating|dropdown|tags|categories|gallery-nav/;

/** Short words that only count as a whole segment of a class/id (`ad`, `ad-slot`, but not `head` or `read`). */
const STRONG_SEGMENTS = new Set([
  'ad', 'ads', 'adv', 'adslot', 'advert', 'pub', 'publicite', 'share', 'dfp', 'gpt', 'cta', 'newsletter', 'follow',
  'suivez', 'related', 'bio', 'modal', 'overlay',
]);
const WEAK_SEGMENTS = new Set([
  'nav', 'foot', 'pied', 'tag', 'meta', 'links', 'liens', 'banner', 'extra', 'aside', 'sticky', 'rail', 'aux',
  'complementary', 'sidebar', 'masthead', 'topbar', 'bottombar', 'subnav', 'credits', 'more', 'next', 'prev',
  'previous', 'signature', 'info', 'infos', 'date', 'time',
]);

const POSITIVE_ANYWHERE =
  /article|story|entry-content|entry-body|entrycontent|post-content|postcontent|post-body|postbody|post-text|blog-post|main-content|maincontent|page-content|contenu|texte|corps|chapo|chapeau|content-body|body-text|bodytext|text-body|richtext|rich-text|prose|embed/;

const POSITIVE_SEGMENTS = new Set(['content', 'text', 'body', 'main', 'post', 'entry', 'lead', 'intro', 'story', 'article']);

const SEGMENT_SPLIT = /[^a-z0-9]+/;

/** Splits camelCase before lower-casing so `relatedPosts` yields `related`, `posts`. */
function segmentsOf(value: string): string[] {
  return value.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase().split(SEGMENT_SPLIT);
}

/**
 * -2: surely furniture (comments, sharing, cookies, ads), -1: probably furniture (sidebar, footer, menu),
 * 1: article-like, 0: no clue, or both positive and weak negative, which cancel.
 */
export function classHint(className: string | undefined, id: string | undefined): -2 | -1 | 0 | 1 {
  if (!className && !id) return 0;
  // No pattern spans a space, so the hint of "class id" follows from the words of each, read apart:
  // no string is built, and a class shared by many elements that also carry an id is read once.
  const words = (className ? wordsOf(className) : 0) | (id ? wordsOf(id) : 0);
  if ((words & STRONG) !== 0) return -2;
  const weak = (words & WEAK) !== 0;
  if ((words & POSITIVE) !== 0) return weak ? 0 : 1;
  return weak ? -1 : 0;
}

const STRONG = 1;
const WEAK = 2;
const POSITIVE = 4;

// Class strings repeat across a page and across a site's pages; the cache only has to stay bounded.
const wordsOf = boundedMemo(20_000, computeWords);

function computeWords(raw: string): number {
  const lower = raw.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  if (STRONG_NEGATIVE.test(lower)) return STRONG;
  const segments = segmentsOf(raw);
  let weak = WEAK_NEGATIVE.test(lower);
  for (const s of segments) {
    if (STRONG_SEGMENTS.has(s)) return STRONG;
    if (WEAK_SEGMENTS.has(s)) weak = true;
  }
  let positive = POSITIVE_ANYWHERE.test(lower);
  if (!positive) for (const s of segments) if (POSITIVE_SEGMENTS.has(s)) positive = true;
  return (weak ? WEAK : 0) | (positive ? POSITIVE : 0);
}

/** Headings that introduce furniture rather than article sections. */
const FURNITURE_HEADING = new RegExp(
  '^(?:' +
    [
      'derni[eè]re?s? (?:articles?|actualit[eé]s|nouvelles|infos?|publications|news|d[eé]p[eê]ches)',
      'articles? (?:r[eé]cents?|similaires|li[eé]s|associ[eé]s|populaires)',
      '[aà] lire (?:aussi|[eé]galement|ensuite)',
      'lire (?:aussi|[eé]galement|la suite)',
      'voir aussi',
      'sur le m[eê]me (?:sujet|th[eè]me)',
      'dans la m[eê]me rubrique',
      'les plus (?:lus|populaires|partag[eé]s|comment[eé]s)',
      'les derni[eè]res',
      '(?:laisser|laissez|[eé]crire|ajouter) un commentaire',
      'commentaires?',
      'r[eé]agir',
      'r[eé]actions?',
      'partager(?: cet article| sur)?',
      'suivez[- ]nous',
      'abonnez[- ]vous',
      "inscrivez[- ]vous(?: [aà] (?:la|notre) newsletter)?",
      'en continu',
      'nos partenaires',
      'mots[- ]cl[eé]s',
      'tags?',
      'latest(?: (?:articles?|news|stories|posts|headlines|videos|updates))?',
      'recent (?:articles?|posts|news|stories|comments)',
      'related(?: (?:articles?|stories|posts|content|news|coverage|links|topics|reading|videos))?',
      'read (?:more|next|also)',
      'more (?:stories|news|articles|headlines|from|on|in|like this|to read|top stories)\\b.*',
      'you (?:may|might) (?:also )?(?:like|enjoy|be interested in)',
      'recommended(?: for you| stories| articles| reading)?',
      'most (?:popular|read|viewed|shared|emailed|commented)',
      'trending(?: now| stories| news)?',
      'popular(?: posts| stories| articles| now)?',
      'top (?:stories|news|headlines)',
      "editor'?s'? picks",
      'what to read next',
      'see also',
      'see more',
      "don'?t miss(?: this)?",
      'ne manquez pas',
      'more on this(?: story| topic)?',
      '(?:\\d+ )?comments?',
      'leave a (?:comment|reply)',
      'join the (?:conversation|discussion)',
      'share(?: this)?(?: (?:article|story|post|page))?(?: on)?',
      'follow us(?: on)?',
      'sign up(?: for)?.*newsletter.*',
      'subscribe(?: to)?.*',
      'newsletter',
      'topics',
      'about the author',
      'sponsored(?: content| stories)?',
      'around the web',
      'from our partners',
    ].join('|') +
    ')$',
);

const HEADING_NORMALISE = /[\s\u00a0]+/g;
const HEADING_PUNCT = /[«»"“”:!?.…|›»>\-–—]+/g;

export function isFurnitureHeading(text: string): boolean {
  if (text.length > 60) return false;
  const t = text.toLowerCase().replace(HEADING_PUNCT, ' ').replace(HEADING_NORMALISE, ' ').trim().replace(/’/g, "'");
  return t.length > 0 && FURNITURE_HEADING.test(t);
}

import type { PageFacts } from './analyse-page.ts';

export interface PageMeta {
  titleCandidates: { h1: string | null; og: string | null; ld: string | null; document: string | null; site: string | null };
  lang: string | null;
  publishedAt: string | null;
  byline: string | null;
  canonicalUrl: string | null;
}

interface LdFacts {
  headline: string | null;
  published: string | null;
  authors: string[];
  url: string | null;
  lang: string | null;
}

const ARTICLE_TYPE = /article|posting|report|story|newsarticle|webpage|creativework/i;

function asString(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  return null;
}

function authorNames(v: unknown, out: string[]): void {
  if (typeof v === 'string') {
    if (!/^https?:/i.test(v) && v.trim()) out.push(v.trim());
  } else if (Array.isArray(v)) {
    for (const a of v) authorNames(a, out);
  } else if (v && typeof v === 'object') {
    const name = asString((v as Record<string, unknown>).name);
    if (name && !/^https?:/i.test(name)) out.push(name);
  }
}

function typesOf(node: Record<string, unknown>): string {
  const t = node['@type'];
  return Array.isArray(t) ? t.join(' ') : typeof t === 'string' ? t : '';
}

/** Walks JSON-LD (arrays, @graph, nesting) for the first article-like object's fields. */
function readJsonLd(sources: readonly string[]): LdFacts {
  const facts: LdFacts = { headline: null, published: null, authors: [], url: null, lang: null };
  const visit = (v: unknown, depth: number): void => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    const node = v as Record<string, unknown>;
    const types = typesOf(node);
    if (ARTICLE_TYPE.test(types)) {
      const isArticle = !/webpage/i.test(types) || /article/i.test(types);
      if (isArticle || facts.headline === null) facts.headline ??= asString(node.headline) ?? (isArticle ? asString(node.name) : null);
      facts.published ??= asString(node.datePublished) ?? asString(node.dateCreated);
      if (facts.authors.length === 0) authorNames(node.author ?? node.creator, facts.authors);
      if (isArticle) {
        const main = node.mainEntityOfPage;
        facts.url ??= asString(node.url) ?? asString(main) ?? (main && typeof main === 'object' ? asString((main as Record<string, unknown>)['@id']) : null);
      }
      facts.lang ??= asString(node.inLanguage);
    }
    if (node['@graph']) visit(node['@graph'], depth + 1);
  };
  for (const src of sources) {
    try {
      visit(JSON.parse(src.trim().replace(/^<!--|-->$/g, '')), 0);
    } catch {
      // Broken JSON-LD is common; the other sources still apply.
    }
  }
  return facts;
}

function metaValue(facts: PageFacts, ...keys: string[]): string | null {
  for (const key of keys) {
    for (const m of facts.meta) if (m.key === key && m.content.trim()) return m.content.trim();
  }
  return null;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const HAS_ZONE = /(?:GMT|UTC|Z|[+-]\d{2}:?\d{2})\s*$/i;

/**
 * ISO 8601 from what pages write. A stamp with a zone becomes UTC; one without stays as written (turning
 * it into UTC would depend on the machine's zone, and extraction is pure).
 */
export function normaliseDate(value: string | null): string | null {
  const iso = toIsoDate(value);
  // CMS placeholders such as 0001-01-01 are not dates.
  return iso !== null && Number(iso.slice(0, 4)) >= 1990 ? iso : null;
}

function toIsoDate(value: string | null): string | null {
  if (!value) return null;
  const v = value.trim();
  if (ISO_WITH_ZONE.test(v)) {
    const d = new Date(v.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (ISO_LOCAL.test(v)) return v.replace(' ', 'T');
  if (HAS_ZONE.test(v)) {
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return null;
}

function absoluteUrl(url: string | null, base: URL | null): string | null {
  if (!url) return null;
  try {
    const u = base ? new URL(url.trim(), base) : new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function langCode(value: string | null): string | null {
  if (!value) return null;
  const m = /^([a-z]{2,3})(?:$|[-_])/i.exec(value.trim());
  return m ? m[1]!.toLowerCase() : null;
}

const BYLINE_NAME = /(?:^|[\s,–—-])(?:by|par|written by|écrit par)\s+([^|,;•·]{3,80}?)\s*(?:[|,;•·]|$)/i;

/** "By Jane Doe, Agency" → "Jane Doe"; a bare short name is taken as it is. */
export function bylineFromText(text: string | null): string | null {
  if (!text) return null;
  const m = BYLINE_NAME.exec(text);
  if (m) return cleanByline(m[1]!);
  // A bare name; form labels ("Name *", "Nom (obligatoire)") are not bylines.
  return text.length <= 60 && !/\d/.test(text) && !/[*:)]\s*$/.test(text) ? cleanByline(text) : null;
}

/** "Jane Doe | Agency", "Jane Doe — November 18, 2019" → "Jane Doe". */
function cleanByline(text: string): string | null {
  const name = text.split(/\s[|—–-]\s|\s\|/)[0]!.replace(/^(?:by|par)\s+/i, '').trim();
  return name.length > 0 ? name : null;
}

export function readPageMeta(facts: PageFacts, base: URL | null): PageMeta {
  const ld = readJsonLd(facts.jsonLd);
  const h1 = facts.h1s.find((h) => h.text.length > 0 && h.text.length < 400)?.text ?? null;
  const metaAuthor = metaValue(facts, 'author', 'article:author', 'dc.creator', 'byl', 'parsely-author', 'sailthru.author');
  const byline =
    ld.authors.length > 0
      ? [...new Set(ld.authors)].join(', ')
      : metaAuthor && !/^https?:/i.test(metaAuthor)
        ? metaAuthor
        : bylineFromText(facts.bylineText);
  const published =
    normaliseDate(ld.published) ??
    normaliseDate(metaValue(facts, 'article:published_time', 'og:published_time', 'datepublished', 'date', 'pubdate', 'publishdate', 'publish-date', 'dc.date', 'dc.date.issued', 'dcterms.created', 'dcterms.date', 'sailthru.date', 'parsely-pub-date', 'article.published', 'cxenseparse:recs:publishtime')) ??
    normaliseDate(facts.times[0]?.datetime ?? null);
  return {
    titleCandidates: {
      h1,
      og: metaValue(facts, 'og:title', 'twitter:title'),
      ld: ld.headline,
      document: facts.documentTitle?.replace(/\s+/g, ' ').trim() || null,
      site: metaValue(facts, 'og:site_name', 'application-name'),
    },
    lang:
      langCode(facts.htmlLang) ??
      langCode(metaValue(facts, 'og:locale', 'content-language', 'language', 'dc.language', 'inlanguage')) ??
      langCode(ld.lang),
    publishedAt: published,
    byline: byline ? cleanByline(byline) : null,
    canonicalUrl: absoluteUrl(facts.canonical, base) ?? absoluteUrl(metaValue(facts, 'og:url'), base) ?? absoluteUrl(ld.url, base),
  };
}

import type { ArticleSearch } from '../../store/index.ts';

export const PER_PAGE = 20;
const MAX_PAGE = 10_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The search form's fields as typed (kept to fill the form back in), and what the store is asked. */
export interface ArticlesQuery {
  q: string;
  source: string;
  lang: string;
  from: string;
  to: string;
  page: number;
  search: ArticleSearch;
  /** Fields that were ignored, and why. */
  problems: string[];
}

const one = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '').trim().slice(0, 200);

/** Reads `/articles?q=&source=&lang=&from=&to=&page=`; `to` is a day included in full. */
export function articlesQuery(query: Record<string, unknown>): ArticlesQuery {
  const problems: string[] = [];
  const q = one(query.q);
  const source = one(query.source);
  const lang = one(query.lang).toLowerCase();
  const day = (name: 'from' | 'to') => {
    const v = one(query[name]);
    if (v === '') return '';
    if (DAY.test(v) && !Number.isNaN(Date.parse(v))) return v;
    problems.push(`"${name}" ignored: expected a date like 2026-12-01`);
    return '';
  };
  const from = day('from');
  const to = day('to');
  const pageText = one(query.page);
  const page = /^\d+$/.test(pageText) && Number(pageText) >= 1 ? Math.min(Number(pageText), MAX_PAGE) : 1;
  const search: ArticleSearch = { limit: PER_PAGE, offset: (page - 1) * PER_PAGE };
  if (q) search.q = q;
  if (source) search.sourceId = source;
  if (lang) search.lang = lang;
  if (from) search.from = `${from}T00:00:00.000Z`;
  if (to) search.to = new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString();
  return { q, source, lang, from, to, page, search, problems };
}

/** `/articles?…` with the same filters on another page. */
export function articlesHref(query: Pick<ArticlesQuery, 'q' | 'source' | 'lang' | 'from' | 'to'>, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'source', 'lang', 'from', 'to'] as const) if (query[key]) params.set(key, query[key]);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `/articles?${text}` : '/articles';
}

import type { StoryArticle } from '../../store/index.ts';
import { articlesHref, PER_PAGE, type ArticlesQuery } from './articles-query.ts';
import { excerpt } from './excerpt.ts';
import { ExternalLink } from './external-link.tsx';
import { LanguageTag } from './language-tag.tsx';
import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';
import { TimeStamp } from './time-stamp.tsx';

export interface ArticlesData {
  query: ArticlesQuery;
  total: number;
  articles: StoryArticle[];
  /** Configured source ids, for the source filter. */
  sources: string[];
}

/** `/articles`: full-text search over titles and texts, with filters and pages of 20. */
export function ArticlesPage({ data, frame }: { data: ArticlesData; frame: PageFrame }) {
  const { query, total, articles } = data;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const first = total === 0 ? 0 : (query.page - 1) * PER_PAGE + 1;
  const last = Math.min(total, query.page * PER_PAGE);
  return (
    <PageLayout frame={frame} title={query.q ? `Articles: ${query.q}` : 'Articles'} page="articles">
      <h1>Articles</h1>
      <form method="get" action="/articles" role="search" class="search" id="search">
        <div class="field wide">
          <label for="q">Words</label>
          <input type="search" id="q" name="q" value={query.q} placeholder="frégate, drone, NATO…" />
        </div>
        <div class="field">
          <label for="source">Source</label>
          <select id="source" name="source">
            <option value="">All sources</option>
            {[...new Set([...data.sources, ...(query.source ? [query.source] : [])])].map((s) => (
              <option value={s} selected={s === query.source}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="lang">Language</label>
          <input type="text" id="lang" name="lang" value={query.lang} placeholder="fr, en" size={6} maxLength={35} />
        </div>
        <div class="field">
          <label for="from">From</label>
          <input type="date" id="from" name="from" value={query.from} />
        </div>
        <div class="field">
          <label for="to">To</label>
          <input type="date" id="to" name="to" value={query.to} />
        </div>
        <div class="field">
          <button type="submit" id="search-button">
            Search
          </button>
        </div>
      </form>
      {query.problems.length > 0 && (
        <ul class="warnings" id="search-problems">
          {query.problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      )}

      <p id="result-count" role="status">
        {total === 0 ? 'No article found.' : `${first}–${last} of ${total} article${total === 1 ? '' : 's'}`}
      </p>
      <ol class="results" id="results" start={first || undefined}>
        {articles.map((a) => (
          <li data-article-id={String(a.id)}>
            <h2 class="result-title" lang={a.lang ?? undefined}>
              {a.storyId !== null ? <a href={`/stories/${a.storyId}?copy=${a.id}`}>{a.title || '(untitled)'}</a> : a.title || '(untitled)'}
            </h2>
            <p class="small muted">
              <a href={`/sources/${encodeURIComponent(a.sourceId)}`}>{a.sourceId}</a> · <LanguageTag lang={a.lang} /> · <TimeStamp iso={a.publishedAt ?? a.fetchedAt} now={frame.now} format="absolute" /> ·{' '}
              <ExternalLink url={a.url}>original</ExternalLink>
            </p>
            <p class="excerpt" lang={a.lang ?? undefined}>
              {excerpt(a.text ?? '', query.q).map((part) => (part.mark ? <mark>{part.text}</mark> : part.text))}
            </p>
          </li>
        ))}
      </ol>

      {pages > 1 && (
        <nav class="pages" aria-label="Pages of results">
          {query.page > 1 ? (
            <a href={articlesHref(query, query.page - 1)} rel="prev" id="prev-page">
              ← Newer
            </a>
          ) : (
            <span />
          )}
          <span>
            Page {query.page} of {pages}
          </span>
          {query.page < pages ? (
            <a href={articlesHref(query, query.page + 1)} rel="next" id="next-page">
              Older →
            </a>
          ) : (
            <span />
          )}
        </nav>
      )}
    </PageLayout>
  );
}

import { primaryLang } from '../dedupe/translation-matcher.ts';

/** The JSON every `article.*` webhook carries. Field names are part of the public contract. */
export interface ArticleEventBody {
  type: 'article.new' | 'article.duplicate';
  timestamp: string;
  data: {
    source: string;
    /**
     * `alsoAt`: the story's other copies. `copies`: every copy, this one included, with its language; `languages`:
     * the story's languages, in the order its copies came.
     */
    story: { id: number; alsoAt: Array<{ source: string; url: string }>; copies: StoryCopyRef[]; languages: string[] };
    /** On an `article.duplicate` that joined its story as a translation: the copy it translates. */
    translationOf?: StoryCopyRef;
    entry: { title: string; url: string; firstSeenAt: string };
    article: { title: string; text: string; lang: string | null; publishedAt: string | null; url: string } | null;
  };
}

export interface StoryCopyRef {
  source: string;
  url: string;
  lang: string | null;
}

export interface ArticleEventInput {
  type: ArticleEventBody['type'];
  sourceId: string;
  storyId: number;
  alsoAt: Array<{ source: string; url: string }>;
  /** Every copy, this one included. Default: none known. */
  copies?: StoryCopyRef[];
  translationOf?: StoryCopyRef | null;
  entry: { title: string; url: string; firstSeenAt: string };
  /** Null when the page could not be fetched after its retries: the alert still goes out. */
  article: { title: string; text: string; lang: string | null; publishedAt: string | null; url: string } | null;
  now: string;
}

export function articleEvent(input: ArticleEventInput): ArticleEventBody {
  return {
    type: input.type,
    timestamp: input.now,
    data: {
      source: input.sourceId,
      story: { id: input.storyId, alsoAt: input.alsoAt, copies: input.copies ?? [], languages: storyLanguages(input.copies ?? []) },
      ...(input.translationOf ? { translationOf: input.translationOf } : {}),
      entry: input.entry,
      article: input.article,
    },
  };
}

/** The primary languages of a story's copies, each once, in the order they came (`fr-FR` counts as `fr`). */
export function storyLanguages(copies: ReadonlyArray<{ lang: string | null }>): string[] {
  const out: string[] = [];
  for (const c of copies) {
    const lang = primaryLang(c.lang);
    if (lang && !out.includes(lang)) out.push(lang);
  }
  return out;
}

/** The body of `source.degraded` / `source.recovered`. */
export function sourceEvent(type: 'source.degraded' | 'source.recovered', sourceId: string, url: string, detail: string | null, now: string) {
  return { type, timestamp: now, data: { source: sourceId, url, detail } };
}

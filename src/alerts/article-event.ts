/** The JSON every `article.*` webhook carries. Field names are part of the public contract. */
export interface ArticleEventBody {
  type: 'article.new' | 'article.duplicate';
  timestamp: string;
  data: {
    source: string;
    story: { id: number; alsoAt: Array<{ source: string; url: string }> };
    entry: { title: string; url: string; firstSeenAt: string };
    article: { title: string; text: string; lang: string | null; publishedAt: string | null; url: string } | null;
  };
}

export interface ArticleEventInput {
  type: ArticleEventBody['type'];
  sourceId: string;
  storyId: number;
  alsoAt: Array<{ source: string; url: string }>;
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
      story: { id: input.storyId, alsoAt: input.alsoAt },
      entry: input.entry,
      article: input.article,
    },
  };
}

/** The body of `source.degraded` / `source.recovered`. */
export function sourceEvent(type: 'source.degraded' | 'source.recovered', sourceId: string, url: string, detail: string | null, now: string) {
  return { type, timestamp: now, data: { source: sourceId, url, detail } };
}

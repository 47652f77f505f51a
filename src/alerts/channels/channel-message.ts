import type { WatchHit } from '../../watch/compile-watchlists.ts';
import { cleanText, dropHidden } from './clean-text.ts';

/** One matched term as messages show it: the term, and the words around its first occurrence with the hit marked. */
export interface ChannelHit {
  /** The term as configured (`SAMP/T | SAMP-T | Mamba`). */
  term: string;
  /** The words as the article wrote them (`SAMP-T`). */
  matched: string;
  excerpt: ChannelExcerpt;
}

export interface ChannelExcerpt {
  /** One line of the article around the hit. */
  text: string;
  /** The hit within `text` (UTF-16 offsets, end exclusive), for highlighting. */
  hitStart: number;
  hitEnd: number;
  /** The paragraph goes on before / after the excerpt: show an ellipsis. */
  cutBefore: boolean;
  cutAfter: boolean;
}

export interface ChannelMatch {
  watchlistId: string;
  /** In the order of the watchlist's terms. */
  hits: ChannelHit[];
}

/** What every channel shows for one story. Texts are a stranger's, cleaned but not escaped: formatters escape them. */
export interface ChannelMessage {
  kind: 'story';
  storyId: number;
  title: string;
  sourceId: string;
  /** A language tag (`fr`, `pt-BR`), or null when the page gave none or gave junk. */
  lang: string | null;
  /** ISO 8601, UTC. */
  time: string;
  /** The original article, only when its URL is http(s). */
  originalUrl: string | null;
  /** Vigie's own page for the story, only when a public URL is configured. */
  storyUrl: string | null;
  /** Set for a `watchlist.match`. */
  match: ChannelMatch | null;
}

export interface ChannelMessageInput {
  storyId: number;
  sourceId: string;
  /** The article's title, or the list entry's when the page could not be read. */
  title: string;
  url: string;
  lang: string | null;
  /** When it was published, or else first seen: anything Date.parse reads. */
  time: string;
  /** `server.publicUrl` (no trailing slash, as the config checks). */
  publicUrl?: string | null;
  /** The watchlist match, as WatchlistMatcher.match gives it. */
  match?: { id: string; hits: readonly WatchHit[] } | null;
}

/** Builds the message for a story: cleans the stranger's texts, keeps only http(s) links and a valid language tag. */
export function channelMessage(input: ChannelMessageInput): ChannelMessage {
  const at = Date.parse(input.time);
  if (Number.isNaN(at)) throw new TypeError(`channelMessage: time ${JSON.stringify(input.time)} is not a date`);
  return {
    kind: 'story',
    storyId: input.storyId,
    title: cleanText(input.title) || '(untitled)',
    sourceId: input.sourceId,
    lang: languageTag(input.lang),
    time: new Date(at).toISOString(),
    originalUrl: httpUrl(input.url),
    storyUrl: input.publicUrl ? httpUrl(`${input.publicUrl}/stories/${input.storyId}`) : null,
    match: input.match ? { watchlistId: input.match.id, hits: input.match.hits.map(channelHit) } : null,
  };
}

function channelHit(hit: WatchHit): ChannelHit {
  const e = hit.excerpt;
  // Cleaning each part apart keeps the hit's offsets right in the cleaned text.
  const before = dropHidden(e.text.slice(0, e.hitStart)).trimStart();
  const matched = dropHidden(e.text.slice(e.hitStart, e.hitEnd));
  const after = dropHidden(e.text.slice(e.hitEnd)).trimEnd();
  return {
    term: hit.term,
    matched: cleanText(hit.matched) || matched,
    excerpt: { text: before + matched + after, hitStart: before.length, hitEnd: before.length + matched.length, cutBefore: e.cutBefore, cutAfter: e.cutAfter },
  };
}

/** The URL as the URL parser writes it when it is absolute http(s), else null: no `javascript:` or `data:` link. */
export function httpUrl(text: string | null | undefined): string | null {
  if (!text) return null;
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A language tag like `fr` or `pt-BR`; a page's lang attribute is a stranger's, anything else is dropped. */
function languageTag(lang: string | null): string | null {
  return lang && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$/.test(lang) ? lang : null;
}

import { Feed, type Category, type Item } from 'feed';
import type { StoryArticle, StorySummary } from '../store/index.ts';
import type { FeedFormat } from './feed-links.ts';

export interface StoryFeedOptions {
  format: FeedFormat;
  /** Newest first, as the store lists them. */
  stories: StorySummary[];
  /** `urn:vigie:feed:...`: the feed's identity, whatever URL it is read at. */
  id: string;
  title: string;
  description: string;
  /** The feed's own absolute URL (its self link). */
  selfUrl: string;
  /** The page the feed stands for (RSS requires one). */
  homeUrl: string;
  /** A source's feed: each item leads with that source's copy (its title, link, date and text). */
  sourceId?: string;
  /** Absolute base of Vigie's pages: each item also links `<publicUrl>/stories/<id>`. */
  publicUrl?: string;
  /** A configured source's URL: the item's link when its copy's URL is not http(s). */
  sourceUrl(sourceId: string): string | undefined;
  /** A watchlist's feed: the terms each story matched, listed in its content. */
  matchedTerms?(storyId: number): string[];
}

const SUMMARY_CHARS = 300;

/**
 * One feed of stories, as RSS 2.0, Atom 1.0 or JSON Feed 1, built by the `feed` library. What it puts in CDATA
 * sections (titles, summaries, contents) goes in unescaped, and Atom declares them HTML: so every stranger's text is
 * HTML-escaped here, except RSS and JSON titles (plain text there), and characters XML cannot carry are dropped.
 */
export function storyFeed(o: StoryFeedOptions): string {
  const items = o.stories.flatMap((s) => {
    const item = storyItem(s, o);
    return item ? [item] : [];
  });
  const newest = items.reduce((max, i) => Math.max(max, i.date.getTime()), 0);
  const feed = new Feed({
    id: o.id,
    title: o.title,
    description: o.description,
    link: o.homeUrl,
    feed: o.selfUrl,
    feedLinks: { [o.format]: o.selfUrl },
    // The newest item's date, not now: the same stories give the same bytes, so the ETag holds.
    updated: new Date(newest),
    generator: 'Vigie',
  });
  for (const item of items) feed.addItem(item);
  return o.format === 'rss' ? feed.rss2() : o.format === 'atom' ? feed.atom1() : feed.json1();
}

/** Stable for a story: its id, and its creation time so a new database's story 1 is not the old story 1. */
export function storyGuid(story: Pick<StorySummary, 'id' | 'createdAt'>): string {
  const created = Date.parse(story.createdAt);
  return Number.isNaN(created) ? `urn:vigie:story:${story.id}` : `urn:vigie:story:${story.id}:${created}`;
}

function storyItem(s: StorySummary, o: StoryFeedOptions): Item | null {
  const lead = (o.sourceId !== undefined ? s.copies.find((c) => c.sourceId === o.sourceId) : undefined) ?? s.copies.find((c) => c.first) ?? s.copies[0];
  if (!lead) return null;
  const title = xmlSafe((o.sourceId !== undefined && lead.title.trim() ? lead.title : s.title).trim()) || '(untitled)';
  const date = dateOf(lead.publishedAt) ?? dateOf(lead.fetchedAt) ?? dateOf(s.createdAt) ?? new Date(0);
  const storyPage = o.publicUrl !== undefined ? `${o.publicUrl}/stories/${s.id}` : undefined;
  const link = webUrl(lead.url) ?? storyPage ?? webUrl(o.sourceUrl(lead.sourceId)) ?? o.homeUrl;
  const lang = language(lead.lang);
  const text = xmlSafe(lead.text);
  const summary = xmlSafe(shorten(lead.text));
  const sources = [...new Set([lead.sourceId, ...s.copies.map((c) => c.sourceId)])];
  const category: Category[] = [
    ...sources.map((id) => ({ name: id, term: id, domain: 'urn:vigie:source', scheme: 'urn:vigie:source' })),
    ...(lang ? [{ name: lang, term: lang, domain: 'urn:vigie:lang', scheme: 'urn:vigie:lang' }] : []),
  ];
  const content = contentHtml(text, s.copies.filter((c) => c !== lead), storyPage, o.matchedTerms?.(s.id) ?? []);
  const guid = storyGuid(s);
  const common = { id: guid, guid, link, date, published: date, category };
  switch (o.format) {
    case 'rss':
      // RSS's <author> is an email address: the source goes in dc:creator (the library declares dc with content).
      return {
        ...common,
        title: noCdataEnd(title),
        description: escapeHtml(summary),
        content,
        extensions: [
          { name: 'dc:creator', objects: { _text: lead.sourceId } },
          ...(lang ? [{ name: 'dc:language', objects: { _text: lang } }] : []),
        ],
      };
    case 'atom':
      // The library writes Atom titles as type="html".
      return { ...common, title: escapeHtml(title), description: escapeHtml(summary), content, author: [{ name: lead.sourceId }] };
    case 'json':
      return {
        ...common,
        title,
        description: summary,
        content,
        author: [{ name: lead.sourceId }],
        extensions: [{ name: '_vigie', objects: { story_id: s.id, language: lang ?? null, sources, ...(storyPage ? { story_url: storyPage } : {}) } }],
      };
  }
}

/** The terms matched (a watchlist's feed), the article's paragraphs, where else it was read, its page on Vigie: HTML with every text escaped. */
function contentHtml(text: string, others: StoryArticle[], storyPage: string | undefined, terms: string[]): string {
  const matched = terms.length > 0 ? [`<p>Matched: ${terms.map((t) => `<strong>${escapeHtml(xmlSafe(t))}</strong>`).join(', ')}</p>`] : [];
  const parts = [
    ...matched,
    ...text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`),
  ];
  if (others.length > 0) {
    const copies = others.map((c) => {
      const url = webUrl(c.url);
      const label = escapeHtml(c.sourceId);
      const name = url ? `<a href="${escapeHtml(url)}">${label}</a>` : label;
      const title = xmlSafe(c.title.trim());
      return `<li>${name}${title ? `: ${escapeHtml(title)}` : ''}</li>`;
    });
    parts.push(`<p>Also at:</p><ul>${copies.join('')}</ul>`);
  }
  if (storyPage) parts.push(`<p><a href="${escapeHtml(storyPage)}">This story on Vigie</a></p>`);
  return noCdataEnd(parts.join('\n'));
}

/** An http(s) URL as the URL parser writes it, or undefined: no javascript:, data: or unparsable link. */
function webUrl(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A language tag like `fr` or `pt-BR`; anything else (a page's lang attribute is a stranger's) is dropped. */
function language(lang: string | null): string | undefined {
  return lang && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$/.test(lang) ? lang : undefined;
}

function dateOf(text: string | null): Date | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t);
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SUMMARY_CHARS) return flat;
  const cut = flat.slice(0, SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > SUMMARY_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE/U+FFFF, lone surrogates): a feed with one does not parse. */
function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/**
 * The library splits only the first "]]>" of a CDATA section: a second one would end it and let the rest be read as
 * XML. Only RSS's plain-text title can hold one (everything else is escaped); a zero-width space keeps it as shown.
 */
function noCdataEnd(text: string): string {
  return text.replaceAll(']]>', ']]\u200B>');
}

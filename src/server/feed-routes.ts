import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FEED_FORMATS, type FeedFormat } from './feed-links.ts';
import { hitTerms } from './pages/watchlist-hits.ts';
import type { ServerContext } from './server-context.ts';
import { storyFeed } from './story-feed.ts';
import { watchlistStories } from './watchlist-stories.ts';

const FEED_ITEMS = 50;
const FORMAT_OF_EXT = new Map((Object.keys(FEED_FORMATS) as FeedFormat[]).map((f) => [FEED_FORMATS[f].ext, f]));
const FEED_FILE = /^([a-z0-9][a-z0-9-]{0,62})\.([a-z]+)$/;

/**
 * RSS, Atom and JSON Feed of the latest stories: /feeds/all.{xml,atom,json}, /feeds/sources/<id>.{xml,atom,json}
 * and /feeds/watchlists/<id>.{xml,atom,json} (the stories that matched it, newest match first, with the terms).
 * Behind the server's token like every route (a reader passes `?token=`); answers If-None-Match with 304.
 */
export async function registerFeeds(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { config, store } = ctx;
  const sources = new Map(config.sources.map((s) => [s.id, s]));

  const watchlists = new Map(config.watchlists.map((w) => [w.id, w]));

  async function send(req: FastifyRequest, reply: FastifyReply, format: FeedFormat, sourceId?: string) {
    const base = config.server.publicUrl ?? requestOrigin(req);
    const path = sourceId === undefined ? `/feeds/all.${FEED_FORMATS[format].ext}` : `/feeds/sources/${sourceId}.${FEED_FORMATS[format].ext}`;
    return answer(req, reply, format, storyFeed({
      format,
      stories: await store.stories({ limit: FEED_ITEMS, sourceId }),
      id: sourceId === undefined ? 'urn:vigie:feed:all' : `urn:vigie:feed:source:${sourceId}`,
      title: sourceId === undefined ? 'Vigie: all sources' : `Vigie: ${sourceId}`,
      description: sourceId === undefined ? 'New stories seen by Vigie on every watched site, newest first.' : `New stories seen by Vigie on ${sources.get(sourceId)!.url}, newest first.`,
      selfUrl: `${base}${path}`,
      homeUrl: sourceId === undefined ? `${base}/` : sources.get(sourceId)!.url,
      sourceId,
      publicUrl: config.server.publicUrl,
      sourceUrl: (id) => sources.get(id)?.url,
    }));
  }

  async function sendWatchlist(req: FastifyRequest, reply: FastifyReply, format: FeedFormat, watchlistId: string) {
    const base = config.server.publicUrl ?? requestOrigin(req);
    const matched = await watchlistStories(store, watchlistId, FEED_ITEMS);
    const terms = new Map(matched.map((m) => [m.story.id, hitTerms(m.match.hits)]));
    return answer(req, reply, format, storyFeed({
      format,
      stories: matched.map((m) => m.story),
      id: `urn:vigie:feed:watchlist:${watchlistId}`,
      title: `Vigie: watchlist ${watchlistId}`,
      description: `Stories matching the watchlist ${watchlistId} (${watchlists.get(watchlistId)!.terms.join(', ')}), newest first.`,
      selfUrl: `${base}/feeds/watchlists/${watchlistId}.${FEED_FORMATS[format].ext}`,
      homeUrl: `${base}/watchlists/${watchlistId}`,
      publicUrl: config.server.publicUrl,
      sourceUrl: (id) => sources.get(id)?.url,
      matchedTerms: (storyId) => terms.get(storyId) ?? [],
    }));
  }

  function answer(req: FastifyRequest, reply: FastifyReply, format: FeedFormat, body: string) {
    const { type } = FEED_FORMATS[format];
    // From the bytes: a new story, a new copy of an old one or a corrected text all change it; nothing else does.
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    // private: the feed may sit behind a token, so no shared cache keeps it; no-cache: readers revalidate (cheap, 304).
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (matches(req.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type(`${type}; charset=utf-8`).send(body);
  }

  for (const format of Object.keys(FEED_FORMATS) as FeedFormat[]) {
    app.get(`/feeds/all.${FEED_FORMATS[format].ext}`, (req, reply) => send(req, reply, format));
  }
  app.get<{ Params: { file: string } }>('/feeds/sources/:file', (req, reply) => {
    const m = FEED_FILE.exec(req.params.file);
    const format = m ? FORMAT_OF_EXT.get(m[2]!) : undefined;
    // The path is not echoed back: it may be all a reader shows of an error, and nothing of it is needed.
    if (!m || !format || !sources.has(m[1]!)) return reply.code(404).send({ error: 'no such feed: /feeds/sources/<source id>.xml, .atom or .json' });
    return send(req, reply, format, m[1]!);
  });
  app.get<{ Params: { file: string } }>('/feeds/watchlists/:file', (req, reply) => {
    const m = FEED_FILE.exec(req.params.file);
    const format = m ? FORMAT_OF_EXT.get(m[2]!) : undefined;
    if (!m || !format || !watchlists.has(m[1]!)) return reply.code(404).send({ error: 'no such feed: /feeds/watchlists/<watchlist id>.xml, .atom or .json' });
    return sendWatchlist(req, reply, format, m[1]!);
  });
}

/** This server as the request reached it, for the self link when no publicUrl is configured. */
function requestOrigin(req: FastifyRequest): string {
  try {
    return new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return 'http://localhost';
  }
}

/** If-None-Match holds this ETag (or `*`): a list, weak or strong, as RFC 9110 compares for GET. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

// Live updates at /events (server-sent events): what is written to the store arrives as story, crawl and delivery
// events; a reconnection with Last-Event-ID gets what it missed, once; one poller serves every client.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import type { Logger } from '../../src/config/logger.ts';
import { redisAnswers } from '../../src/jobs/index.ts';
import { createServer, type ServerDeps } from '../../src/server/create-server.ts';
import { registerEvents, type HubOptions } from '../../src/server/events-routes.ts';
import { serverContext } from '../../src/server/server-context.ts';
import type { Store } from '../../src/store/index.ts';
import { tempDirConfig } from '../helpers/config-file.ts';
import { testQueues } from '../helpers/test-queues.ts';
import { backends, sqliteBackend, type Backend } from '../helpers/stores.ts';
import { until } from '../helpers/wait.ts';
import { storyText } from './story-claim-texts.ts';

const HOOK_SECRET_PART = `T0${randomBytes(6).toString('hex')}`;
const HOOK_URL = `https://hooks.example.org/services/${HOOK_SECRET_PART}/xoxb?token=${HOOK_SECRET_PART}`;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Running {
  base: string;
  app: FastifyInstance;
  store: Store;
  config: Config;
  /** Calls of store.changesSince made by the server. */
  calls: { changesSince: number };
}

/**
 * The store the server is handed: its changesSince calls counted, and with `slowReadsMs`, the answers of
 * changesSince and changeCursor arriving that late (a database far away), so reads overlap writes and each other.
 */
function counted(store: Store, slowReadsMs = 0): { store: Store; calls: { changesSince: number } } {
  const calls = { changesSince: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (prop === 'changesSince') calls.changesSince++;
        const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
        if (slowReadsMs > 0 && (prop === 'changesSince' || prop === 'changeCursor')) await new Promise((resolve) => setTimeout(resolve, slowReadsMs));
        return result;
      };
    },
  });
  return { store: proxy, calls };
}

/**
 * A server on a real store (SQLite unless `backend` says) and real queues, listening on loopback. With `hub`, a bare
 * Fastify with only /events on those options (for short pings and small pages); else createServer.
 */
async function serve(options: { token?: string; backend?: Backend; hub?: Partial<HubOptions>; slowReadsMs?: number } = {}): Promise<Running> {
  const config = tempDirConfig(cleanups, 'events', {
    server: { port: 0, ...(options.token ? { token: options.token } : {}) },
    sources: [
      { id: 'alpha', url: 'https://alpha.example.org/news' },
      { id: 'beta', url: 'https://beta.example.org/news' },
    ],
    webhooks: [{ url: HOOK_URL, secret: SECRET }],
  });
  const opened = await (options.backend ?? { open: sqliteBackend }).open();
  cleanups.push(() => opened.close());
  await opened.store.syncSources(config.sources, new Date().toISOString());
  // A baseline for each source, so that later entries are new.
  for (const s of config.sources) await opened.store.recordEntries(s.id, [{ title: 'old', url: `${s.url}/old`, urlKey: `${s.id}/old` }], new Date().toISOString());
  const { store, calls } = counted(opened.store, options.slowReadsMs);
  const { connection, queues } = testQueues(cleanups, config);
  const deps: ServerDeps = { config, store, queues, redisOk: () => redisAnswers(config.redis), log: silent };
  let app: FastifyInstance;
  if (options.hub) {
    app = Fastify();
    await registerEvents(app, serverContext(deps), options.hub);
  } else {
    app = await createServer(deps);
  }
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  return { base, app, store: opened.store, config, calls };
}

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };

interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** A server-sent events reader over node:http, parsing the stream as a browser does (fields, blank-line ends). */
class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  text = '';
  ended = false;
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly close_: () => void,
  ) {}

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        const client = new SseClient(res.statusCode ?? 0, res.headers, () => req.destroy());
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => (client.ended = true));
        res.on('error', () => (client.ended = true));
        resolve(client);
      });
      req.on('error', reject);
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.text += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else {
          const colon = line.indexOf(':');
          fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
        }
      }
      if (fields.retry !== undefined) this.retry = Number(fields.retry);
      if (fields.data !== undefined) this.events.push({ id: fields.id ?? '', event: fields.event ?? 'message', data: JSON.parse(fields.data) as Record<string, unknown> });
    }
  }

  /** Waits until `n` events have arrived (within `ms`), and returns them all. */
  async waitFor(n: number, ms = 2_000): Promise<SseEvent[]> {
    await until(`${n} events (have ${this.events.length}: ${JSON.stringify(this.events.map((e) => e.event))})`, () => (this.events.length >= n ? true : undefined), ms, 20);
    return this.events;
  }

  close(): void {
    this.close_();
  }
}

async function sse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.open(url, headers);
  cleanups.push(() => client.close());
  return client;
}

let seq = 0;
/** A new entry of `sourceId` read as an article and put in a story, in one transaction (as the article job does). */
async function publish(store: Store, sourceId: string, seed: number, title: string, lang = 'en'): Promise<{ articleId: number; storyId: number; isNew: boolean }> {
  const n = ++seq;
  const url = `https://${sourceId}.example.org/a/${n}`;
  const [entry] = (await store.recordEntries(sourceId, [{ title, url, urlKey: `${sourceId}/a/${n}` }], new Date().toISOString())).added;
  const text = storyText(seed).sentences.join(' ');
  return store.transaction(async (tx) => {
    const row = await tx.saveArticle(entry!.id, { url, title, text, html: '', lang, publishedAt: null, byline: null, canonicalUrl: url }, null, new Date().toISOString());
    const claim = await tx.claimStory(row.id, title, text, row.fetchedAt);
    return { articleId: row.id, storyId: claim.storyId, isNew: claim.isNew };
  });
}

async function crawl(store: Store, sourceId: string, outcome: 'changed' | 'failed' = 'changed'): Promise<void> {
  const failed = outcome === 'failed';
  await store.recordCrawl(
    { sourceId, at: new Date().toISOString(), durationMs: 42, status: failed ? 503 : 200, outcome, entriesFound: failed ? 0 : 12, entriesNew: failed ? 0 : 1, error: failed ? 'HTTP 503' : null },
    3,
  );
}

/** An event with one delivery to the webhook, and one attempt on it; returns the delivery id. */
async function attempt(store: Store, config: Config, outcome: 'delivered' | 'retry' = 'retry', storyId: number | null = null): Promise<number> {
  const created = await store.createEvent(
    { type: 'article.new', dedupeKey: `k-${++seq}`, sourceId: 'alpha', storyId, payload: { type: 'article.new' }, webhooks: config.webhooks },
    new Date().toISOString(),
  );
  const deliveryId = created!.deliveries[0]!.id;
  await store.recordAttempt({ deliveryId, at: new Date().toISOString(), status: outcome === 'delivered' ? 204 : 500, outcome, error: outcome === 'delivered' ? null : `HTTP 500 from ${HOOK_URL}`, durationMs: 9 });
  return deliveryId;
}

const idParts = (id: string) => id.split('-').map(Number) as [number, number, number];

describe('/events (server-sent events)', () => {
  it('a story, a crawl and a delivery attempt written to the store arrive as events, with ids that resume; the webhook shows as scheme and host', async () => {
    const r = await serve();
    // Written before the client connects: not sent (a fresh client gets only what happens next).
    await crawl(r.store, 'beta');
    const client = await sse(`${r.base}/events`);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');
    await until('the retry line', () => (client.retry === 3000 ? true : undefined), 2_000, 20);

    const started = Date.now();
    const first = await publish(r.store, 'alpha', 1, 'Frigate Forbin in the Red Sea', 'en');
    const [story] = await client.waitFor(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(story!.event).toBe('story');
    expect(story!.data).toEqual({
      storyId: first.storyId,
      articleId: first.articleId,
      first: true,
      title: 'Frigate Forbin in the Red Sea',
      sourceId: 'alpha',
      lang: 'en',
      url: expect.stringMatching(/^https:\/\/alpha\.example\.org\/a\/\d+$/),
      fetchedAt: expect.any(String),
    });
    // The same story on another site: a copy, not a new story.
    const copy = await publish(r.store, 'beta', 1, 'La frégate Forbin en mer Rouge', 'fr');
    expect(copy).toMatchObject({ storyId: first.storyId, isNew: false });
    const [, copied] = await client.waitFor(2);
    expect(copied!.data).toMatchObject({ storyId: first.storyId, articleId: copy.articleId, first: false, sourceId: 'beta', lang: 'fr', title: 'La frégate Forbin en mer Rouge' });

    await crawl(r.store, 'beta', 'failed');
    const crawlEvent = (await client.waitFor(3))[2]!;
    expect(crawlEvent.event).toBe('crawl');
    expect(crawlEvent.data).toEqual({ crawlId: expect.any(Number), sourceId: 'beta', outcome: 'failed', status: 503, found: 0, new: 0, durationMs: 42, lagMs: null, at: expect.any(String), error: 'HTTP 503', note: 'HTTP 503' });

    const deliveryId = await attempt(r.store, r.config, 'retry', first.storyId);
    const delivery = (await client.waitFor(4))[3]!;
    expect(delivery.event).toBe('delivery');
    expect(delivery.data).toEqual({ deliveryId, storyId: first.storyId, webhookId: r.config.webhooks[0]!.id, eventType: 'article.new', outcome: 'retry', status: 500, durationMs: 9, at: expect.any(String), endpoint: 'https://hooks.example.org' });
    // The webhook URL holds a secret: nowhere in the stream, not even in an error.
    expect(client.text).not.toContain(HOOK_SECRET_PART);

    // Each id is the cursor after its event: every part only grows, and the last one names the last row of each kind.
    const ids = client.events.map((e) => idParts(e.id));
    for (let i = 1; i < ids.length; i++) for (let k = 0; k < 3; k++) expect(ids[i]![k]).toBeGreaterThanOrEqual(ids[i - 1]![k]!);
    expect(ids.at(-1)).toEqual([copy.articleId, expect.any(Number), expect.any(Number)]);
    const now = await r.store.changeCursor();
    expect(ids.at(-1)).toEqual([now.article, now.crawl, now.attempt]);
    expect(client.events).toHaveLength(4);
  });

  it('a reconnection with Last-Event-ID (header or ?lastEventId=) gets what it missed, and nothing twice', async () => {
    const r = await serve();
    const before = await sse(`${r.base}/events`);
    await crawl(r.store, 'alpha');
    await publish(r.store, 'alpha', 2, 'Seen live');
    const seen = await before.waitFor(2);
    const lastId = seen[1]!.id;
    before.close();

    // Missed while away: one of each kind.
    const missedStory = await publish(r.store, 'beta', 3, 'Missed story');
    await crawl(r.store, 'beta', 'failed');
    const missedDelivery = await attempt(r.store, r.config, 'delivered');

    const byHeader = await sse(`${r.base}/events`, { 'last-event-id': lastId });
    const byQuery = await sse(`${r.base}/events?lastEventId=${lastId}`);
    for (const again of [byHeader, byQuery]) {
      const got = await again.waitFor(3);
      expect(got.map((e) => [e.event, e.data.articleId ?? e.data.sourceId ?? e.data.deliveryId])).toEqual([
        ['story', missedStory.articleId],
        ['crawl', 'beta'],
        ['delivery', missedDelivery],
      ]);
    }
    // Then they are live: the next change arrives, once.
    await crawl(r.store, 'alpha');
    for (const again of [byHeader, byQuery]) expect((await again.waitFor(4))[3]).toMatchObject({ event: 'crawl', data: { sourceId: 'alpha' } });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(byHeader.events).toHaveLength(4);
    expect(byQuery.events).toHaveLength(4);
  });

  it('clients that join and resume while rows are being written each get every row after their start exactly once', async () => {
    // Slow reads and a fast poller: catch-ups, polls and writes overlap.
    const r = await serve({ hub: { pollMs: 30 }, slowReadsMs: 120 });
    await crawl(r.store, 'alpha');
    const start = await r.store.changeCursor();
    const total = 60;
    const clients: Array<{ client: SseClient; from: number }> = [];
    // A writer adding a crawl every 15 ms, while clients join at various points (fresh or resuming from an older one).
    const writing = (async () => {
      for (let i = 0; i < total; i++) {
        await crawl(r.store, i % 2 ? 'alpha' : 'beta');
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
    for (let j = 0; j < 6; j++) {
      await new Promise((resolve) => setTimeout(resolve, 120));
      const now = await r.store.changeCursor();
      const from = j % 2 ? start.crawl + j * 3 : now.crawl;
      const client = await sse(`${r.base}/events`, { 'last-event-id': `${now.article}-${from}-${now.attempt}` });
      clients.push({ client, from });
    }
    await writing;
    const last = start.crawl + total;
    for (const { client, from } of clients) {
      await until(`crawls up to ${last}`, () => (client.events.length > 0 && idParts(client.events.at(-1)!.id)[1] === last ? true : undefined), 5_000, 20);
      expect(client.events.map((e) => idParts(e.id)[1])).toEqual(Array.from({ length: last - from }, (_, i) => from + 1 + i));
    }
  });

  it('one poller serves every client, started by the first and stopped after the last', async () => {
    const r = await serve();
    const idle = r.calls.changesSince;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(r.calls.changesSince, 'no client, no polling').toBe(idle);

    const clients = await Promise.all([1, 2, 3, 4].map(() => sse(`${r.base}/events`)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const from = r.calls.changesSince;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const polls = r.calls.changesSince - from;
    // About one read a second for all four together; four pollers would make about twelve.
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(4);

    await crawl(r.store, 'alpha');
    for (const c of clients) expect((await c.waitFor(1))[0]!.data.sourceId).toBe('alpha');

    for (const c of clients) c.close();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const after = r.calls.changesSince;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(r.calls.changesSince, 'polling stops with the last client').toBe(after);

    // And starts again with a new one.
    const back = await sse(`${r.base}/events`);
    await crawl(r.store, 'beta');
    expect((await back.waitFor(1))[0]!.data.sourceId).toBe('beta');
  });

  it('sends a ping comment on quiet streams, and a client too far behind starts from now with a note', async () => {
    const r = await serve({ hub: { pingMs: 200, page: 2, catchUpPages: 2 } });
    for (let i = 0; i < 7; i++) await crawl(r.store, 'alpha');
    const now = await r.store.changeCursor();
    // Seven crawls behind, with four rows per catch-up at most: it skips to now rather than replaying history.
    const client = await sse(`${r.base}/events`, { 'last-event-id': `${now.article}-${now.crawl - 7}-${now.attempt}` });
    await until('a ping', () => (client.comments.includes('ping') ? true : undefined), 2_000, 20);
    expect(client.events.map((e) => idParts(e.id)[1])).toEqual([now.crawl - 6, now.crawl - 5, now.crawl - 4, now.crawl - 3]);
    expect(client.comments.some((c) => c.startsWith('older changes skipped'))).toBe(true);
    await crawl(r.store, 'beta');
    expect(idParts((await client.waitFor(5))[4]!.id)[1]).toBe(now.crawl + 1);

    // Three behind: fits in the catch-up, all sent.
    const near = await sse(`${r.base}/events`, { 'last-event-id': `${now.article}-${now.crawl - 2}-${now.attempt}` });
    const got = await near.waitFor(3);
    expect(got.map((e) => idParts(e.id)[1])).toEqual([now.crawl - 1, now.crawl, now.crawl + 1]);
    expect(near.comments.some((c) => c.startsWith('older changes skipped'))).toBe(false);
  });

  it('with a token, /events needs it (header or cookie); closing the server ends open streams', async () => {
    const token = randomBytes(16).toString('hex');
    const r = await serve({ token });
    const refused = await sse(`${r.base}/events`);
    expect(refused.status).toBe(401);
    const byCookie = await sse(`${r.base}/events`, { cookie: `vigie_token=${token}` });
    expect(byCookie.status).toBe(200);
    const byHeader = await sse(`${r.base}/events`, { authorization: `Bearer ${token}` });
    expect(byHeader.status).toBe(200);
    await crawl(r.store, 'alpha');
    await byCookie.waitFor(1);
    await byHeader.waitFor(1);

    const started = Date.now();
    await r.app.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await until('streams ended', () => (byCookie.ended && byHeader.ended ? true : undefined), 2_000, 20);
  });

  // The poller reads the store shared by every machine; Postgres is where workers on other machines write.
  it.each(backends.filter((b) => b.name === 'postgres'))('on $name: a story and a crawl arrive, and a resume gets what was missed', async (backend) => {
    const r = await serve({ backend });
    const client = await sse(`${r.base}/events`);
    const published = await publish(r.store, 'alpha', 5, 'Sous-marin', 'fr');
    await crawl(r.store, 'alpha');
    const got = await client.waitFor(2);
    expect(got.map((e) => e.event)).toEqual(['story', 'crawl']);
    expect(got[0]!.data).toMatchObject({ storyId: published.storyId, first: true, lang: 'fr' });
    client.close();
    await attempt(r.store, r.config);
    const again = await sse(`${r.base}/events`, { 'last-event-id': got[1]!.id });
    expect((await again.waitFor(1)).map((e) => e.event)).toEqual(['delivery']);
  });
});

import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { webhookEndpoint } from '../alerts/index.ts';
import type { Logger } from '../config/logger.ts';
import type { ChangeCursor, Changes, Store } from '../store/index.ts';
import { plainError } from './pages/plain-error.ts';
import type { ServerContext } from './server-context.ts';

/**
 * Live updates at /events (server-sent events), read from the store, so they include what workers on other machines
 * wrote. Messages, each with `id: <article>-<crawl>-<attempt>` (the cursor after it):
 * - `event: story`    `{ storyId, articleId, first, title, sourceId, lang, url, fetchedAt }` for each new article;
 * - `event: crawl`    `{ crawlId, sourceId, outcome, status, found, new, durationMs, lagMs, at, error, note }` for each
 *   crawl, `note` being its error in plain words, as the pages say it;
 * - `event: delivery` `{ deliveryId, storyId, webhookId, eventType, outcome, status, durationMs, at, endpoint }` for each
 *   delivery attempt, `endpoint` being the webhook's scheme and host only (its URL can hold a secret; the attempt's
 *   error is left out for the same reason).
 * A client that sends `Last-Event-ID` (or `?lastEventId=`) gets what happened since; else only what happens next.
 */
export async function registerEvents(app: FastifyInstance, ctx: ServerContext, options: Partial<HubOptions> = {}): Promise<void> {
  const hub = new ChangeHub(ctx.store, (ctx.log ?? stderrLogger()).child({ component: 'events' }), { ...HUB_DEFAULTS, ...options });
  // Open streams would hold app.close() forever: they are ended first (a browser reconnects to the next server).
  app.addHook('preClose', async () => hub.closeAll());

  app.get<{ Querystring: { lastEventId?: string } }>('/events', async (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write(`retry: ${hub.options.retryMs}\n\n`);
    const header = req.headers['last-event-id'];
    const from = parseEventId(typeof header === 'string' ? header : req.query.lastEventId);
    const client = hub.join(res, from);
    // The response's close, not the request's: a request closes once its (empty) body is read.
    res.on('close', () => hub.leave(client));
  });
}

export interface HubOptions {
  /** How often the store is read for changes. */
  pollMs: number;
  /** How often a comment is sent, so proxies keep a quiet stream open. */
  pingMs: number;
  /** The reconnection delay told to browsers. */
  retryMs: number;
  /** Rows of each kind per read. */
  page: number;
  /** Reads a resuming client may catch up with; further behind, it starts from now (a reload shows the rest). */
  catchUpPages: number;
  /** Bytes a slow client may have waiting; beyond, it is dropped and resumes later from its Last-Event-ID. */
  maxBuffered: number;
}

const HUB_DEFAULTS: HubOptions = { pollMs: 1_000, pingMs: 15_000, retryMs: 3_000, page: 100, catchUpPages: 5, maxBuffered: 1 << 20 };

interface Client {
  res: ServerResponse;
  /** The last row of each kind sent to this client: nothing at or below it is sent again. */
  cursor: ChangeCursor | null;
  /** Changes the poller read while this client was catching up, sent once it has. Null when live. */
  held: Changes[] | null;
  closed: boolean;
}

/**
 * One poller per server, whatever the number of clients: it runs while at least one is connected, reads
 * `store.changesSince` every `pollMs`, and hands each batch to every client. Each client keeps its own cursor and
 * is sent only rows beyond it, so a client that resumed from an older point (and read its backlog itself) never
 * gets a row twice.
 *
 * Why no row is missed: a client is registered (holding batches) before it reads its start, and the poller's
 * cursor at that moment is at or below that start (the start is read after the poller's first cursor, or caught up
 * to the end of the table), so the batches held and those that follow cover everything after it.
 */
class ChangeHub {
  private readonly clients = new Set<Client>();
  private cursor: ChangeCursor | null = null;
  /** Resolves once the poller has its first cursor; null when stopped. */
  private ready: Promise<void> | null = null;
  private generation = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    readonly options: HubOptions,
  ) {}

  join(res: ServerResponse, from: ChangeCursor | null): Client {
    const client: Client = { res, cursor: null, held: [], closed: false };
    this.clients.add(client);
    const ready = this.start();
    void this.catchUp(client, from, ready).catch((err: Error) => {
      this.log.warn({ err: err.message }, 'live updates: a client could not start; it will reconnect');
      this.drop(client);
    });
    return client;
  }

  leave(client: Client): void {
    client.closed = true;
    if (this.clients.delete(client) && this.clients.size === 0) this.stop();
  }

  closeAll(): void {
    for (const client of [...this.clients]) this.drop(client);
    this.stop();
  }

  private async catchUp(client: Client, from: ChangeCursor | null, ready: Promise<void>): Promise<void> {
    await ready;
    if (client.closed) return;
    const now = await this.store.changeCursor();
    if (from === null) {
      client.cursor = now;
    } else {
      // A cursor beyond the store's end (a database rebuilt since) would hide every row until ids caught up.
      client.cursor = { article: Math.min(from.article, now.article), crawl: Math.min(from.crawl, now.crawl), attempt: Math.min(from.attempt, now.attempt) };
      let behind = true;
      for (let i = 0; i < this.options.catchUpPages && behind && !client.closed; i++) {
        const changes = await this.store.changesSince(client.cursor, this.options.page);
        this.send(client, changes);
        behind = this.full(changes);
      }
      if (behind && !client.closed) {
        // Too far behind to replay: from now on, as a fresh client (held batches cover what comes next).
        client.cursor = maxCursor(client.cursor, await this.store.changeCursor());
        this.write(client, ': older changes skipped: reload the page for them\n\n');
      }
    }
    if (client.closed) return;
    const held = client.held ?? [];
    client.held = null;
    for (const changes of held) this.send(client, changes);
  }

  /** Starts the poller if it is not running; resolves once it has its first cursor. */
  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const generation = ++this.generation;
    this.ready = (async () => {
      let cursor: ChangeCursor | null = null;
      while (cursor === null) {
        try {
          cursor = await this.store.changeCursor();
        } catch (err) {
          this.warnOnce(err as Error);
          await sleep(this.options.pollMs);
        }
        if (generation !== this.generation) return;
      }
      this.cursor = cursor;
      this.failing = false;
      this.pollTimer = setTimeout(() => void this.poll(generation), this.options.pollMs);
      this.pingTimer = setInterval(() => {
        for (const client of this.clients) if (client.held === null) this.write(client, ': ping\n\n');
      }, this.options.pingMs);
    })();
    return this.ready;
  }

  private stop(): void {
    this.generation++;
    this.ready = null;
    this.cursor = null;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pollTimer = this.pingTimer = null;
  }

  private async poll(generation: number): Promise<void> {
    let again = false;
    try {
      const changes = await this.store.changesSince(this.cursor!, this.options.page);
      if (generation !== this.generation) return;
      this.failing = false;
      // Cursor and hand-out in one synchronous step: a client registering now holds every later batch.
      this.cursor = changes.cursor;
      for (const client of this.clients) {
        if (client.held) client.held.push(changes);
        else this.send(client, changes);
      }
      again = this.full(changes);
    } catch (err) {
      this.warnOnce(err as Error);
    }
    if (generation !== this.generation) return;
    this.pollTimer = setTimeout(() => void this.poll(generation), again ? 0 : this.options.pollMs);
  }

  /** Writes each row beyond the client's cursor, moving the cursor on; ids say where a reconnection resumes. */
  private send(client: Client, changes: Changes): void {
    const cursor = client.cursor!;
    for (const a of changes.articles) {
      if (a.id <= cursor.article || a.storyId === null) {
        cursor.article = Math.max(cursor.article, a.id);
        continue;
      }
      cursor.article = a.id;
      this.message(client, 'story', { storyId: a.storyId, articleId: a.id, first: a.first, title: a.title, sourceId: a.sourceId, lang: a.lang, url: a.url, fetchedAt: a.fetchedAt });
    }
    for (const c of changes.crawls) {
      if (c.id <= cursor.crawl) continue;
      cursor.crawl = c.id;
      const crawl = { crawlId: c.id, sourceId: c.sourceId, outcome: c.outcome, status: c.status, found: c.entriesFound, new: c.entriesNew, durationMs: c.durationMs, lagMs: c.lagMs ?? null, at: c.at, error: c.error };
      this.message(client, 'crawl', { ...crawl, note: plainError(c) });
    }
    for (const t of changes.attempts) {
      if (t.id <= cursor.attempt) continue;
      cursor.attempt = t.id;
      this.message(client, 'delivery', { deliveryId: t.deliveryId, storyId: t.storyId, webhookId: t.webhookId, eventType: t.eventType, outcome: t.outcome, status: t.status, durationMs: t.durationMs, at: t.at, endpoint: webhookEndpoint(t.url) });
    }
  }

  private message(client: Client, event: string, data: unknown): void {
    const c = client.cursor!;
    // JSON.stringify escapes line breaks, so the data is one line.
    this.write(client, `id: ${c.article}-${c.crawl}-${c.attempt}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(client: Client, text: string): void {
    if (client.closed) return;
    client.res.write(text);
    if (client.res.writableLength > this.options.maxBuffered) {
      this.log.warn({ buffered: client.res.writableLength }, 'live updates: a client reads too slowly; dropped (it resumes from its last event)');
      this.drop(client);
    }
  }

  private drop(client: Client): void {
    this.leave(client);
    client.res.end();
  }

  private full(changes: Changes): boolean {
    const page = this.options.page;
    return changes.articles.length >= page || changes.crawls.length >= page || changes.attempts.length >= page;
  }

  /** One warning per run of failures: a store down for an hour is one line, not 3,600. */
  private warnOnce(err: Error): void {
    if (this.failing) return;
    this.failing = true;
    this.log.warn({ err: err.message }, 'live updates: the store could not be read; retrying every poll');
  }
}

/** `<article>-<crawl>-<attempt>`, as sent in `id:` lines; null when absent or malformed. */
export function parseEventId(text: string | undefined): ChangeCursor | null {
  const m = /^(\d{1,15})-(\d{1,15})-(\d{1,15})$/.exec(text?.trim() ?? '');
  return m ? { article: Number(m[1]), crawl: Number(m[2]), attempt: Number(m[3]) } : null;
}

function maxCursor(a: ChangeCursor, b: ChangeCursor): ChangeCursor {
  return { article: Math.max(a.article, b.article), crawl: Math.max(a.crawl, b.crawl), attempt: Math.max(a.attempt, b.attempt) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let fallbackLogger: Logger | null = null;
/** When the server was built without a logger: JSON lines on stderr, as the CLI logs; one per process. */
function stderrLogger(): Logger {
  fallbackLogger ??= pino({ level: 'info', base: undefined }, pino.destination(2)) as unknown as Logger;
  return fallbackLogger;
}

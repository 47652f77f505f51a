import { z } from 'zod';
import { channelSchema } from './channel-schema.ts';
import { configId } from './config-id.ts';
import { cronProblem } from './cron-problem.ts';
import { parseByteSize } from './byte-size.ts';
import { databaseUrlProblem } from './database-url.ts';
import { parseDuration } from './duration.ts';
import { parseCidr } from './network-policy.ts';
import { checkUniqueIds, checkWatchlistRefs, watchlistSchema } from './watchlist-schema.ts';
import { webhookSecret } from './webhook-secret.ts';

export const EVENT_TYPES = ['article.new', 'article.duplicate', 'source.degraded', 'source.recovered', 'watchlist.match'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const duration = (example = '30s, 5m or 1h', allowZero = false) =>
  z
    .string({ error: `expected a duration like ${example}` })
    .transform((text, ctx) => {
      const ms = parseDuration(text, allowZero);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `expected a duration like ${example}, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    });

const byteSize = (example: string) =>
  z
    .union([z.number(), z.string()], { error: `expected a size like ${example}` })
    .transform((value, ctx) => {
      const bytes = typeof value === 'number' ? (Number.isSafeInteger(value) && value > 0 ? value : null) : parseByteSize(value);
      if (bytes === null) {
        ctx.addIssue({ code: 'custom', message: `expected a size like ${example}, got ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      return bytes;
    });

const HOST_KEY = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const sourceSchema = z
  .object({
    id: configId,
    url: httpUrl,
    every: duration().optional(),
    cron: z
      .string({ error: 'expected a cron pattern like "*/5 * * * *"' })
      .superRefine((pattern, ctx) => {
        const problem = cronProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    render: z.enum(['http', 'browser'], { error: 'expected "http" or "browser"' }).default('http'),
    latest: z
      .object({ heading: z.string().min(1).optional(), selector: z.string().min(1).optional() })
      .strict()
      .optional(),
    extract: z
      .object({ include: z.array(z.string().min(1)).optional(), exclude: z.array(z.string().min(1)).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.every !== undefined && s.cron !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give either "every" or "cron", not both' });
    }
  })
  .transform(({ every, cron, ...rest }) => ({
    ...rest,
    // A source with no schedule is checked every 15 minutes: often enough for news, polite to the site.
    schedule: cron !== undefined ? ({ cron } as const) : ({ everyMs: every ?? 15 * 60_000 } as const),
  }));

const PUBLIC_URL_EXPECTED = 'expected an absolute http(s) URL without a trailing slash, query or credentials, like "https://vigie.example.org"';

/** Links are built as `${publicUrl}/stories/1`: a trailing slash would double, a query would land mid-link. */
function publicUrlOk(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && text === text.trim() && !text.endsWith('/') && !/[?#]/.test(text) && !url.username && !url.password;
}

const webhookSchema = z
  .object({
    url: httpUrl,
    secret: webhookSecret,
    events: z.array(z.enum(EVENT_TYPES, { error: `expected one of ${EVENT_TYPES.join(', ')}` })).default(['article.new']),
  })
  .strict();

export const configSchema = z
  .object({
    redis: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
    storage: z.string().min(1).default('./storage'),
    /**
     * A Postgres URL (postgres://user:password@host:5432/vigie), for workers on several machines. Absent or empty:
     * the embedded SQLite file `<storage>/vigie.db`, which must stay on a local disk (its WAL fails on network filesystems).
     */
    database: z
      .string({ error: 'expected a Postgres URL like postgres://user:password@host:5432/vigie' })
      .superRefine((url, ctx) => {
        const problem = databaseUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullable()
      .default(null),
    /**
     * Prefix of every Redis key (BullMQ's, the host gate's, the lag histogram's), so several installs can share one
     * Redis. The default `{vigie}` is a hash tag: Redis Cluster, Dragonfly and others hash only the tag, so all the
     * keys land in one slot, as BullMQ's scripts and the host gate's (several keys per call) require.
     */
    queuePrefix: z
      .string({ error: 'expected a string; quote a hash tag in YAML, as in queuePrefix: "{vigie}" (unquoted, {vigie} is a mapping)' })
      .regex(/^(?:\{[A-Za-z0-9:_-]+\})?[A-Za-z0-9:_-]*$/, {
        error: (issue) =>
          `expected letters, digits, ":", "_" and "-", after at most one hash tag at the very start, like "{vigie}" or "{team-a}" ` +
          `(Redis Cluster hashes only the first {...}, so one tag puts all the keys in one slot), got "${String(issue.input)}"`,
      })
      .min(1, 'expected a prefix like "{vigie}"')
      .default('{vigie}'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        token: z.string().min(8).optional(),
        /**
         * Where readers reach this server (https://vigie.example.org, or with a path prefix), for absolute links in
         * the feeds: self links and each item's link to its story page. Absent: self links follow the request's Host.
         */
        publicUrl: z
          .string({ error: PUBLIC_URL_EXPECTED })
          .refine(publicUrlOk, {
            // A URL with credentials is not quoted back: the error is printed.
            error: (issue) => (String(issue.input).includes('@') ? PUBLIC_URL_EXPECTED : `${PUBLIC_URL_EXPECTED}, got "${String(issue.input)}"`),
          })
          .optional(),
      })
      .strict()
      .prefault({}),
    crawl: z
      .object({
        userAgent: z.string().min(1).default('Vigie/0.1 (+https://github.com/vigie-monitor/vigie; news monitor)'),
        timeout: duration('10s or 30s').default(30_000),
        /** Least time between two requests to one host, across every worker. `0s` turns spacing off. */
        hostInterval: duration('1s, 500ms or 0s', true).default(1_000),
        respectRobotsTxt: z.boolean().default(true),
        attempts: z.number().int().min(1).max(20).default(3),
        /** An article still unread this long after its entry was seen alerts without its text (`article: null`). */
        articleDeadline: duration('1h or 30m').default(3_600_000),
        /**
         * Listed articles read, with no alert, to learn a new source's template before its first new article is read:
         * the template strips boilerplate only from blocks seen on several pages. 0 turns the warm-up off.
         */
        warmUpPages: z.number({ error: 'expected a whole number of pages from 0 to 10' }).int().min(0).max(10).default(3),
        /**
         * Run Chromium without its sandbox, for `render: browser` sources. Taken only when Vigie runs as root, which
         * Chromium's sandbox cannot; as any other user the sandbox stays. Prefer running as a non-root user.
         */
        chromiumNoSandbox: z.boolean({ error: 'expected true or false' }).default(false),
      })
      .strict()
      .prefault({}),
    /**
     * Address ranges Vigie may connect to although they are private (loopback, RFC 1918, CGNAT, link-local,
     * unique-local IPv6): pages choose the URLs Vigie fetches, so these are refused unless listed here.
     */
    network: z
      .object({
        allow: z
          .array(
            z
              .string({ error: 'expected a CIDR like "10.1.0.0/16" or "fd00::/8"' })
              .refine((c) => parseCidr(c) !== null, { error: (issue) => `expected a CIDR like "10.1.0.0/16" or "fd00::/8", got "${String(issue.input)}"` }),
            { error: 'expected a list of CIDRs like ["10.1.0.0/16"]' },
          )
          .default([]),
      })
      .strict()
      .prefault({}),
    /** What one page may cost: pages are written by strangers. Each limit gives a per-source error, never a crash. */
    limits: z
      .object({
        /** Largest page body, counted after decompression while it streams (so a gzip bomb stops at this size). */
        maxBodyBytes: byteSize('10MB or 500KB').default(10 * 1024 ** 2),
        /** Largest robots.txt read; RFC 9309 asks crawlers to read at least 500 KiB, and the rest is ignored. */
        maxRobotsBytes: byteSize('500KB').default(500 * 1024),
        /** Redirects followed per fetch; one more fails the fetch. */
        maxRedirects: z.number({ error: 'expected a whole number of redirects from 0 to 20' }).int().min(0).max(20).default(5),
        /** Entries of a latest list taken per crawl, first ones in page order; the rest are dropped with a warning. */
        maxListEntries: z.number({ error: 'expected a whole number of entries from 1 to 10000' }).int().min(1).max(10_000).default(500),
        /**
         * More new entries than this in one crawl, on a source whose list is usually a tenth of their number or
         * less, are a relist (a site redesign, a pagination change): recorded as a new baseline, without alerts.
         */
        relistJump: z.number({ error: 'expected a whole number of entries' }).int().min(1).default(100),
        /**
         * Elements open at once while parsing; deeper nesting is flattened (its text kept), so 100,000 nested
         * <div>s parse like flat ones instead of blocking the event loop for seconds.
         */
        maxNesting: z.number({ error: 'expected a whole number of levels from 32 to 4096' }).int().min(32).max(4096).default(256),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        timeout: duration('15s').default(15_000),
        retryFor: duration('24h').default(24 * 3_600_000),
        /** Wait before a failed delivery's first retry; each next wait doubles, up to `maxRetryDelay` (with jitter). */
        firstRetry: duration('5s or 500ms').default(5_000),
        /** Longest wait between two attempts of one delivery (a receiver's Retry-After may ask for more, up to 6 h). */
        maxRetryDelay: duration('1h or 10m').default(3_600_000),
      })
      .strict()
      .superRefine((d, ctx) => {
        if (d.maxRetryDelay < d.firstRetry) {
          ctx.addIssue({ code: 'custom', path: ['maxRetryDelay'], message: `must be at least delivery.firstRetry (${d.firstRetry} ms), got ${d.maxRetryDelay} ms` });
        }
      })
      .prefault({}),
    /** How copies of one story are grouped. */
    stories: z
      .object({
        /** A French article and its English translation (or the reverse) make one story, one alert. */
        translations: z.boolean({ error: 'expected true or false' }).default(true),
        /** How long after a story's copy its translation may still join it. */
        translationWindow: duration('7d or 48h').default(7 * 86_400_000),
      })
      .strict()
      .prefault({}),
    /**
     * How often each process checks that Redis still holds what the store says should be there (the sources'
     * schedules, pending deliveries, unread entries' jobs) and puts back what is missing. Also run on reconnect.
     */
    reconcile: z
      .object({ every: duration('1m or 10s').default(60_000) })
      .strict()
      .prefault({}),
    workers: z
      .object({
        // Crawl and article jobs mostly wait on the network (their host waits happen off the worker, in the delayed set).
        crawlConcurrency: z.number().int().min(1).max(64).default(8),
        articleConcurrency: z.number().int().min(1).max(64).default(8),
        deliveryConcurrency: z.number().int().min(1).max(256).default(8),
        /** A worker that dies mid-job has its job re-run by another after about twice this. */
        lockDuration: duration('30s').default(30_000),
      })
      .strict()
      .prefault({}),
    /** Per-host overrides, keyed by host name (with `:port` when not the default): `{ interval: 250ms }`. */
    hosts: z
      .record(
        z
          .string()
          .transform((h) => h.toLowerCase())
          .pipe(z.string().regex(HOST_KEY, 'expected a host name like "www.example.org" or "127.0.0.1:8080", without scheme or path')),
        z.object({ interval: duration('1s, 250ms or 0s', true) }, { error: 'expected { interval: <duration> }' }).strict(),
      )
      .default({}),
    sources: z.array(sourceSchema, { error: 'expected a list of sources' }).default([]),
    webhooks: z.array(webhookSchema, { error: 'expected a list of webhooks' }).default([]),
    /** Where watchlist matches and digests go: Slack, Teams, Discord, a Standard Webhooks endpoint, or email. */
    channels: z.array(channelSchema, { error: 'expected a list of channels' }).default([]),
    watchlists: z.array(watchlistSchema, { error: 'expected a list of watchlists' }).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkUniqueIds(c.sources, 'sources', ctx);
    checkUniqueIds(c.channels, 'channels', ctx);
    checkUniqueIds(c.watchlists, 'watchlists', ctx);
    checkWatchlistRefs(c, ctx);
    // A webhook's id is derived from its URL, and an event has one delivery per id.
    const urls = new Map<string, number>();
    c.webhooks.forEach((w, i) => {
      const first = urls.get(w.url);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'url'], message: `duplicate url (${endpointOf(w.url)}…, also webhooks[${first}])` });
      } else urls.set(w.url, i);
    });
  });

/** Scheme and host: a webhook URL's path can be its credential, and config errors go to logs. */
function endpointOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
export type SourceConfig = Parsed['sources'][number];
export type ChannelConfig = Parsed['channels'][number];
export type WatchlistConfig = Parsed['watchlists'][number];
export type DigestConfig = NonNullable<WatchlistConfig['digest']>;
export type WebhookConfig = Parsed['webhooks'][number] & { id: string };
export type Config = Omit<Parsed, 'webhooks'> & { webhooks: WebhookConfig[]; origin: string };
